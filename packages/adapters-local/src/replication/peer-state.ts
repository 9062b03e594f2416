import type { ReplicationStream } from './change-feed';
import { LagTracker } from './lag-tracker';

export interface PeerStatus {
  peer: string;
  connected: boolean;
  lastError?: string;
  cursors: Record<ReplicationStream, number>;
  /** Lag of the item changes applied over the last minute (max: the largest), and of the last one. */
  lagMs: { last?: number; p50?: number; p99?: number; max?: number };
  /**
   * How long ago the peer last answered a pull of its item changes (or, if it never has, since this
   * region began pulling). A connected peer answers at least once a second (its long-poll ends then);
   * while the link is cut or the peer is down this grows, and it bounds how stale this region's copy of
   * the peer's items can be when nothing is being applied.
   */
  lastPulledAgoMs?: number;
  applied: number;
  conflicts: number;
}

export interface PeerState {
  connected: boolean;
  /**
   * Whether this region has pulled the peer's item changes up to where the peer was at some point since
   * it started (a batch smaller than the limit), or the peer could not be reached: nothing more to wait for.
   */
  caughtUp: boolean;
  lastError?: string;
  lag: LagTracker;
  /** When the peer last answered a pull of its item changes, or when pulling began. */
  changesPulledAt?: number;
  applied: number;
  conflicts: number;
}

export function newPeerState(): PeerState {
  return { connected: false, caughtUp: false, lag: new LagTracker(), applied: 0, conflicts: 0 };
}

/** The peer answered and its batch was applied. */
export function answered(state: PeerState): void {
  state.connected = true;
  delete state.lastError;
}

/** What the status reports of one peer. */
export function peerStatus(
  peer: string,
  state: PeerState,
  at: { cursors: Record<ReplicationStream, number>; linkUp: boolean; now: number },
): PeerStatus {
  const { now } = at;
  const [last, p50, p99, max] = [
    state.lag.last,
    state.lag.percentile(50, now),
    state.lag.percentile(99, now),
    state.lag.max(now),
  ];
  return {
    peer,
    connected: state.connected && at.linkUp,
    ...(state.lastError ? { lastError: state.lastError } : {}),
    cursors: at.cursors,
    lagMs: {
      ...(last === undefined ? {} : { last }),
      ...(p50 === undefined ? {} : { p50 }),
      ...(p99 === undefined ? {} : { p99 }),
      ...(max === undefined ? {} : { max }),
    },
    ...(state.changesPulledAt === undefined ? {} : { lastPulledAgoMs: now - state.changesPulledAt }),
    applied: state.applied,
    conflicts: state.conflicts,
  };
}
