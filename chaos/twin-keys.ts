import * as z from 'zod';
import type { PlannedTwin, TwinKind } from './fault-plan';
import { errorMessage, postJson } from './http';
import type { AcknowledgedOrder } from './load-generator';
import { CUSTOMERS, KEY_MARKER, type OrderBody } from './order-mix';
import { type Progress, sleep } from './progress';
import type { RegionReader } from './region-reader';
import { PLENTIFUL_SKUS } from './scenario';

/** One request of a same-key pair, sent to one region directly. */
export interface TwinAnswer {
  region: string;
  sentAt: number;
  status: number | null;
  orderId?: string;
  replayed?: boolean;
  error?: string;
  /** For a pair shipped before the heal: 'shipped', or why this order was not. */
  shipment?: string;
}

/** A pair of requests with one Idempotency-Key, sent to two regions directly while the link was cut. */
export interface TwinPairRecord {
  kind: TwinKind;
  key: string;
  customer: string;
  body: OrderBody;
  /** Both orders are to be shipped once confirmed, before the link heals. */
  ship: boolean;
  answers: TwinAnswer[];
}

const acceptedSchema = z.object({ orderId: z.string() });

/**
 * Sends each planned pair at its time from the cut: the same request, with the same key, to one region
 * and `gapMs` later to another, each directly (the front door would send both to one region). With the
 * link cut neither region can see the other's claim, so both accept, and the platform must leave one
 * live order once the link heals. A stock pair asks for one unit more than any region but the stocked
 * one holds of the twin SKU, so only the stocked region can confirm it. A pair planned to ship has both
 * orders handed to the carrier once confirmed: the one not kept must then be returned and refunded.
 */
export async function sendTwinPairs(options: {
  plan: readonly PlannedTwin[];
  cutAt: number;
  runId: string;
  readers: readonly RegionReader[];
  tokens: Record<string, string>;
  twinSku: string;
  twinStockRegion: string;
  progress: Progress;
  record: TwinPairRecord[];
  /** Shipping a pair's orders is given up at this time (epoch ms), before the link heals. */
  shipBy: number;
}): Promise<void> {
  const { plan, readers, progress } = options;
  const stockQuantity = await quantityOnlyStockedRegionHolds(options);
  progress.info(
    `${plan.length} same-key pairs to two regions directly; a stock pair asks for ${stockQuantity} × ${options.twinSku} (only ${options.twinStockRegion} holds that many)`,
  );
  const sends: Array<Promise<void>> = [];
  for (const [index, twin] of plan.entries()) {
    await sleep(Math.max(0, options.cutAt + twin.atMs - Date.now()));
    const customer = CUSTOMERS[index % CUSTOMERS.length] as string;
    const pair: TwinPairRecord = {
      kind: twin.kind,
      key: `${options.runId}-twin-${index}`,
      customer,
      body: twinBody(
        twin.kind,
        index,
        stockQuantity,
        options.twinSku,
        customer,
        `${options.runId}-twin-${index}`,
      ),
      ship: twin.ship,
      answers: [],
    };
    options.record.push(pair);
    const reader = (region: string) =>
      readers.find((candidate) => candidate.region === region) as RegionReader;
    const token = options.tokens[customer] ?? '';
    const sent = (region: string) =>
      send(pair, region, reader(region).url, token).then((answer) =>
        pair.ship ? shipWhenConfirmed(answer, reader(region), options.shipBy) : undefined,
      );
    sends.push(sent(twin.first));
    await sleep(twin.gapMs);
    sends.push(sent(twin.second));
  }
  await Promise.all(sends);
  const both = options.record.filter((pair) => acceptedByBoth(pair)).length;
  progress.info(`${both} of ${options.record.length} same-key pairs accepted by both regions`);
}

/** Both regions answered 202, each with an order of its own. */
export function acceptedByBoth(pair: TwinPairRecord): boolean {
  const ids = pair.answers.filter((answer) => answer.status === 202).map((answer) => answer.orderId);
  return ids.length === 2 && new Set(ids).size === 2;
}

/** The pairs' 202s as acknowledged orders: the client was told about each. */
export function twinAcknowledgements(pairs: readonly TwinPairRecord[]): AcknowledgedOrder[] {
  return pairs.flatMap((pair) =>
    pair.answers.flatMap((answer) =>
      answer.status === 202 && answer.orderId
        ? [
            {
              key: pair.key,
              customer: pair.customer,
              orderId: answer.orderId,
              answeredBy: answer.region,
              paymentMethod: pair.body.paymentMethod,
              items: pair.body.items,
              firstAttemptAt: answer.sentAt,
              ackAt: answer.sentAt,
              attempts: 1,
              replayed: answer.replayed ?? false,
            },
          ]
        : [],
    ),
  );
}

/** Waits (until `shipBy`) for the order to confirm in its region, then ships it; records what happened. */
async function shipWhenConfirmed(answer: TwinAnswer, reader: RegionReader, shipBy: number): Promise<void> {
  if (answer.status !== 202 || !answer.orderId) return;
  let status = 'PENDING';
  while (status === 'PENDING' && Date.now() < shipBy) {
    await sleep(250);
    status = await reader.order(answer.orderId).then(
      (order) => order?.status ?? 'missing',
      () => 'PENDING',
    );
  }
  if (status !== 'CONFIRMED') {
    answer.shipment = `not shipped: ${status}`;
    return;
  }
  const shipped = await reader
    .ship(answer.orderId)
    .catch((error: unknown) => ({ status: 0, text: errorMessage(error) }));
  answer.shipment =
    shipped.status === 200 ? 'shipped' : `not shipped: ${shipped.status} ${shipped.text.slice(0, 120)}`;
}

async function send(pair: TwinPairRecord, region: string, url: string, token: string): Promise<TwinAnswer> {
  const answer: TwinAnswer = { region, sentAt: Date.now(), status: null };
  pair.answers.push(answer);
  try {
    const response = await postJson(`${url}/api/v1/orders`, pair.body, {
      token,
      headers: { 'idempotency-key': pair.key },
      timeoutMs: 5000,
    });
    answer.status = response.status;
    if (response.status === 202) {
      answer.orderId = acceptedSchema.parse(JSON.parse(response.text)).orderId;
      answer.replayed = response.headers.get('idempotent-replayed') === 'true';
    } else answer.error = response.text.slice(0, 200);
  } catch (error) {
    answer.error = errorMessage(error);
  }
  return answer;
}

function twinBody(
  kind: TwinKind,
  index: number,
  stockQuantity: number,
  twinSku: string,
  customer: string,
  key: string,
): OrderBody {
  const plentiful = PLENTIFUL_SKUS[index % PLENTIFUL_SKUS.length] as string;
  const [items, paymentMethod] =
    kind === 'one-region-has-stock'
      ? [[{ sku: twinSku, quantity: stockQuantity }], 'pm_card_visa']
      : kind === 'declined'
        ? [[{ sku: plentiful, quantity: 1 }], 'pm_card_chargeDeclined']
        : [[{ sku: plentiful, quantity: 1 }], 'pm_card_visa'];
  return {
    items,
    paymentMethod,
    shippingAddress: {
      name: `Chaos ${customer}`,
      line1: '2 Partition Road',
      line2: `${KEY_MARKER}${key}`,
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
  };
}

/** One unit more than any region but the stocked one holds of the twin SKU (read from each region). */
async function quantityOnlyStockedRegionHolds(options: {
  readers: readonly RegionReader[];
  twinSku: string;
  twinStockRegion: string;
}): Promise<number> {
  let most = 0;
  for (const reader of options.readers) {
    if (reader.region === options.twinStockRegion) continue;
    const product = (await reader.products()).find((candidate) => candidate.sku === options.twinSku);
    const own = product?.stock.byRegion.find((allotment) => allotment.region === reader.region);
    most = Math.max(most, own?.available ?? 0);
  }
  return most + 1;
}
