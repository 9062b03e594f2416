import { MeridianError } from '../shared/errors';
import { assertMinorUnits } from '../shared/money';

export interface Product {
  sku: string;
  name: string;
  description: string;
  priceMinor: number;
  currency: string;
  /** Inactive products stay readable (old orders refer to them) but cannot be ordered. */
  active: boolean;
  category: string;
  imageUrl?: string;
  createdAt: string;
  updatedAt: string;
}

export class ProductNotFoundError extends MeridianError {
  constructor(readonly sku: string) {
    super('product_not_found', `No product with SKU ${sku}.`);
  }
}

export class ProductAlreadyExistsError extends MeridianError {
  constructor(readonly sku: string) {
    super('product_exists', `A product with SKU ${sku} already exists.`);
  }
}

export type ProductDraft = Omit<Product, 'createdAt' | 'updatedAt'>;
export type ProductChanges = Partial<Omit<ProductDraft, 'sku'>>;

export function createProduct(draft: ProductDraft, now: string): Product {
  assertMinorUnits(draft.priceMinor, 'price');
  return { ...draft, createdAt: now, updatedAt: now };
}

export function applyProductChanges(product: Product, changes: ProductChanges, now: string): Product {
  if (changes.priceMinor !== undefined) assertMinorUnits(changes.priceMinor, 'price');
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return { ...product, ...defined, updatedAt: now };
}
