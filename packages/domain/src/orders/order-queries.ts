import type { DomainContext } from '../shared/context';
import type { Page, PageRequest } from '../store/item-store';
import { asEntity, loadOrder } from '../store/repositories';
import { type Order, OrderNotFoundError } from './order';

/** A customer sees only their own orders: anyone else's is reported as not found, never as forbidden. */
export async function getOrder(ctx: DomainContext, orderId: string, customerId?: string): Promise<Order> {
  const order = await loadOrder(ctx.store, orderId);
  if (!order || (customerId !== undefined && order.value.customerId !== customerId)) {
    throw new OrderNotFoundError(orderId);
  }
  return order.value;
}

export async function listCustomerOrders(
  ctx: DomainContext,
  customerId: string,
  page: PageRequest,
): Promise<Page<Order>> {
  const result = await ctx.store.queryIndex('gsi1', `CUSTOMER#${customerId}`, { ...page, descending: true });
  return { ...result, items: result.items.map((item) => asEntity<Order>(item.data)) };
}

export async function listAllOrders(ctx: DomainContext, page: PageRequest): Promise<Page<Order>> {
  const result = await ctx.store.queryIndex('gsi2', 'ORDERS', { ...page, descending: true });
  return { ...result, items: result.items.map((item) => asEntity<Order>(item.data)) };
}
