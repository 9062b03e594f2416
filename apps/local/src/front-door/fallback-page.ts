/**
 * A small page served when the web app has not been built: it lists the catalog and the most recent
 * orders straight from the API, so a fresh install shows something useful at http://localhost:8080/.
 */
export function fallbackPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Meridian</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1a1a1a; }
  h1 { margin-bottom: 0; } .muted { color: #555; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
  code { background: #f2f2f2; padding: 0 .25rem; }
</style>
</head>
<body>
<h1>Meridian</h1>
<p class="muted">Multi-region commerce, running locally. Served by the front door; region: <strong id="region">…</strong></p>
<h2>Products</h2>
<table aria-label="Products"><thead><tr><th>SKU</th><th>Name</th><th>Price</th><th>Available</th></tr></thead><tbody id="products"><tr><td colspan="4">Loading…</td></tr></tbody></table>
<h2>Recent orders</h2>
<table aria-label="Recent orders"><thead><tr><th>Order</th><th>Customer</th><th>Total</th><th>Status</th><th>Placed</th></tr></thead><tbody id="orders"><tr><td colspan="5">Loading…</td></tr></tbody></table>
<p class="muted">Place an order with curl: see the README. API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<script type="module">
const money = (minor, currency) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
const cell = (text) => { const td = document.createElement('td'); td.textContent = text; return td; };
const row = (...cells) => { const tr = document.createElement('tr'); tr.append(...cells.map(cell)); return tr; };
async function load() {
  const products = await fetch('/api/v1/products?limit=100');
  document.getElementById('region').textContent = products.headers.get('x-meridian-region') ?? 'unknown';
  const productBody = document.getElementById('products');
  productBody.replaceChildren(...(await products.json()).items.map((p) =>
    row(p.sku, p.name, money(p.priceMinor, p.currency), String(p.stock.available))));
  const { token } = await (await fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin' }) })).json();
  const orders = await (await fetch('/api/v1/admin/orders?limit=10', { headers: { authorization: 'Bearer ' + token } })).json();
  const orderBody = document.getElementById('orders');
  orderBody.replaceChildren(...(orders.items.length ? orders.items.map((o) =>
    row(o.orderId, o.customerId, money(o.totalMinor, o.currency), o.status, new Date(o.createdAt).toLocaleString())) : [row('No orders yet.', '', '', '', '')]));
}
load().catch((error) => { document.getElementById('orders').replaceChildren(row('Could not load: ' + error.message, '', '', '', '')); });
setInterval(() => load().catch(() => {}), 3000);
</script>
</body>
</html>`;
}
