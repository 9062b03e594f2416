import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findCycles,
  importGraph,
  importSpecifiers,
  isSource,
  lineCount,
  root,
  typeScriptFiles,
} from './source-graph';

/**
 * Two habits that drift without a guard: a source file keeps one job (at most 300 lines), and modules
 * import each other in one direction only (no import cycle anywhere in the repository, type-only imports
 * included: a cycle of types still ties the modules together).
 */
const MAX_SOURCE_LINES = 300;

describe('source layout', () => {
  const files = typeScriptFiles();

  it('keeps every source file at or under 300 lines', () => {
    const long = files
      .filter(isSource)
      .map((file) => ({ file, lines: lineCount(readFileSync(join(root, file), 'utf8')) }))
      .filter(({ lines }) => lines > MAX_SOURCE_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('has no import cycle anywhere in the repository', () => {
    const cycles = findCycles(importGraph(files)).map((cycle) => cycle.join(' → '));
    expect(cycles).toEqual([]);
  });

  it('finds the imports it checks, type-only and multi-line ones included', () => {
    const text = [
      "import type { A } from './a';",
      'import {',
      '  b,',
      '  type C,',
      "} from '../c';",
      "export { d } from './d';",
      "export * from '@meridian/domain';",
      "import './side-effect';",
      "const text = `import { x } from './not-at-line-start'`;",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a', '../c', './d', '@meridian/domain', './side-effect']);
  });

  it('reports a cycle through its files and none in a graph that only points one way', () => {
    const circle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycles(circle)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    const oneWay = new Map([
      ['a.ts', ['b.ts', 'c.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', []],
    ]);
    expect(findCycles(oneWay)).toEqual([]);
  });
});
