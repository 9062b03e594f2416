import type { Product } from '../api/types';
import type { CartLine } from './cart-store';

export interface PricedLine {
  sku: string;
  quantity: number;
  /** Absent when the SKU left the catalog or was deactivated since it was added. */
  product: Product | undefined;
  lineTotalMinor: number;
}

export interface PricedCart {
  lines: PricedLine[];
  subtotalMinor: number;
  currency: string;
  /** Lines that cannot be ordered: unknown or inactive SKUs, or more units than the shop has. */
  problems: string[];
}

/**
 * Joins the stored cart with the live catalog. Prices always come from the catalog (the API charges
 * catalog prices too), so a price change shows up here before checkout.
 */
export function priceCart(cart: readonly CartLine[], products: readonly Product[]): PricedCart {
  const bySku = new Map(products.map((product) => [product.sku, product]));
  const problems: string[] = [];
  const lines = cart.map((line) => {
    const product = bySku.get(line.sku);
    const orderable = product?.active ? product : undefined;
    if (!orderable) problems.push(`${product?.name ?? line.sku} is no longer sold. Remove it to check out.`);
    else if (orderable.stock.available < line.quantity) {
      problems.push(
        orderable.stock.available === 0
          ? `${orderable.name} is out of stock.`
          : `Only ${orderable.stock.available} × ${orderable.name} left.`,
      );
    }
    return {
      sku: line.sku,
      quantity: line.quantity,
      product: orderable,
      lineTotalMinor: orderable ? orderable.priceMinor * line.quantity : 0,
    };
  });
  const currency = lines.find((line) => line.product)?.product?.currency ?? 'USD';
  return {
    lines,
    subtotalMinor: lines.reduce((sum, line) => sum + line.lineTotalMinor, 0),
    currency,
    problems,
  };
}
