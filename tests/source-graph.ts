import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's TypeScript files and the imports between them, read with git and regular expressions. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every TypeScript file git knows of (committed or not yet), repository-relative. */
export function typeScriptFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return listed.split('\n').filter((file) => /\.tsx?$/.test(file) && existsSync(join(root, file)));
}

/** Sources are what ships or runs: not tests, test folders or declaration files. */
export const isSource = (file: string) => !/(\.test\.|\/tests?\/|^tests?\/|\.d\.ts$)/.test(file);

export const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Top-level `import … from`, `export … from` and bare `import '…'` specifiers (Biome keeps them at column 0). */
export function importSpecifiers(text: string): string[] {
  const statement = /^(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s*)?['"]([^'"]+)['"]/gm;
  return [...text.matchAll(statement)].map((match) => match[1] as string);
}

/** The workspace packages' names and export maps, to follow `@meridian/…` imports to their files. */
function workspaceExports(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const manifest of listManifests()) {
    const { name, exports } = JSON.parse(readFileSync(join(root, manifest), 'utf8')) as {
      name?: string;
      exports?: Record<string, string>;
    };
    if (!name || !exports) continue;
    for (const [subpath, target] of Object.entries(exports))
      entries.set(posix.join(name, subpath), posix.join(posix.dirname(manifest), target));
  }
  return entries;
}

function listManifests(): string[] {
  const listed = execFileSync('git', ['ls-files', 'packages/*/package.json', 'apps/*/package.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  return listed.split('\n').filter(Boolean);
}

function resolveImport(from: string, specifier: string, files: Set<string>, packages: Map<string, string>) {
  const base = specifier.startsWith('.')
    ? posix.join(posix.dirname(from), specifier)
    : packages.get(specifier);
  if (base === undefined) return undefined; // a library from node_modules
  const stem = base.replace(/\.js$/, '');
  return [base, `${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`, `${stem}/index.tsx`].find((candidate) =>
    files.has(candidate),
  );
}

/**
 * Cycles in an import graph, each as the path that closes it. Depth-first: at least one cycle is reported
 * whenever the graph has any, so an empty answer means none.
 */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const packages = workspaceExports();
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importSpecifiers(readFileSync(join(root, file), 'utf8'))
      .map((specifier) => resolveImport(file, specifier, known, packages))
      .filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}
