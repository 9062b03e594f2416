import { createContext, useContext } from 'react';
import type { RuntimeConfig } from './runtime-config';

export const ConfigContext = createContext<RuntimeConfig>({ auth: { kind: 'local' } });

export function useRuntimeConfig(): RuntimeConfig {
  return useContext(ConfigContext);
}
