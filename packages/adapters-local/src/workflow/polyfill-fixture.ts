// Run by polyfill.test.ts in a clean Node process: proves the runner module itself installs
// Promise.withResolvers, which aws-local-stepfunctions 3 needs in every Task state on Node 20.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const hasWithResolvers = () => typeof (Promise as { withResolvers?: unknown }).withResolvers === 'function';
const before = hasWithResolvers();
const { LocalWorkflowRunner } = await import('./local-workflow-runner');
const after = hasWithResolvers();

const { localFunctionArns, placeholderNames, substituteDefinition } = await import('./substitute-definition');
const { openDatabase } = await import('../sqlite/open-database');
const text = readFileSync(new URL('../../../../statemachines/order-saga.asl.json', import.meta.url), 'utf8');
const definition = substituteDefinition(text, localFunctionArns(placeholderNames(text), 'us-east-1'));
const taskStates = Object.entries(definition.States as Record<string, { Type: string }>)
  .filter(([, state]) => state.Type === 'Task')
  .map(([name]) => name);
const called: string[] = [];
const handlers = Object.fromEntries(
  taskStates.map((name) => [
    name,
    async () => {
      called.push(name);
      return { ok: true };
    },
  ]),
);
const dir = mkdtempSync(join(tmpdir(), 'meridian-polyfill-'));
const db = openDatabase(join(dir, 'region.db'));
const runner = new LocalWorkflowRunner({
  db,
  definition,
  handlers,
  logger: { info: () => {}, error: () => {} },
});
await runner.start('polyfill-check', { orderId: 'o-1', mode: 'place' });
await runner.idle();
const execution = runner.describe('polyfill-check');
await runner.stop();
db.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  JSON.stringify({ before, after, status: execution?.status, error: execution?.error ?? null, called }),
);
