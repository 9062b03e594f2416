import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControlStatus, FrontDoorStatus } from '../api/types';
import { ConfigContext } from '../auth/config-context';
import { fakeFetch, json } from '../test-support/fake-fetch';
import { RegionsPanel } from './regions-panel';

const twoRegions: FrontDoorStatus = {
  policy: { kind: 'failover', primary: 'us-east-1' },
  serving: 'eu-west-1',
  regions: [
    {
      name: 'us-east-1',
      url: 'http://127.0.0.1:8081',
      healthy: false,
      consecutiveFailures: 3,
      lastError: 'fetch failed',
      link: 'up',
      replicationLagMs: null,
      replication: null,
      outboxDepth: null,
      deadLetters: null,
      eventLoop: null,
      settlement: null,
      reconciliation: null,
    },
    {
      name: 'eu-west-1',
      url: 'http://127.0.0.1:8082',
      healthy: true,
      consecutiveFailures: 0,
      lastLatencyMs: 4,
      link: 'up',
      replicationLagMs: 120,
      replication: null,
      outboxDepth: null,
      deadLetters: null,
      eventLoop: null,
      settlement: null,
      reconciliation: null,
    },
  ],
};

const withMoney: FrontDoorStatus = {
  ...twoRegions,
  regions: [
    {
      ...(twoRegions.regions[0] as FrontDoorStatus['regions'][number]),
      settlement: null,
      reconciliation: null,
    },
    {
      ...(twoRegions.regions[1] as FrontDoorStatus['regions'][number]),
      settlement: { owed: 2, oldestSince: '2026-01-01T10:00:00.000Z', oldestAgeMs: 90_000 },
      reconciliation: {
        lastRunAt: '2026-01-01T10:01:00.000Z',
        lastError: null,
        unresolved: [{ orderId: 'ord_01X_eu-west-1', reason: 'refund failed: provider unavailable' }],
        fixedTotal: 3,
        watching: 1,
      },
    },
  ],
};

const launcher = (running: boolean): ControlStatus => ({
  link: 'up',
  regions: [],
  provider: { name: 'payments', url: 'http://127.0.0.1:8090', running, pid: running ? 4242 : null },
  processes: [],
});

describe('regions panel', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows a loading state, then which region serves and each region health in words', async () => {
    fakeFetch({ 'GET /frontdoor/status': () => json(twoRegions) });
    render(<RegionsPanel token="t" />);
    expect(screen.getByText('Reading region health…')).toBeTruthy();

    expect((await screen.findByText(/Serving now/)).textContent).toBe('Serving now: eu-west-1');
    const usEast = screen.getByRole('article', { name: /us-east-1/ });
    expect(usEast.textContent).toContain('Unhealthy');
    expect(usEast.textContent).toContain('fetch failed');
    expect(usEast.textContent).toContain('Replication lag (p99)not reported');
    const euWest = screen.getByRole('article', { name: /eu-west-1/ });
    expect(euWest.textContent).toContain('Serving');
    expect(euWest.textContent).toContain('120 ms');
  });

  it('sends a kill to the front door and reports it', async () => {
    const { requests } = fakeFetch({
      'GET /frontdoor/status': () => json(twoRegions),
      'POST /frontdoor/control/regions/eu-west-1/kill': () =>
        json({ region: 'eu-west-1', killed: true }, 202),
    });
    render(<RegionsPanel token="t" />);

    fireEvent.click(await screen.findByRole('button', { name: 'Kill eu-west-1' }));

    expect(await screen.findByText(/Kill eu-west-1: requested/)).toBeTruthy();
    const kill = requests.find(
      (r) => r.method === 'POST' && r.path === '/frontdoor/control/regions/eu-west-1/kill',
    );
    expect(kill?.headers.get('authorization')).toBe('Bearer t');
    // The status is an operator route too: it is read with the admin's token.
    const status = requests.find((r) => r.path === '/frontdoor/status');
    expect(status?.headers.get('authorization')).toBe('Bearer t');
  });

  it('shows on each region card how many closed orders still owe a settlement, and for how long', async () => {
    fakeFetch({ 'GET /frontdoor/status': () => json(withMoney) });
    render(<RegionsPanel token="t" />);

    const euWest = await screen.findByRole('article', { name: /eu-west-1/ });
    expect(euWest.textContent).toContain('Owed settlements2 orders, oldest waiting 1 min 30 s');
    expect(euWest.textContent).toContain('Payments the reconciler could not fix1');
    // A region that cannot be asked claims nothing.
    expect(screen.getByRole('article', { name: /us-east-1/ }).textContent).not.toContain('Owed settlements');
  });

  it('shows the payment provider and starts and kills it through the front door, with the session token', async () => {
    let running = false;
    const { requests } = fakeFetch({
      'GET /frontdoor/status': () => json(twoRegions),
      'GET /frontdoor/control/status': () => json(launcher(running)),
      'POST /frontdoor/control/provider/start': () => {
        running = true;
        return json({ process: 'payments', started: true, pid: 4242 }, 202);
      },
      'POST /frontdoor/control/provider/kill': () => {
        running = false;
        return json({ process: 'payments', killed: true, pid: 4242, signal: 'SIGKILL' }, 202);
      },
    });
    render(<RegionsPanel token="admin-token" />);

    const provider = await screen.findByRole('article', { name: 'Payment provider' });
    await within(provider).findByText('Stopped');
    fireEvent.click(within(provider).getByRole('button', { name: 'Start the payment provider' }));
    expect(await screen.findByText(/Start the payment provider: requested/)).toBeTruthy();
    await within(provider).findByText('Running', {}, { timeout: 3000 });
    expect(provider.textContent).toContain('pid 4242');

    fireEvent.click(within(provider).getByRole('button', { name: 'Kill the payment provider' }));
    await within(provider).findByText('Stopped', {}, { timeout: 3000 });

    const controls = requests.filter((r) => r.method === 'POST');
    expect(controls.map((r) => r.path)).toEqual([
      '/frontdoor/control/provider/start',
      '/frontdoor/control/provider/kill',
    ]);
    expect(controls.every((r) => r.headers.get('authorization') === 'Bearer admin-token')).toBe(true);
  });

  it('hides the controls and explains why when the front door has no control endpoints (404)', async () => {
    fakeFetch({ 'GET /frontdoor/status': () => json(twoRegions) });
    render(<RegionsPanel token="t" />);

    fireEvent.click(await screen.findByRole('button', { name: 'Cut the link between regions' }));

    expect(await screen.findByText(/Region controls are not available/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Kill/ })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers no local controls on AWS and says status is not available when the front door route is missing', async () => {
    fakeFetch({
      'GET /frontdoor/status': () =>
        new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }),
    });
    render(
      <ConfigContext.Provider
        value={{ auth: { kind: 'cognito', domain: 'https://d', clientId: 'c', redirectUri: 'https://r' } }}
      >
        <RegionsPanel token="t" />
      </ConfigContext.Provider>,
    );

    expect(await screen.findByText(/Front door status is not available in this deployment/)).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
