import { requestJson } from './http-client';
import type { Order, Page, PlaceOrderBody } from './types';

export async function placeOrder(
  token: string,
  body: PlaceOrderBody,
  idempotencyKey: string,
): Promise<Order> {
  const { data } = await requestJson<Order>('/api/v1/orders', {
    method: 'POST',
    token,
    body,
    idempotencyKey,
  });
  return data;
}

export async function getOrder(token: string, orderId: string, signal?: AbortSignal): Promise<Order> {
  const { data } = await requestJson<Order>(`/api/v1/orders/${encodeURIComponent(orderId)}`, {
    token,
    ...(signal ? { signal } : {}),
  });
  return data;
}

export async function listMyOrders(
  token: string,
  cursor?: string,
  signal?: AbortSignal,
): Promise<Page<Order>> {
  const query = `limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const { data } = await requestJson<Page<Order>>(`/api/v1/orders?${query}`, {
    token,
    ...(signal ? { signal } : {}),
  });
  return data;
}

export async function cancelOrder(token: string, orderId: string): Promise<Order> {
  const { data } = await requestJson<Order>(`/api/v1/orders/${encodeURIComponent(orderId)}/cancel`, {
    method: 'POST',
    token,
  });
  return data;
}
