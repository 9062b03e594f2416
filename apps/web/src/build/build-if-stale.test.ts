import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBuildStale } from './build-if-stale';

describe('web build staleness check (npm start)', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function tree() {
    root = mkdtempSync(join(tmpdir(), 'web-stale-'));
    mkdirSync(join(root, 'src/orders'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'index.html'), '');
    writeFileSync(join(root, 'src/orders/order-page.tsx'), '');
    writeFileSync(join(root, 'src/orders/order-page.test.tsx'), '');
    const past = new Date(Date.now() - 60_000);
    for (const file of ['index.html', 'src/orders/order-page.tsx', 'src/orders/order-page.test.tsx']) {
      utimesSync(join(root, file), past, past);
    }
  }

  it('is stale without a build and fresh right after one', () => {
    tree();
    expect(isBuildStale(root)).toBe(true);
    writeFileSync(join(root, 'dist/index.html'), '');
    expect(isBuildStale(root)).toBe(false);
  });

  it('is stale when a source file changed after the build, but not when only a test changed', () => {
    tree();
    writeFileSync(join(root, 'dist/index.html'), '');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/orders/order-page.test.tsx'), later, later);
    expect(isBuildStale(root)).toBe(false);
    utimesSync(join(root, 'src/orders/order-page.tsx'), later, later);
    expect(isBuildStale(root)).toBe(true);
  });
});
