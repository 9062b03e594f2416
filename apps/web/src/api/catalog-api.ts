import { readAllPages, requestJson } from './http-client';
import type { Product } from './types';

export async function listProducts(signal?: AbortSignal): Promise<Product[]> {
  return readAllPages<Product>('/api/v1/products', signal ? { signal } : {});
}

export async function getProduct(sku: string, signal?: AbortSignal): Promise<Product> {
  const { data } = await requestJson<Product>(
    `/api/v1/products/${encodeURIComponent(sku)}`,
    signal ? { signal } : {},
  );
  return data;
}
