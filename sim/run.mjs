// Runs the simulator (`npm run sim -- …`): bundles sim/cli.ts and the platform code it loads with esbuild
// (the compiler tsx uses too), then runs the bundle in a fresh Node with the arguments given.
//
// Why not `tsx sim/cli.ts`: tsx compiles with esbuild's keepNames, which wraps every function created at
// run time in a helper that defines its name, and resolves modules through loader hooks; a seed creates
// millions of short-lived functions, and the simulator made about a quarter fewer seeds a minute that
// way. The bundle is the same code, compiled the same way but for that option: a seed gives the same
// trace hash under either.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'node_modules/.cache/meridian-sim/cli.mjs');

/**
 * A module of the repo that finds files next to itself (`import.meta.url`, as the local config finds the
 * repo's root) keeps its own location in the bundle.
 */
const ownLocation = {
  name: 'own-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'sim/cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The native SQLite binding is loaded from node_modules as it is.
  external: ['better-sqlite3'],
  // Bundled CommonJS dependencies call require(): give the ES module one.
  banner: {
    js: "import { createRequire as simRequire } from 'node:module'; const require = simRequire(import.meta.url);",
  },
  plugins: [ownLocation],
  write: false,
  logLevel: 'warning',
});
mkdirSync(dirname(out), { recursive: true });
// Written aside and renamed into place: two runs starting at once never read a half-written bundle.
const temporary = `${out}.${process.pid}.tmp`;
writeFileSync(temporary, result.outputFiles[0].contents);
renameSync(temporary, out);

// A larger young generation: a seed allocates many short-lived objects, and the default one is
// collected so often that collection cost a fifth of a run.
const run = spawnSync(
  process.execPath,
  ['--max-semi-space-size=32', '--single-threaded-gc', out, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(run.status ?? 1);
