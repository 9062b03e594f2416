import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forwardSteps } from './saga-test-support';

const fixture = fileURLToPath(new URL('./polyfill-fixture.ts', import.meta.url));

describe('Promise.withResolvers polyfill', () => {
  it('is installed by the runner module itself, so a clean Node process completes the saga', () => {
    // A fresh process with no NODE_OPTIONS: nothing from the test runner can lend it a polyfill.
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ after: true, status: 'SUCCEEDED', error: null, called: forwardSteps });
    // Node 22+ has it built in; on the Node 20 Meridian runs on, only the runner module can supply it.
    if (Number(process.versions.node.split('.')[0]) < 22) expect(report.before).toBe(false);
  });
});
