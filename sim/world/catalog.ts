import { addProduct, type DomainContext, restockProduct } from '@meridian/domain';
import { DEMO_PRODUCTS } from '@meridian/local/catalog/demo-catalog';
import type { Prng } from '../kernel/prng';

/** A few of the demo products, with little stock, so orders compete for units and some run out. */
export function drawCatalog(prng: Prng): Array<{ sku: string; stock: number }> {
  return DEMO_PRODUCTS.slice(0, 4).map((product) => ({ sku: product.sku, stock: prng.int(3, 40) }));
}

/** Seeds the catalog in one region, as the demo catalog is seeded; the stock is split across the regions. */
export async function seedCatalog(
  ctx: DomainContext,
  catalog: ReadonlyArray<{ sku: string; stock: number }>,
) {
  for (const { sku, stock } of catalog) {
    const product = DEMO_PRODUCTS.find((candidate) => candidate.sku === sku);
    if (!product) continue;
    const { initialStock: _ignored, ...draft } = product;
    await addProduct(ctx, draft);
    // With a key, every region's share has an id: the invariants count the supply from those shares.
    await restockProduct(ctx, { sku, quantity: stock, idempotencyKey: `initial-${sku}` });
  }
}
