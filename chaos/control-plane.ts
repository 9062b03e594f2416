import * as z from 'zod';
import { errorMessage, getJson, HttpError, postJson, sendJson } from './http';

const killAnswerSchema = z.object({ region: z.string(), killed: z.boolean(), pid: z.number().nullable() });
/** The control server's answer to a kill: `killed` is false when there was no running process to kill. */
export type KillAnswer = z.output<typeof killAnswerSchema>;

const providerKillAnswerSchema = z.object({ killed: z.boolean(), pid: z.number().nullable() });
export type ProviderKillAnswer = z.output<typeof providerKillAnswerSchema>;

const linkAnswerSchema = z.object({
  link: z.string(),
  regions: z.array(z.object({ region: z.string(), ok: z.boolean() })),
});
/**
 * The control server's answer to a link cut or heal: one entry per region it reached (only running ones),
 * `ok` when that region accepted the switch.
 */
export type LinkAnswer = z.output<typeof linkAnswerSchema>;

/**
 * The launcher's control plane (admins only): real SIGKILL of a region or of the payment simulator,
 * restart, link cut and heal.
 */
export class ControlPlane {
  constructor(
    private readonly url: string,
    private readonly adminToken: string,
  ) {}

  /** Resolves with the control server's answer; the caller checks `killed`. */
  async kill(region: string): Promise<KillAnswer> {
    return killAnswerSchema.parse(await this.post(`/regions/${region}/kill`, 10_000));
  }

  /** Resolves once the region answers its health check again (the control server waits for it). */
  async start(region: string): Promise<void> {
    await this.post(`/regions/${region}/start`, 90_000);
  }

  /** Resolves with the per-region answer; the caller checks that every region took the switch. */
  async cutLink(): Promise<LinkAnswer> {
    return linkAnswerSchema.parse(await this.post('/link/cut', 10_000));
  }

  async healLink(): Promise<LinkAnswer> {
    return linkAnswerSchema.parse(await this.post('/link/heal', 10_000));
  }

  /** A real SIGKILL of the payment simulator; the caller checks `killed`. */
  async killProvider(): Promise<ProviderKillAnswer> {
    return providerKillAnswerSchema.parse(await this.post('/provider/kill', 10_000));
  }

  /** Resolves once the payment simulator answers its health check again. */
  async startProvider(): Promise<void> {
    await this.post('/provider/start', 60_000);
  }

  async status(): Promise<{
    link: string;
    regions: Array<{ name: string; running: boolean; pid: number | null }>;
  }> {
    const schema = z.object({
      link: z.string(),
      regions: z.array(z.object({ name: z.string(), running: z.boolean(), pid: z.number().nullable() })),
    });
    return getJson(`${this.url}/status`, schema, { timeoutMs: 3000, token: this.adminToken });
  }

  private async post(path: string, timeoutMs: number): Promise<unknown> {
    try {
      const response = await postJson(`${this.url}${path}`, {}, { timeoutMs, token: this.adminToken });
      if (response.status >= 300) throw new HttpError(`${this.url}${path}`, response.status, response.text);
      return JSON.parse(response.text);
    } catch (error) {
      throw new Error(`control ${path} failed: ${errorMessage(error)}`);
    }
  }
}

const paymentsChaosSchema = z.object({ latencyMs: z.number(), errorRate: z.number() });
/** The payment simulator's fault settings: added latency per call, and the share of calls answered 503. */
export type PaymentsChaosSettings = z.output<typeof paymentsChaosSchema>;

/**
 * The payment simulator's fault injection (`/v1/chaos`): latency on every call (the run slows the
 * provider before the first kill, so that sagas are mid-flight, and later past the regions' client
 * timeout) and 503s on every call that changes something (an outage). Each change is read back.
 */
export class PaymentsChaos {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  async settings(): Promise<PaymentsChaosSettings> {
    return getJson(`${this.url}/v1/chaos`, paymentsChaosSchema, { timeoutMs: 3000, token: this.apiKey });
  }

  async latencyMs(): Promise<number> {
    return (await this.settings()).latencyMs;
  }

  async setLatencyMs(latencyMs: number): Promise<void> {
    await this.set({ latencyMs });
  }

  async setErrorRate(errorRate: number): Promise<void> {
    await this.set({ errorRate });
  }

  /** Applies the change and checks the simulator answers with it applied. */
  async set(change: Partial<PaymentsChaosSettings>): Promise<void> {
    const url = `${this.url}/v1/chaos`;
    const response = await sendJson('PUT', url, change, { timeoutMs: 3000, token: this.apiKey });
    if (response.status !== 200) throw new HttpError(url, response.status, response.text);
    const applied = paymentsChaosSchema.parse(JSON.parse(response.text));
    for (const [name, value] of Object.entries(change))
      if (applied[name as keyof PaymentsChaosSettings] !== value)
        throw new Error(
          `the payment simulator kept ${name} ${applied[name as keyof PaymentsChaosSettings]}, not ${value}`,
        );
  }
}
