import type { IntegrityLoopOptions } from '@meridian/local/region/integrity-loops';
import {
  createLocalRegion,
  type LocalRegion,
  type LocalRegionOptions,
} from '@meridian/local/region/local-region';
import type { ProcessRuntime } from '../kernel/process-runtime';
import type { SimProcess } from '../kernel/scheduler';
import { type SimNetwork, simUrl } from '../network/network';
import { committedImage, openSimDatabase } from './sim-database';

export interface RegionProcessOptions {
  name: string;
  regions: readonly string[];
  runtime: ProcessRuntime;
  network: SimNetwork;
  /** Everything else the composition root takes that does not change between incarnations. */
  build: (runtime: ProcessRuntime) => Omit<LocalRegionOptions, 'region' | 'regions' | 'database'>;
  integrity: IntegrityLoopOptions;
  /** Seeds the catalog before the first start (the primary region only). */
  seed?: (region: LocalRegion) => Promise<void>;
  /** Called with each incarnation's region as it is built (to watch its events). */
  onBoot?: (region: LocalRegion) => void;
  onStarted: (region: string, incarnation: number) => void;
  onError: (region: string, error: unknown) => void;
}

/**
 * One simulated region process: the very composition root a region process runs (createLocalRegion),
 * on an in-memory SQLite database. A crash keeps only what was committed and abandons everything in
 * flight; a restart builds the region again on that database and runs its start-up recovery, and it
 * serves requests only once the start has finished, as the real process listens only then.
 */
export class RegionProcess {
  region: LocalRegion | undefined;
  /** The current incarnation has finished its start and serves requests. */
  started = false;
  private image: Buffer | undefined;
  private seeded = false;

  constructor(private readonly options: RegionProcessOptions) {}

  get process(): SimProcess {
    return this.options.runtime.process;
  }

  get name(): string {
    return this.options.name;
  }

  /** Builds and starts the region (called as the region's own task). */
  boot(): void {
    const { runtime, network, name } = this.options;
    const process = runtime.process;
    process.up = true;
    const incarnation = process.incarnation;
    const region = createLocalRegion({
      ...this.options.build(runtime),
      region: name,
      regions: this.options.regions,
      database: openSimDatabase(this.image),
      integrity: this.options.integrity,
    });
    this.region = region;
    this.options.onBoot?.(region);
    const seed = !this.seeded && this.options.seed ? this.options.seed(region) : Promise.resolve();
    this.seeded = true;
    seed
      .then(() => region.start())
      .then(() => {
        if (process.incarnation !== incarnation) return;
        network.serve(name, process, region.server.fetch);
        this.started = true;
        this.options.onStarted(name, incarnation);
      })
      .catch((error: unknown) => {
        if (process.incarnation === incarnation) this.options.onError(name, error);
      });
  }

  /** kill -9: what is committed stays, everything else (timers, requests, answers in flight) is gone. */
  crash(): void {
    const process = this.process;
    if (!process.up) return;
    process.up = false;
    process.incarnation++;
    this.started = false;
    this.options.network.stopServing(this.options.name);
    const region = this.region;
    this.region = undefined;
    if (region) {
      this.image = committedImage(region.db);
      region.db.close();
    }
  }

  /** Closes the database at the end of a run. */
  close(): void {
    if (this.region?.db.open) this.region.db.close();
  }

  get url(): string {
    return simUrl(this.options.name);
  }
}
