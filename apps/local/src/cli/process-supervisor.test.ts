import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessSupervisor } from './process-supervisor';

const dir = mkdtempSync(join(tmpdir(), 'meridian-supervisor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a script under the supervisor; it writes the Node flags it ran with to a file. */
async function nodeFlagsOf(file: string, source: string): Promise<string[]> {
  const script = join(dir, file);
  const report = `${script}.flags.json`;
  writeFileSync(script, source.replace('REPORT', JSON.stringify(report)));
  const supervisor = new ProcessSupervisor({
    logDir: join(dir, 'logs'),
    runDir: join(dir, 'run'),
    color: false,
  });
  const child = supervisor.start({ name: file, script, env: {} });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, readFileSync(supervisor.logFile(file), 'utf8')).toBe(0);
  return JSON.parse(readFileSync(report, 'utf8')) as string[];
}

describe('process supervisor', () => {
  it('runs a TypeScript source under tsx (MERIDIAN_RUN_SOURCE) and a bundle on plain Node', async () => {
    // Type annotations: plain Node 20 could not run this file.
    const source = await nodeFlagsOf(
      'source.ts',
      "import { writeFileSync } from 'node:fs';\nconst flags: string[] = process.execArgv;\nwriteFileSync(REPORT, JSON.stringify(flags));\n",
    );
    expect(source).toEqual(expect.arrayContaining(['--import', 'tsx']));

    const bundle = await nodeFlagsOf(
      'bundle.mjs',
      "import { writeFileSync } from 'node:fs';\nwriteFileSync(REPORT, JSON.stringify(process.execArgv));\n",
    );
    expect(bundle).not.toContain('tsx');
  }, 30_000);
});
