import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FrontDoorStatus, ReconciliationReport, Settlement } from '../api/types';
import { fakeFetch, json } from '../test-support/fake-fetch';
import { ReconcilerPanel } from './reconciler-panel';
import { RegionMoney } from './region-money';
import { SettlementsPanel } from './settlements-panel';

const region = (name: string) => ({
  name,
  url: `http://127.0.0.1/${name}`,
  healthy: true,
  consecutiveFailures: 0,
  // What the front door reports about a region it could not ask: none of these panels read them.
  link: null,
  replicationLagMs: null,
  replication: null,
  outboxDepth: null,
  deadLetters: null,
  eventLoop: null,
});

const status: FrontDoorStatus = {
  policy: { kind: 'failover', primary: 'us-east-1' },
  serving: 'us-east-1',
  regions: [
    {
      ...region('us-east-1'),
      settlement: { owed: 1, oldestSince: '2026-01-01T10:00:00.000Z', oldestAgeMs: 125_000 },
      reconciliation: {
        lastRunAt: '2026-01-01T10:02:00.000Z',
        lastError: 'PaymentProviderUnavailableError: connect ECONNREFUSED',
        unresolved: [{ orderId: 'ord_01A_us-east-1', reason: 'void failed: provider unavailable' }],
        fixedTotal: 4,
        watching: 2,
      },
    },
    {
      ...region('eu-west-1'),
      settlement: { owed: 0, oldestSince: null, oldestAgeMs: null },
      reconciliation: { lastRunAt: null, lastError: null, unresolved: [], fixedTotal: 0, watching: 0 },
    },
    { ...region('ap-southeast-2'), healthy: false, settlement: null, reconciliation: null },
  ],
};

const owed: Settlement = {
  orderId: 'ord_01HZZZZZZZZZZZZZZZZZ12345678_us-east-1',
  region: 'us-east-1',
  status: 'PENDING',
  owed: ['refundPayment', 'cancelShipment'],
  since: '2026-01-01T10:00:00.000Z',
  attempts: 7,
  nextAttemptAt: '2999-01-01T10:00:30.000Z',
  lastError: 'refundPayment: PaymentProviderUnavailableError: 503',
};

const pass: ReconciliationReport = {
  region: 'us-east-1',
  startedAt: '2026-01-01T10:05:00.000Z',
  finishedAt: '2026-01-01T10:05:00.120Z',
  ledgerEntriesRead: 12,
  ordersChecked: 5,
  fixed: [{ orderId: 'ord_01B_us-east-1', authorizationId: 'pi_77', action: 'voided', amountMinor: 3399 }],
  unresolved: [],
  waiting: 1,
  totals: { passes: 9, ordersChecked: 40, fixed: 5, unresolved: 1 },
  recentFixes: [],
};

const cellsOf = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((cell) => cell.textContent);

describe('money section', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows per region what is owed and the reconciler: last pass, fixes, watched orders, unresolved with reasons', async () => {
    fakeFetch({ 'GET /frontdoor/status': () => json(status) });
    render(<RegionMoney token="admin-token" />);

    const usEast = await screen.findByRole('row', { name: 'us-east-1' });
    const [owedCell, lastPass, fixed, watching, unresolved] = cellsOf(usEast);
    expect(owedCell).toContain('1 order, oldest waiting 2 min 5 s');
    expect(lastPass).toContain('last pass failed: PaymentProviderUnavailableError');
    expect(fixed).toBe('4');
    expect(watching).toBe('2 open orders');
    expect(unresolved).toBe('ord_01A_us-east-1: void failed: provider unavailable');

    expect(cellsOf(screen.getByRole('row', { name: 'eu-west-1' }))).toEqual([
      'none',
      'not yet',
      '0',
      '0 open orders',
      'none',
    ]);
    // A region that cannot be asked is not shown as owing nothing.
    expect(cellsOf(screen.getByRole('row', { name: 'ap-southeast-2' }))[0]).toBe('not reported');
  });

  it("lists the serving region's owed settlements: what is owed, since when, attempts, next attempt, last error", async () => {
    const { requests } = fakeFetch({
      'GET /api/v1/admin/settlements': () =>
        json({ items: [owed], nextCursor: 'next' }, 200, { 'x-meridian-region': 'us-east-1' }),
    });
    render(<SettlementsPanel token="admin-token" />);

    expect(await screen.findByRole('heading', { name: 'Owed settlements in us-east-1' })).toBeTruthy();
    const row = screen.getByRole('row', { name: owed.orderId });
    const [what, , attempts, next, lastError] = cellsOf(row);
    expect(what).toBe('refund, cancel shipment');
    expect(attempts).toBe('7');
    expect(next).toMatch(/\(in /);
    expect(lastError).toBe(owed.lastError);
    expect(within(row).getByRole('link').getAttribute('href')).toBe(`/orders/${owed.orderId}`);
    expect(screen.getByText(/more are owed/)).toBeTruthy();
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer admin-token');
  });

  it('says when nothing is owed', async () => {
    fakeFetch({
      'GET /api/v1/admin/settlements': () => json({ items: [] }, 200, { 'x-meridian-region': 'eu-west-1' }),
    });
    render(<SettlementsPanel token="t" />);

    expect(await screen.findByText('Nothing is owed.')).toBeTruthy();
    expect(screen.getByText('Every closed order of eu-west-1 has been settled.')).toBeTruthy();
  });

  it('runs the reconciler now and shows the pass it ran', async () => {
    let report: ReconciliationReport | null = null;
    const { requests } = fakeFetch({
      'GET /api/v1/admin/reconciliation': () =>
        json({ report, watching: 1 }, 200, { 'x-meridian-region': 'us-east-1' }),
      'POST /api/v1/admin/reconciliation': () => {
        report = pass;
        return json(pass, 200, { 'x-meridian-region': 'us-east-1' });
      },
    });
    render(<ReconcilerPanel token="admin-token" />);

    expect(await screen.findByText('No pass has run yet.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Run the reconciler now' }));

    const ran = await screen.findByRole('region', { name: 'The pass you ran' });
    expect(ran.textContent).toContain('read 12 ledger entries, checked 5 orders, fixed 1, could not fix 0');
    const fix = within(ran).getByRole('row', { name: /ord_01B_us-east-1/ });
    expect(cellsOf(fix)).toEqual(['pi_77', 'voided', '33.99']);
    const post = requests.find((r) => r.method === 'POST');
    expect(post?.headers.get('authorization')).toBe('Bearer admin-token');
    // The saved report is read again, so the panel's own view follows.
    await waitFor(() => expect(screen.queryByText('No pass has run yet.')).toBeNull());
    expect(screen.getAllByText(/Over recorded passes: 9 passes/)).toHaveLength(2);
  });

  it('says where running it on demand is not offered, and hides the button', async () => {
    fakeFetch({
      'GET /api/v1/admin/reconciliation': () => json({ report: pass, watching: 0 }),
    });
    render(<ReconcilerPanel token="t" />);

    fireEvent.click(await screen.findByRole('button', { name: 'Run the reconciler now' }));

    expect(await screen.findByText(/not available in this deployment/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Run the reconciler now' })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
