import { DynamoDbItemStore } from '@meridian/adapters-aws';
import { HttpPaymentProvider, LocalCarrier, UlidSource } from '@meridian/adapters-node';
import {
  authorizePayment,
  capturePayment,
  confirmOrder,
  createShipment,
  type DomainContext,
  type ItemStore,
  loadOrder,
  type Order,
  type OrderWorkflow,
  placeOrder,
  reserveInventory,
  restockProduct,
  type SagaDependencies,
} from '@meridian/domain';
import { requestFingerprint } from '@meridian/functions/api/request-fingerprint';
import type { EmulatedRegion } from './emulated-region';
import type { orderBody } from './shop';
import { EMULATED_ACCOUNT, EMULATED_REGION } from './synthesize-region';

/**
 * A peer region writing into the emulated region's table, as the global table's replication brings its
 * items in (moto has one table for all regions): the peer's own store, stamping its region on what it
 * writes (`writerRegion`, the outbox rows' `originRegion`).
 */
export function peerContext(region: EmulatedRegion, peerRegion: string): DomainContext {
  const clock = { now: () => Date.now() };
  return {
    store: new DynamoDbItemStore({
      client: region.clients.documents,
      tableName: region.table.tableName,
      region: peerRegion,
      clock,
    }),
    clock,
    ids: new UlidSource(clock),
    region: peerRegion,
    regions: [EMULATED_REGION, peerRegion],
    account: EMULATED_ACCOUNT,
  };
}

/**
 * The request this region accepted, accepted again by a peer region that had not seen this region's claim
 * on its Idempotency-Key (the link between them was cut: the peer's reads leave out other regions' claims),
 * and carried through the peer's saga to CONFIRMED. Everything the peer writes reaches this region's table
 * as replication would bring it: the order, the peer's claim on the key (which this region's stream hands
 * to the stream consumer), the peer's stock, and the peer's events (which only the peer publishes). The
 * peer's saga runs its forward steps here in order, against the same payment provider.
 */
export async function acceptTwinInPeer(
  region: EmulatedRegion,
  peerRegion: string,
  request: { customerId: string; idempotencyKey: string; body: ReturnType<typeof orderBody> },
): Promise<Order> {
  const connected = peerContext(region, peerRegion);
  const ctx: DomainContext = { ...connected, store: withoutClaimsOfOthers(connected.store, peerRegion) };
  const { apiKey, url } = region.payments;
  const deps: SagaDependencies = {
    ctx,
    payments: new HttpPaymentProvider({ baseUrl: url, ...(apiKey === undefined ? {} : { apiKey }) }),
    carrier: new LocalCarrier(),
  };
  // The peer holds the units in its own allotment (its share of a restock).
  for (const line of request.body.items)
    await restockProduct(ctx, {
      sku: line.sku,
      quantity: line.quantity,
      idempotencyKey: `peer-stock-${request.idempotencyKey}-${line.sku}`,
      split: [{ region: peerRegion, quantity: line.quantity }],
    });
  // The peer's state machine: its start is recorded, its forward steps run below (a failure fails the test).
  const started: string[] = [];
  const peerWorkflow: OrderWorkflow = {
    startOrderSaga: async (orderId, mode) => void started.push(`${orderId}/${mode}`),
  };
  const { body } = request;
  const { order, created } = await placeOrder(ctx, peerWorkflow, {
    customerId: request.customerId,
    idempotencyKey: request.idempotencyKey,
    requestFingerprint: requestFingerprint(body),
    items: body.items,
    shippingAddress: body.shippingAddress,
    paymentMethod: body.paymentMethod,
  });
  if (!created || started.join() !== `${order.orderId}/place`)
    throw new Error(`the peer replayed order ${order.orderId} instead of accepting the key`);
  for (const step of [reserveInventory, authorizePayment, createShipment, capturePayment, confirmOrder])
    await step(deps, { orderId: order.orderId });
  const confirmed = (await loadOrder(ctx.store, order.orderId))?.value;
  if (confirmed?.status !== 'CONFIRMED')
    throw new Error(`the peer's twin ${order.orderId} ended ${confirmed?.status}`);
  return confirmed;
}

/** A store whose partition reads leave out the claims of regions other than `region`. */
function withoutClaimsOfOthers(store: ItemStore, region: string): ItemStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'queryPartition') {
        const read: ItemStore['queryPartition'] = async (pk, options) =>
          (await target.queryPartition(pk, options)).filter(
            (item) => !item.sk.startsWith('CLAIM#') || item.sk === `CLAIM#${region}`,
          );
        return read;
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
