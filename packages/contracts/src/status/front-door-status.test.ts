import { describe, expect, it } from 'vitest';
import { controlStatusSchema, frontDoorStatusSchema } from './front-door-status';

const askedRegion = {
  name: 'us-east-1',
  url: 'http://127.0.0.1:8081',
  healthy: true,
  consecutiveFailures: 0,
  lastCheckedAt: 1_767_225_600_000,
  lastLatencyMs: 3,
  link: 'up',
  replicationLagMs: 42,
  replication: {
    peers: [
      {
        peer: 'eu-west-1',
        connected: true,
        lagMs: { last: 40, p50: 20, p99: 42, max: 50 },
        lastPulledAgoMs: 120,
        cursors: { changes: 7, events: 3 },
        applied: 7,
      },
    ],
    conflicts: 0,
    recentConflicts: [],
  },
  outboxDepth: 0,
  deadLetters: 1,
  eventLoop: { utilization: 0.12, delayMs: { p50: 0.1, p99: 2.5, max: 9 }, windowMs: 5000 },
  settlement: { owed: 1, oldestSince: '2026-01-01T10:00:00.000Z', oldestAgeMs: 90_000, lastSweepAt: null },
  reconciliation: { lastRunAt: null, lastError: null, unresolved: [], fixedTotal: 0, watching: 2 },
};

/** A region the front door could not ask: only the health checker's view. */
const unaskedRegion = {
  name: 'eu-west-1',
  url: 'http://127.0.0.1:8082',
  healthy: false,
  consecutiveFailures: 3,
  lastError: 'fetch failed',
  link: null,
  replicationLagMs: null,
  replication: null,
  outboxDepth: null,
  deadLetters: null,
  eventLoop: null,
  settlement: null,
  reconciliation: null,
};

describe('frontDoorStatusSchema', () => {
  it('reads an answer with a region it asked and one it could not, keeping what regions add', () => {
    const answer = {
      policy: { kind: 'failover', primary: 'us-east-1' },
      serving: 'us-east-1',
      regions: [askedRegion, unaskedRegion],
    };
    const status = frontDoorStatusSchema.parse(answer);
    expect(status).toEqual(answer);
    expect(status.regions[0]?.replication?.peers[0]?.lagMs.p99).toBe(42);
  });

  it('reads a home-region policy and no serving region', () => {
    const status = frontDoorStatusSchema.parse({
      policy: { kind: 'home-region', defaultRegion: 'eu-west-1' },
      serving: null,
      regions: [unaskedRegion],
    });
    expect(status.policy).toEqual({ kind: 'home-region', defaultRegion: 'eu-west-1' });
  });

  it('refuses a region whose reported fields are missing rather than null', () => {
    const { outboxDepth: _dropped, ...withoutOutbox } = unaskedRegion;
    const parsed = frontDoorStatusSchema.safeParse({
      policy: { kind: 'failover', primary: 'us-east-1' },
      serving: null,
      regions: [withoutOutbox],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['regions', 0, 'outboxDepth']);
  });

  it('refuses an unknown routing policy and a link state other than up or cut', () => {
    const base = { serving: null, regions: [] };
    expect(frontDoorStatusSchema.safeParse({ ...base, policy: { kind: 'random' } }).success).toBe(false);
    expect(
      frontDoorStatusSchema.safeParse({
        ...base,
        policy: { kind: 'failover', primary: 'us-east-1' },
        regions: [{ ...unaskedRegion, link: 'down' }],
      }).success,
    ).toBe(false);
  });
});

describe('controlStatusSchema', () => {
  it("reads the launcher's processes, a stopped one without a pid", () => {
    const answer = {
      link: 'cut',
      regions: [{ name: 'us-east-1', url: 'http://127.0.0.1:8081', running: false, pid: null }],
      provider: { name: 'payments', url: 'http://127.0.0.1:8090', running: true, pid: 4242 },
      processes: [
        { name: 'launcher', pid: 4000 },
        { name: 'us-east-1', pid: null },
      ],
    };
    expect(controlStatusSchema.parse(answer)).toEqual(answer);
    expect(controlStatusSchema.safeParse({ ...answer, link: 'half' }).success).toBe(false);
  });
});
