import { getRequestListener } from '@hono/node-server';
import { compileStateMachine, type SqliteItemStore } from '@meridian/adapters-local';
import { type ClientLimitSettings, DEFAULT_CLIENT_LIMITS } from '@meridian/local/front-door/client-limits';
import { DEFAULT_INTEGRITY_LOOPS } from '@meridian/local/region/integrity-loops';
import { regionSagaDefinition } from '@meridian/local/region/local-region';
import type { StateMachine } from 'aws-local-stepfunctions';
import { buggyRegionOptions, type KnownBug, skipReplicatedChange } from '../bugs/known-bugs';
import { injectFaults } from '../faults/fault-injector';
import { drawFaultPlan, type FaultKind, type FaultPlan } from '../faults/fault-plan';
import { linkPolicy } from '../faults/link-policy';
import { EventMonitor } from '../invariants/event-monitor';
import { OrderImageMonitor } from '../invariants/order-image-monitor';
import { Prng } from '../kernel/prng';
import { type ProcessRuntime, processRuntime } from '../kernel/process-runtime';
import { Scheduler, type SimProcess } from '../kernel/scheduler';
import type { Trace } from '../kernel/trace';
import { SimNetwork, simUrl } from '../network/network';
import { SimCarrierClient, SimCarrierService } from './carrier';
import { drawCatalog, seedCatalog } from './catalog';
import { Clients } from './clients';
import { FRONT_DOOR, startFrontDoor } from './front-door-process';
import { SimTokenVerifier } from './identity';
import { PROVIDER, ProviderProcess } from './provider-process';
import { RegionProcess } from './region-process';
import { traceLogger } from './trace-logger';
import { drawWorkload, type Workload } from './workload';

// Every region process serves through @hono/node-server, which swaps in its lightweight Request and
// Response globals; the simulated processes run with the same ones.
getRequestListener(() => new Response(null));

export const REGION_NAMES = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
export const CARRIER = 'carrier';
const CLIENTS = 'clients';
/** The regions' shared key for each other's /internal routes, and the provider's API key (as in local mode). */
export const REGION_KEY = 'sim-region-key';
export const PROVIDER_API_KEY = 'sk_sim_provider';
/** Simulated runs begin at this instant (any fixed instant would do; it keeps traces comparable). */
export const SIMULATION_EPOCH = Date.parse('2030-01-01T00:00:00Z');

export interface WorldOptions {
  seed: number;
  regions: 2 | 3;
  orders: number;
  bugs: ReadonlySet<KnownBug>;
  faults: ReadonlySet<FaultKind>;
}

/** Validating the ASL costs ~100 ms; each region's definition is validated once per simulator process. */
const machines = new Map<string, StateMachine>();
function sagaMachine(region: string): StateMachine {
  let machine = machines.get(region);
  if (!machine) {
    machine = compileStateMachine(regionSagaDefinition(region));
    machines.set(region, machine);
  }
  return machine;
}

/**
 * One simulated deployment, built from a seed: 2 or 3 regions (the real composition root each), the
 * front door's routing and failover, the payment provider simulator, a carrier, the customers and the
 * operator, all in this process and all driven by one scheduler; and the faults the seed draws.
 */
export class World {
  readonly scheduler: Scheduler;
  readonly network: SimNetwork;
  readonly plan: FaultPlan;
  readonly workload: Workload;
  readonly catalog: ReadonlyArray<{ sku: string; stock: number }>;
  readonly regions: RegionProcess[];
  readonly provider: ProviderProcess;
  readonly carrier: { process: SimProcess; service: SimCarrierService };
  readonly clients: Clients;
  readonly monitor: EventMonitor;
  readonly images: OrderImageMonitor;
  readonly processErrors: Array<{ process: string; error: string; at: number }> = [];
  readonly routing: 'failover' | 'home-region';
  /** The front door's rate limits: local mode's in most runs, tight enough to refuse bursts in some. */
  readonly limits: ClientLimitSettings;
  private readonly verifier = new SimTokenVerifier();
  private readonly runtimes = new Map<string, ProcessRuntime>();

  constructor(
    readonly options: WorldOptions,
    readonly trace: Trace,
  ) {
    const prng = new Prng(options.seed);
    const regionNames = REGION_NAMES.slice(0, options.regions);
    this.scheduler = new Scheduler(SIMULATION_EPOCH, trace, (process, error) =>
      this.processFailed(process?.name ?? 'harness', error),
    );
    this.plan = drawFaultPlan({
      prng: prng.fork('faults'),
      regions: regionNames,
      provider: PROVIDER,
      carrier: CARRIER,
      frontDoor: FRONT_DOOR,
      enabled: options.faults,
    });
    const catalog = drawCatalog(prng.fork('catalog'));
    this.catalog = catalog;
    this.workload = drawWorkload({
      prng: prng.fork('workload'),
      orders: options.orders,
      workloadMs: this.plan.workloadMs,
      regions: regionNames,
      skus: catalog.map((entry) => entry.sku),
      enabled: options.faults,
    });
    this.routing = prng.fork('routing').chance(0.5) ? 'home-region' : 'failover';
    const limitsPrng = prng.fork('limits');
    this.limits = limitsPrng.chance(0.2)
      ? {
          ...DEFAULT_CLIENT_LIMITS,
          perAddressPerSecond: limitsPrng.pick([0.5, 1, 2]),
          perPrincipalPerSecond: limitsPrng.pick([0.2, 0.5, 1]),
        }
      : DEFAULT_CLIENT_LIMITS;
    this.monitor = new EventMonitor(() => this.scheduler.elapsed);
    this.images = new OrderImageMonitor(() => this.scheduler.elapsed);

    let index = 0;
    const runtime = (name: string, lateMs: number): ProcessRuntime => {
      const process: SimProcess = { name, index: index++, incarnation: 0, up: true };
      const made = processRuntime({
        scheduler: this.scheduler,
        process,
        prng: prng.fork(`process/${name}`),
        skewMs: () => this.skewOf(name),
        lateMs,
      });
      this.runtimes.set(name, made);
      return made;
    };
    const clientsRuntime = runtime(CLIENTS, 0);
    const frontDoorRuntime = runtime(FRONT_DOOR, 1);
    const providerRuntime = runtime(PROVIDER, 2);
    const carrierRuntime = runtime(CARRIER, 0);

    this.network = new SimNetwork(
      this.scheduler,
      trace,
      linkPolicy({
        plan: this.plan,
        scheduler: this.scheduler,
        prng: prng.fork('network'),
        regions: regionNames,
        provider: PROVIDER,
        carrier: CARRIER,
        latency: options.faults.has('latency'),
      }),
      options.bugs.has('cursor-skips-change') ? skipReplicatedChange(prng.fork('bug')) : undefined,
    );
    this.provider = new ProviderProcess(providerRuntime, this.network, PROVIDER_API_KEY);
    this.carrier = { process: carrierRuntime.process, service: new SimCarrierService() };
    const verifier = this.verifier;
    const bugOptions = buggyRegionOptions(options.bugs);
    const timings = this.plan.timings;
    this.regions = regionNames.map((name) => {
      const regionRuntime = runtime(name, 2);
      regionRuntime.process.up = false;
      return new RegionProcess({
        name,
        regions: regionNames,
        runtime: regionRuntime,
        network: this.network,
        build: (rt) => ({
          paymentsUrl: simUrl(PROVIDER),
          paymentsApiKey: PROVIDER_API_KEY,
          internalKey: REGION_KEY,
          verifier,
          logger: traceLogger(trace, name, () => this.scheduler.elapsed),
          clock: rt.clock,
          timers: rt.timers,
          random: rt.random,
          http: this.network.client(rt.process),
          carrier: new SimCarrierClient(this.network, rt.process, this.carrier),
          sagaMachine: sagaMachine(name),
          peers: regionNames
            .filter((peer) => peer !== name)
            .map((peer) => ({ name: peer, url: simUrl(peer) })),
          replication: { waitMs: timings.replicationWaitMs },
          linkUp: !this.linkCut,
          ...bugOptions,
        }),
        integrity: {
          settlement: { ...DEFAULT_INTEGRITY_LOOPS.settlement, intervalMs: timings.settlementIntervalMs },
          duplicates: { ...DEFAULT_INTEGRITY_LOOPS.duplicates, intervalMs: timings.duplicateIntervalMs },
          reconciler: { ...DEFAULT_INTEGRITY_LOOPS.reconciler, intervalMs: timings.reconcilerIntervalMs },
        },
        ...(name === regionNames[0] ? { seed: (region) => seedCatalog(region.ctx, catalog) } : {}),
        onBoot: (region) => {
          this.images.watch(region.db, (listener) => (region.ctx.store as SqliteItemStore).onWrite(listener));
          region.bus.subscribe((event) => {
            if (event.region !== name) return;
            const detail = event.detail as { orderId?: string; status?: string; sku?: string };
            trace.record(
              this.scheduler.elapsed,
              name,
              `${event['detail-type']} ${detail.orderId ?? detail.sku ?? ''}`,
            );
            this.monitor.observe(event);
          });
        },
        onStarted: (region, incarnation) =>
          trace.record(this.scheduler.elapsed, region, `started (incarnation ${incarnation})`),
        onError: (region, error) => this.processFailed(region, error),
      });
    });
    this.clients = new Clients({
      runtime: clientsRuntime,
      network: this.network,
      prng: prng.fork('clients'),
      trace,
      elapsed: () => this.scheduler.elapsed,
      regions: regionNames,
      homeRegionRouting: this.routing === 'home-region',
      regionKey: REGION_KEY,
    });
    this.startProcesses(frontDoorRuntime, regionNames);
    injectFaults({
      world: this,
      plan: this.plan,
      scheduler: this.scheduler,
      trace,
      regions: this.regions,
      provider: this.provider,
      carrier: this.carrier.process,
    });
    this.clients.schedule(this.workload, (at, run) =>
      this.scheduler.schedule(clientsRuntime.process, at, run),
    );
  }

  /** The operator has cut the link between the regions (a region started meanwhile starts cut). */
  linkCut = false;

  /** How far the clock of `process` is off now: its skew plus every step it has taken so far. */
  private skewOf(process: string): number {
    let skew = this.plan.skewMs[process] ?? 0;
    for (const step of this.plan.clockSteps)
      if (step.process === process && step.at <= this.scheduler.elapsed) skew += step.byMs;
    return skew;
  }

  /** The ports of the process named `name` (the library clock routes the globals through these). */
  runtimeOf(name: string): ProcessRuntime | undefined {
    return this.runtimes.get(name);
  }

  private startProcesses(frontDoorRuntime: ProcessRuntime, regionNames: readonly string[]): void {
    this.scheduler.schedule(this.provider.process, 0, () => this.provider.boot());
    for (const region of this.regions)
      this.scheduler.schedule(undefined, 0, () => {
        this.scheduler.enter(region.process);
        region.boot();
      });
    this.scheduler.schedule(frontDoorRuntime.process, 0, () =>
      startFrontDoor({
        runtime: frontDoorRuntime,
        network: this.network,
        regions: regionNames,
        policy:
          this.routing === 'failover'
            ? { kind: 'failover', primary: regionNames[0] as string }
            : { kind: 'home-region', defaultRegion: regionNames[0] as string },
        healthIntervalMs: this.plan.timings.healthIntervalMs,
        failureThreshold: 2,
        timeoutMs: 3_000,
        limits: this.limits,
        subjectOf: (token) =>
          this.verifier.verify(token).then(
            (principal) => principal.subject,
            () => undefined,
          ),
      }),
    );
  }

  private processFailed(process: string, error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.processErrors.push({ process, error: text, at: this.scheduler.elapsed });
    this.trace.record(this.scheduler.elapsed, process, `DIED of an unhandled error: ${text}`);
  }

  /** An unhandled rejection, attributed to the process whose task was running. */
  unhandledRejection(reason: unknown): void {
    this.processFailed(this.scheduler.current?.name ?? 'harness', reason);
  }

  close(): void {
    for (const region of this.regions) region.close();
    this.provider.close();
  }
}
