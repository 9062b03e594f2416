import { type ApiResponse, readAllPages, requestJson } from './http-client';
import type { DeadLetter, Execution, ExecutionEvent, Order, Page, Product } from './types';

export type ExecutionStatusFilter = Execution['status'] | 'ALL';

export async function listExecutions(
  token: string,
  status: ExecutionStatusFilter,
  signal?: AbortSignal,
): Promise<Page<Execution>> {
  const query = status === 'ALL' ? 'limit=50' : `limit=50&status=${status}`;
  const { data } = await requestJson<Page<Execution>>(`/api/v1/admin/executions?${query}`, {
    token,
    ...(signal ? { signal } : {}),
  });
  return data;
}

export async function executionHistory(token: string, name: string): Promise<ExecutionEvent[]> {
  const { data } = await requestJson<{ items: ExecutionEvent[] }>(
    `/api/v1/admin/executions/${encodeURIComponent(name)}/history`,
    { token },
  );
  return data.items;
}

export async function listDeadLetters(token: string, signal?: AbortSignal): Promise<DeadLetter[]> {
  return readAllPages<DeadLetter>('/api/v1/admin/dead-letters', {
    token,
    maxPages: 5,
    ...(signal ? { signal } : {}),
  });
}

export async function redriveDeadLetter(token: string, id: string): Promise<number> {
  const { data } = await requestJson<{ redriven: number }>(
    `/api/v1/admin/dead-letters/${encodeURIComponent(id)}/redrive`,
    { method: 'POST', token },
  );
  return data.redriven;
}

export async function redriveAllDeadLetters(token: string): Promise<number> {
  const { data } = await requestJson<{ redriven: number }>('/api/v1/admin/dead-letters/redrive', {
    method: 'POST',
    token,
  });
  return data.redriven;
}

/** Adds units to the allotment of whichever region handles the request; the answer says which one did. */
export async function restock(token: string, sku: string, quantity: number): Promise<ApiResponse<Product>> {
  return requestJson<Product>(`/api/v1/admin/products/${encodeURIComponent(sku)}/restock`, {
    method: 'POST',
    token,
    body: { quantity },
  });
}

export async function transferStock(
  token: string,
  sku: string,
  transfer: { fromRegion: string; toRegion: string; quantity: number },
): Promise<ApiResponse<unknown>> {
  return requestJson<unknown>(`/api/v1/admin/products/${encodeURIComponent(sku)}/transfer`, {
    method: 'POST',
    token,
    body: transfer,
  });
}

/**
 * Every order placed since `since` (newest first), for the console's charts. Pages stop at the first
 * order older than the window, so a busy shop costs a few pages, never the whole history.
 */
export async function listOrdersSince(token: string, since: number, signal?: AbortSignal): Promise<Order[]> {
  const orders: Order[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { data } = await requestJson<Page<Order>>(`/api/v1/admin/orders?${query}`, {
      token,
      ...(signal ? { signal } : {}),
    });
    const recent = data.items.filter((order) => Date.parse(order.createdAt) >= since);
    orders.push(...recent);
    if (!data.nextCursor || recent.length < data.items.length) break;
    cursor = data.nextCursor;
  }
  return orders;
}
