import { describe, expect, it } from 'vitest';
import { readCommandLine } from './command-line';
import { OUTAGE_USAGE, outageScenarioFromArgs } from './outage-scenario';
import { CHAOS_USAGE, scenarioFromArgs } from './scenario';

describe('readCommandLine', () => {
  it('answers --help and -h with the usage, without parsing the rest', () => {
    expect(readCommandLine(['--help', '--nonsense'], scenarioFromArgs, CHAOS_USAGE)).toEqual({
      kind: 'help',
      text: CHAOS_USAGE,
    });
    expect(readCommandLine(['-h'], outageScenarioFromArgs, OUTAGE_USAGE).kind).toBe('help');
  });

  it('names an unknown option and shows the usage', () => {
    const line = readCommandLine(['--rat', '5'], scenarioFromArgs, CHAOS_USAGE);
    expect(line.kind).toBe('usage-error');
    expect(line.kind === 'usage-error' && line.text).toMatch(/--rat[\s\S]*usage: npm run chaos/);
  });

  it('names a value out of range', () => {
    const line = readCommandLine(['--seconds', '9999'], outageScenarioFromArgs, OUTAGE_USAGE);
    expect(line.kind === 'usage-error' && line.text).toMatch(/--seconds: expected an integer from 3 to 600/);
  });

  it('returns the settings when the command line is good', () => {
    const line = readCommandLine(['--seed', '7', '--skip-freeze'], scenarioFromArgs, CHAOS_USAGE);
    expect(line.kind === 'run' && [line.settings.seed, line.settings.freezeMs]).toEqual([7, 0]);
  });
});

describe('usage texts', () => {
  it('name every option the parsers take', () => {
    for (const option of [
      '--seed',
      '--regions',
      '--rate',
      '--clients',
      '--summary',
      '--keep-data',
      '--skip-freeze',
    ])
      expect(CHAOS_USAGE).toContain(option);
    for (const option of ['--regions', '--orders', '--seconds', '--fault', '--summary', '--keep-data'])
      expect(OUTAGE_USAGE).toContain(option);
  });
});
