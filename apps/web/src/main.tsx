import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { ConfigContext } from './auth/config-context';
import { loadRuntimeConfig } from './auth/runtime-config';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The runtime config decides the sign-in flow, so it is read before the first render.
loadRuntimeConfig().then((config) => {
  createRoot(root).render(
    <StrictMode>
      <ConfigContext.Provider value={config}>
        <App />
      </ConfigContext.Provider>
    </StrictMode>,
  );
});
