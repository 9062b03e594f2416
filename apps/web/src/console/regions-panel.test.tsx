import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FrontDoorStatus } from '../api/types';
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
    },
    {
      name: 'eu-west-1',
      url: 'http://127.0.0.1:8082',
      healthy: true,
      consecutiveFailures: 0,
      lastLatencyMs: 4,
      link: 'up',
      replicationLagMs: 120,
    },
  ],
};

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
