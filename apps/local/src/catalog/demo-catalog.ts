import { addProduct, type DomainContext, type ProductDraft, restockProduct } from '@meridian/domain';

/** The catalog a fresh local install starts with: a small shop of desk goods, priced in cents. */
export const DEMO_PRODUCTS: ReadonlyArray<ProductDraft & { initialStock: number }> = [
  {
    sku: 'MUG-001',
    name: 'Meridian Mug',
    description: 'Stoneware mug, 350 ml, dishwasher safe.',
    priceMinor: 1450,
    currency: 'USD',
    active: true,
    category: 'kitchen',
    initialStock: 200,
  },
  {
    sku: 'TEE-001',
    name: 'Latitude T-shirt',
    description: 'Organic cotton tee with a world-map print.',
    priceMinor: 2400,
    currency: 'USD',
    active: true,
    category: 'apparel',
    initialStock: 150,
  },
  {
    sku: 'NOTE-001',
    name: 'Grid Notebook',
    description: 'A5 dot-grid notebook, 192 pages.',
    priceMinor: 1200,
    currency: 'USD',
    active: true,
    category: 'stationery',
    initialStock: 300,
  },
  {
    sku: 'PEN-001',
    name: 'Brass Pen',
    description: 'Refillable brass ballpoint pen.',
    priceMinor: 3200,
    currency: 'USD',
    active: true,
    category: 'stationery',
    initialStock: 120,
  },
  {
    sku: 'LAMP-001',
    name: 'Desk Lamp',
    description: 'Dimmable LED desk lamp with USB-C.',
    priceMinor: 5900,
    currency: 'USD',
    active: true,
    category: 'office',
    initialStock: 60,
  },
  {
    sku: 'BAG-001',
    name: 'Canvas Tote',
    description: 'Heavy canvas tote bag with inner pocket.',
    priceMinor: 1800,
    currency: 'USD',
    active: true,
    category: 'apparel',
    initialStock: 180,
  },
  {
    sku: 'GLOBE-001',
    name: 'Desk Globe',
    description: '20 cm political globe on a walnut stand.',
    priceMinor: 8900,
    currency: 'USD',
    active: true,
    category: 'office',
    initialStock: 40,
  },
  {
    sku: 'CLOCK-001',
    name: 'World Clock',
    description: 'Wall clock showing four time zones.',
    priceMinor: 6500,
    currency: 'USD',
    active: true,
    category: 'office',
    initialStock: 5,
  },
];

/** Seeds the demo catalog and its stock when the catalog is empty; returns how many products it added. */
export async function seedDemoCatalog(ctx: DomainContext): Promise<number> {
  const existing = await ctx.store.queryIndex('gsi1', 'PRODUCTS', { limit: 1 });
  if (existing.items.length > 0) return 0;
  for (const { initialStock, ...draft } of DEMO_PRODUCTS) {
    await addProduct(ctx, draft);
    // Split evenly across the regions: each region credits its own share (escrow).
    await restockProduct(ctx, { sku: draft.sku, quantity: initialStock });
  }
  return DEMO_PRODUCTS.length;
}
