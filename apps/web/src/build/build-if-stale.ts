import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What the build reads; tests do not change the bundle, so they do not make it stale. */
const INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'src', 'public'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stats.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), 0);
}

/** dist/index.html is written last by vite build, so its mtime marks the build. */
export function isBuildStale(webRoot: string = WEB_ROOT): boolean {
  const built = join(webRoot, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return INPUTS.some((input) => newestMtime(join(webRoot, input)) > builtAt);
}

export async function buildIfStale(webRoot: string = WEB_ROOT): Promise<'built' | 'fresh'> {
  if (!isBuildStale(webRoot)) return 'fresh';
  // Imported lazily: a fresh build (the usual `npm start`) does not pay for loading Vite.
  const { build } = await import('vite');
  await build({ configFile: join(webRoot, 'vite.config.ts'), logLevel: 'warn' });
  return 'built';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  buildIfStale()
    .then((outcome) => {
      if (outcome === 'built') console.log(`web app built into apps/web/dist in ${Date.now() - started} ms`);
    })
    .catch((error: unknown) => {
      console.error(`web app build failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
