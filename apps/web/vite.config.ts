import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev` talks to a running `npm start`; the front door is the only backend the app knows.
const frontDoor = process.env.MERIDIAN_FRONT_DOOR ?? 'http://localhost:8080';

export default defineConfig({
  root,
  plugins: [react()],
  // Source maps only when asked for (MERIDIAN_SOURCE_MAPS=true): they hand out the whole source.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: process.env.MERIDIAN_SOURCE_MAPS === 'true',
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: {
      '/api': frontDoor,
      '/auth/token': frontDoor,
      '/auth/users': frontDoor,
      '/auth/sign-in-link': frontDoor,
      '/frontdoor': frontDoor,
    },
  },
});
