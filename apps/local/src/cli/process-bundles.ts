import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin, version } from 'esbuild';
import { REPO_ROOT } from '../config/local-config';
import { PAYMENTS_ENTRY, REGION_ENTRY } from './control-server';

/**
 * The launcher's processes run from esbuild bundles, not through tsx: tsx compiles with esbuild's
 * keepNames (every function created at run time passes through a helper that defines its name) and
 * resolves every module through loader hooks, which cost start-up time and memory (see
 * docs/performance.md). A bundle is the same code compiled by the same compiler without that option. Bundles are built
 * when their sources changed (a few hundred milliseconds) into node_modules/.cache/meridian-local/;
 * MERIDIAN_RUN_SOURCE=true runs the sources under tsx instead, for debugging.
 */

/** The processes the launcher starts, by the name their bundle takes. */
export const PROCESS_ENTRIES = {
  region: REGION_ENTRY,
  'front-door': join(REPO_ROOT, 'apps/local/src/front-door/main.ts'),
  payments: PAYMENTS_ENTRY,
} as const;

export const BUNDLE_CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/meridian-local');

/** Bumped when the build's options change in a way its inputs do not show. */
const FORMAT = 1;
const MANIFEST = 'manifest.json';
/** A bundle no launcher has started for this long, and not the current one, is deleted at the next build. */
const UNUSED_BUNDLE_MS = 7 * 24 * 3600_000;

export interface BundleOptions<Name extends string> {
  /** Entry points by bundle name. */
  entries: Record<Name, string>;
  /** Where bundles and their manifest are kept. */
  cacheDir: string;
  /** Paths in the manifest are relative to it; a manifest made for another root is never used. */
  root?: string;
}

export interface PreparedBundles<Name extends string> {
  /** The script each process runs. */
  scripts: Record<Name, string>;
  outcome: 'built' | 'fresh';
  /** How long finding out (and building) took. */
  ms: number;
}

interface Manifest {
  format: number;
  root: string;
  node: string;
  esbuild: string;
  entries: Record<string, string>;
  /** Bundle file name by entry name, each named by its content's hash. */
  bundles: Record<string, string>;
  /** Every file the build read, with what identifies its version (size, times, inode). */
  inputs: Record<string, string>;
}

/** Size, modification and change times and inode: a rewritten, replaced or reinstalled file differs. */
function fingerprint(path: string): string {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats ? `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}` : 'missing';
}

/** Written aside and renamed into place: a process started at the same time never reads half a file. */
function writeAtomically(path: string, contents: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** Files besides the sources that change what a build produces: this module, and every npm install. */
function buildInputs(root: string): string[] {
  return [fileURLToPath(import.meta.url), join(root, 'node_modules/.package-lock.json')];
}

function readManifest(cacheDir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(cacheDir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The manifest's bundles when they are still what the sources would build, else undefined. */
function freshBundles<Name extends string>(
  options: Required<BundleOptions<Name>>,
): Record<Name, string> | undefined {
  const manifest = readManifest(options.cacheDir);
  if (
    !manifest ||
    manifest.format !== FORMAT ||
    manifest.root !== options.root ||
    manifest.node !== process.version ||
    manifest.esbuild !== version ||
    JSON.stringify(manifest.entries) !== JSON.stringify(options.entries)
  )
    return undefined;
  const scripts = {} as Record<Name, string>;
  for (const name of Object.keys(options.entries) as Name[]) {
    const file = manifest.bundles[name];
    if (!file || !existsSync(join(options.cacheDir, file))) return undefined;
    scripts[name] = join(options.cacheDir, file);
  }
  for (const [path, seen] of Object.entries(manifest.inputs))
    if (fingerprint(resolve(options.root, path)) !== seen) return undefined;
  return scripts;
}

/**
 * Bundled modules that find files next to themselves (`import.meta.url`: the repository's root, the saga
 * definition, the web app) keep their own location, not the bundle's.
 */
const ownLocation: Plugin = {
  name: 'own-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};

async function buildBundles<Name extends string>(
  options: Required<BundleOptions<Name>>,
): Promise<Record<Name, string>> {
  const result = await build({
    entryPoints: options.entries,
    absWorkingDir: options.root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The native SQLite binding is loaded from node_modules as it is.
    external: ['better-sqlite3'],
    // Bundled CommonJS dependencies call require(): the ES module gets one.
    banner: {
      js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
    },
    plugins: [ownLocation],
    outdir: options.cacheDir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(options.cacheDir, { recursive: true });
  const bundles: Record<string, string> = {};
  const scripts = {} as Record<Name, string>;
  for (const output of result.outputFiles) {
    const name = basename(output.path, '.mjs') as Name;
    const hash = createHash('sha256').update(output.contents).digest('hex').slice(0, 16);
    const file = `${name}-${hash}.mjs`;
    // Named by content: a launcher building the same sources at the same time writes the same bytes.
    if (!existsSync(join(options.cacheDir, file)))
      writeAtomically(join(options.cacheDir, file), output.contents);
    bundles[name] = file;
    scripts[name] = join(options.cacheDir, file);
  }
  const inputs: Record<string, string> = {};
  for (const path of [
    ...Object.keys(result.metafile.inputs).map((input) => resolve(options.root, input)),
    ...buildInputs(options.root),
  ]) {
    inputs[path] = fingerprint(path);
  }
  const manifest: Manifest = {
    format: FORMAT,
    root: options.root,
    node: process.version,
    esbuild: version,
    entries: options.entries,
    bundles,
    inputs,
  };
  // The manifest last: whoever reads it finds every bundle it names.
  writeAtomically(join(options.cacheDir, MANIFEST), JSON.stringify(manifest));
  pruneUnused(options.cacheDir, new Set(Object.values(bundles)));
  return scripts;
}

/** Deletes bundles of older sources that no launcher started for a week, and leftovers of killed builds. */
function pruneUnused(cacheDir: string, current: Set<string>): void {
  const now = Date.now();
  for (const file of readdirSync(cacheDir)) {
    if (current.has(file) || file === MANIFEST) continue;
    const path = join(cacheDir, file);
    const age = now - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? now);
    if ((file.endsWith('.mjs') && age > UNUSED_BUNDLE_MS) || (file.endsWith('.tmp') && age > 3600_000))
      rmSync(path, { force: true });
  }
}

/**
 * The bundles of `entries`, built first when any file they were built from changed since (or none was
 * built). Safe to call from launchers starting at the same time: each reads complete files only.
 */
export async function prepareBundles<Name extends string>(
  options: BundleOptions<Name>,
): Promise<PreparedBundles<Name>> {
  const started = performance.now();
  const resolved = { ...options, root: options.root ?? REPO_ROOT };
  const fresh = freshBundles(resolved);
  const scripts = fresh ?? (await buildBundles(resolved));
  // Marks them used, so that pruning spares the bundles a long-running launcher may restart a region from.
  const now = new Date();
  for (const script of Object.values<string>(scripts)) utimesSync(script, now, now);
  return { scripts, outcome: fresh ? 'fresh' : 'built', ms: Math.round(performance.now() - started) };
}

/** The scripts `npm start` runs its processes from: bundles, or the sources under tsx when asked. */
export async function processScripts(
  runSource: boolean,
): Promise<{ scripts: Record<keyof typeof PROCESS_ENTRIES, string>; note: string | undefined }> {
  if (runSource)
    return {
      scripts: { ...PROCESS_ENTRIES },
      note: 'Running the processes from source under tsx (MERIDIAN_RUN_SOURCE)',
    };
  const prepared = await prepareBundles({ entries: { ...PROCESS_ENTRIES }, cacheDir: BUNDLE_CACHE_DIR });
  return {
    scripts: prepared.scripts,
    note:
      prepared.outcome === 'built'
        ? `Bundled the processes into ${BUNDLE_CACHE_DIR} in ${prepared.ms} ms`
        : undefined,
  };
}
