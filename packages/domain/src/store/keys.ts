/** The single-table key layout, in one place (the DynamoDB table and the SQLite table share it). */
export const keys = {
  product: (sku: string) => ({ pk: `PRODUCT#${sku}`, sk: 'PRODUCT' }),
  productIndex: (sku: string) => ({ pk: 'PRODUCTS', sk: sku }),
  stockPartition: (sku: string) => `STOCK#${sku}`,
  allotment: (sku: string, region: string) => ({ pk: `STOCK#${sku}`, sk: `ALLOTMENT#${region}` }),
  order: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' }),
  customerOrdersIndex: (customerId: string, createdAt: string, orderId: string) => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `${createdAt}#${orderId}`,
  }),
  allOrdersIndex: (createdAt: string, orderId: string) => ({ pk: 'ORDERS', sk: `${createdAt}#${orderId}` }),
  idempotency: (customerId: string, key: string) => ({
    pk: `IDEMPOTENCY#${customerId}#${key}`,
    sk: 'IDEMPOTENCY',
  }),
  notification: (notificationId: string) => ({ pk: `NOTIFICATION#${notificationId}`, sk: 'NOTIFICATION' }),
  allNotificationsIndex: (createdAt: string, notificationId: string) => ({
    pk: 'NOTIFICATIONS',
    sk: `${createdAt}#${notificationId}`,
  }),
  customerNotificationsIndex: (customerId: string, createdAt: string, notificationId: string) => ({
    pk: `CUSTOMER_NOTIFICATIONS#${customerId}`,
    sk: `${createdAt}#${notificationId}`,
  }),
} as const;
