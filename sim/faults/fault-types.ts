/** Every kind of fault the scheduler can draw; a run may switch some off (to shrink a failing seed). */
export const FAULT_KINDS = [
  'latency',
  'loss',
  'duplication',
  'partition',
  'region-crash',
  'region-freeze',
  'provider-outage',
  'provider-crash',
  'provider-slow',
  'carrier-outage',
  'carrier-slow',
  'clock-skew',
  'link-cut',
  'admin',
  'retry-elsewhere',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Window {
  from: number;
  until: number;
}

/** Two groups of processes that cannot reach each other (in either direction) for a while. */
export interface Partition extends Window {
  between: readonly [readonly string[], readonly string[]];
}

export interface LossBurst extends Window {
  /** Processes whose links (to or from anyone) lose messages. */
  process: string;
  rate: number;
}

/** A process that stops running (SIGSTOP, a long pause) and then goes on where it was. */
export interface Freeze {
  process: string;
  at: number;
  forMs: number;
}

export interface Crash {
  process: string;
  at: number;
  downForMs: number;
}

/** The timings a region is built with, drawn per seed from values a deployment could use. */
export interface Timings {
  healthIntervalMs: number;
  settlementIntervalMs: number;
  duplicateIntervalMs: number;
  reconcilerIntervalMs: number;
  replicationWaitMs: number;
}

export interface FaultPlan {
  /** Orders and admin actions happen in [0, workloadMs). */
  workloadMs: number;
  /** Every fault has ended by then: processes up, links whole, provider and carrier answering. */
  healAtMs: number;
  skewMs: Record<string, number>;
  /** A region's clock stepping (an NTP correction): from `at` on it is off by `byMs` more. */
  clockSteps: Array<{ process: string; at: number; byMs: number }>;
  /** The operator cuts the link between the regions (`meridian link cut`) and heals it. */
  linkCuts: Window[];
  crashes: Crash[];
  freezes: Freeze[];
  partitions: Partition[];
  lossBursts: LossBurst[];
  /** Loss and duplication on every link until the heal. */
  baseLoss: number;
  baseDuplication: number;
  /** The provider answers 503 (before any effect) to this share of its payment operations. */
  providerOutages: Array<Window & { errorRate: number }>;
  providerSlow: Array<Window & { extraMs: number }>;
  carrierOutages: Window[];
  carrierSlow: Array<Window & { extraMs: number }>;
  timings: Timings;
}

/** A minute of simulated time, in milliseconds. */
export const MINUTE = 60_000;

export function active(window: Window, at: number): boolean {
  return at >= window.from && at < window.until;
}
