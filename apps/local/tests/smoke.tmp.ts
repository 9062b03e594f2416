import { orderBody, startTestRegion, newKey } from './support/region-harness';
const h = await startTestRegion();
const t = await h.token('alice');
await h.payments.setChaos({ latencyMs: 300, errorRate: 0 });
for (const delay of [0, 100, 400, 700, 1000]) {
  const before = await h.stockOf('LAMP-001');
  const r = await h.placeOrder(orderBody({ sku: 'LAMP-001' }), { token: t, key: newKey() });
  await new Promise((res) => setTimeout(res, delay));
  const c = await h.request(`/orders/${r.body.orderId}/cancel`, { token: t, method: 'POST' });
  const o = await h.waitForTerminal(r.body.orderId, t);
  const ledger = await h.payments.ledger(o.orderId);
  console.log(delay, c.status, o.status, o.failureReason, o.timeline.map((e) => e.type).join(','), ledger.map((l) => l.type).join(','), JSON.stringify(before), JSON.stringify(await h.stockOf('LAMP-001')));
}
await h.close();
