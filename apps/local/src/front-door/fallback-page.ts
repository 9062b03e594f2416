import type { Hono } from 'hono';
import type { FrontDoorEnv } from './operator-access';

/**
 * A small page served when the web app has not been built: it lists the catalog straight from the API,
 * so a fresh install shows something useful at http://localhost:8080/. Its script and style are files of
 * their own: the Content-Security-Policy allows no inline script or style.
 */
export function fallbackPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Meridian</title>
<link rel="stylesheet" href="/fallback.css">
</head>
<body>
<h1>Meridian</h1>
<p class="muted">Multi-region commerce, running locally. Served by the front door; region: <strong id="region">…</strong></p>
<h2>Products</h2>
<table aria-label="Products"><thead><tr><th>SKU</th><th>Name</th><th>Price</th><th>Available</th></tr></thead><tbody id="products"><tr><td colspan="4">Loading…</td></tr></tbody></table>
<p class="muted">The web app has not been built (<code>npm run build:web</code>). Place an order with curl: see the README. API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<script type="module" src="/fallback.js"></script>
</body>
</html>`;
}

const STYLE = `body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1a1a1a; }
h1 { margin-bottom: 0; } .muted { color: #555; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
code { background: #f2f2f2; padding: 0 .25rem; }
`;

const SCRIPT = `const money = (minor, currency) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
const cell = (text) => { const td = document.createElement('td'); td.textContent = text; return td; };
const row = (...cells) => { const tr = document.createElement('tr'); tr.append(...cells.map(cell)); return tr; };
async function load() {
  const products = await fetch('/api/v1/products?limit=100');
  document.getElementById('region').textContent = products.headers.get('x-meridian-region') ?? 'unknown';
  document.getElementById('products').replaceChildren(...(await products.json()).items.map((p) =>
    row(p.sku, p.name, money(p.priceMinor, p.currency), String(p.stock.available))));
}
load().catch((error) => { document.getElementById('products').replaceChildren(row('Could not load: ' + error.message, '', '', '')); });
setInterval(() => load().catch(() => {}), 3000);
`;

/** The fallback page's stylesheet and script. */
export function fallbackAssets(app: Hono<FrontDoorEnv>): void {
  app.get('/fallback.css', (c) => c.body(STYLE, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/fallback.js', (c) => c.body(SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
}
