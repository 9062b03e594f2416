import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../config/local-config';
import { prepareBundles } from './process-bundles';

// Bundles resolve better-sqlite3 (left out of the bundle) from where they are: inside the repository.
const scratch = mkdtempSync(join(REPO_ROOT, 'node_modules/.cache/meridian-bundles-test-'));
// Sources of the repository's own kind live outside node_modules (whose modules keep their import.meta).
const sources = mkdtempSync(join(tmpdir(), 'meridian-bundles-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(sources, { recursive: true, force: true });
});

/** Runs a script on plain Node, with no NODE_OPTIONS: nothing from the test runner can help it. */
function runOnNode(script: string) {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return spawnSync(process.execPath, [script], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
}

describe('process bundles', () => {
  it('installs the Promise.withResolvers polyfill in a bundle of the workflow runner, so the saga succeeds', async () => {
    // The fixture imports the runner as the region does; on Node 20 a missing polyfill makes every Task
    // state throw and the saga fail (the region would compensate every order).
    const fixture = join(REPO_ROOT, 'packages/adapters-local/src/workflow/polyfill-fixture.ts');
    const { scripts, outcome } = await prepareBundles({
      entries: { fixture },
      cacheDir: join(scratch, 'polyfill'),
    });
    expect(outcome).toBe('built');
    expect(scripts.fixture).toMatch(/\.mjs$/);

    const child = runOnNode(scripts.fixture);
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ after: true, status: 'SUCCEEDED', error: null });
    expect(report.called).toHaveLength(5);
    if (Number(process.versions.node.split('.')[0]) < 22) expect(report.before).toBe(false);
  }, 60_000);

  it('builds again only when a source changed, and keeps each module’s own location', async () => {
    const root = sources;
    mkdirSync(join(root, 'lib'));
    const entry = join(root, 'main.ts');
    writeFileSync(
      entry,
      [
        "import { fileURLToPath } from 'node:url';",
        "import { greeting } from './lib/greeting';",
        'console.log(JSON.stringify({ greeting, where: fileURLToPath(import.meta.url) }));',
      ].join('\n'),
    );
    const library = join(root, 'lib/greeting.ts');
    writeFileSync(library, "export const greeting: string = 'hello';\n");
    const options = { entries: { main: entry }, cacheDir: join(root, 'cache'), root };

    const first = await prepareBundles(options);
    expect(first.outcome).toBe('built');
    expect(JSON.parse(runOnNode(first.scripts.main).stdout)).toEqual({ greeting: 'hello', where: entry });

    const again = await prepareBundles(options);
    expect(again).toMatchObject({ outcome: 'fresh', scripts: first.scripts });

    writeFileSync(library, "export const greeting: string = 'bonjour';\n");
    const changed = await prepareBundles(options);
    expect(changed.outcome).toBe('built');
    expect(changed.scripts.main).not.toBe(first.scripts.main);
    expect(JSON.parse(runOnNode(changed.scripts.main).stdout).greeting).toBe('bonjour');
    // A launcher still running the first build can restart a process from it.
    expect(existsSync(first.scripts.main)).toBe(true);
    expect(readFileSync(first.scripts.main, 'utf8')).toContain('"hello"');

    // The same cache for another checkout of the sources is not fresh there.
    const elsewhere = await prepareBundles({ ...options, root: join(root, 'lib') });
    expect(elsewhere.outcome).toBe('built');
  }, 60_000);

  it('lets two launchers build into one cache at once: each gets a whole bundle, and the cache stays usable', async () => {
    const entry = join(sources, 'main.ts');
    writeFileSync(entry, 'console.log(JSON.stringify({ answer: 42 as number }));\n');
    const options = { entries: { main: entry }, cacheDir: join(sources, 'cache'), root: sources };

    const [one, two] = await Promise.all([prepareBundles(options), prepareBundles(options)]);
    for (const prepared of [one, two])
      expect(JSON.parse(runOnNode(prepared.scripts.main).stdout)).toEqual({ answer: 42 });
    const after = await prepareBundles(options);
    expect(after.outcome).toBe('fresh');
    expect(JSON.parse(runOnNode(after.scripts.main).stdout)).toEqual({ answer: 42 });
  }, 60_000);
});
