import * as z from 'zod';
import { skuSchema } from './products';
import { singleLineText } from './text';

export const orderStatusSchema = z
  .enum(['PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED'])
  .meta({ id: 'OrderStatus' });

export const shippingAddressSchema = z
  .strictObject({
    name: singleLineText().min(1).max(100),
    line1: singleLineText().min(1).max(200),
    line2: singleLineText().max(200).optional(),
    city: singleLineText().min(1).max(100),
    region: singleLineText().max(100).optional(),
    postalCode: singleLineText().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code, e.g. US'),
  })
  .meta({ id: 'ShippingAddress' });

export const placeOrderBodySchema = z
  .strictObject({
    items: z
      .array(z.strictObject({ sku: skuSchema, quantity: z.number().int().min(1).max(100) }))
      .min(1)
      .max(50),
    paymentMethod: z
      .string()
      .regex(/^pm_[A-Za-z0-9_]{1,64}$/, 'a payment method id such as pm_card_visa')
      .meta({ example: 'pm_card_visa' }),
    shippingAddress: shippingAddressSchema,
  })
  .meta({ id: 'PlaceOrderRequest' });

export const timelineEntrySchema = z.object({
  type: z.string(),
  at: z.string(),
  detail: z.string().optional(),
});

export const orderSchema = z
  .object({
    orderId: z.string(),
    region: z.string().meta({ description: 'The region that owns (writes) the order.' }),
    customerId: z.string(),
    idempotencyKey: z
      .string()
      .optional()
      .meta({ description: 'The Idempotency-Key the order was placed with.' }),
    status: orderStatusSchema,
    cancelRequested: z.boolean(),
    lines: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        unitPriceMinor: z.number().int(),
        quantity: z.number().int(),
        lineTotalMinor: z.number().int(),
      }),
    ),
    currency: z.string(),
    subtotalMinor: z.number().int(),
    shippingMinor: z.number().int(),
    totalMinor: z.number().int(),
    shippingAddress: shippingAddressSchema,
    paymentMethod: z.string(),
    inventory: z.enum(['NONE', 'RESERVED', 'COMMITTED', 'RELEASED', 'RESTORED']),
    payment: z
      .object({
        authorizationId: z.string(),
        status: z.enum(['AUTHORIZED', 'CAPTURED', 'VOIDED', 'REFUNDED']),
        amountMinor: z.number().int(),
        refundedMinor: z.number().int(),
      })
      .optional(),
    shipment: z
      .object({
        shipmentId: z.string(),
        carrier: z.string(),
        trackingNumber: z.string(),
        status: z.enum(['CREATED', 'SHIPPED', 'CANCELLED']),
      })
      .optional(),
    failureReason: z.string().optional(),
    timeline: z.array(timelineEntrySchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order' });

export const notificationSchema = z
  .object({
    notificationId: z.string(),
    eventType: z.string(),
    orderId: z.string(),
    customerId: z.string(),
    channel: z.literal('email'),
    recipient: z.string(),
    subject: z.string(),
    body: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' });

export type PlaceOrderBody = z.infer<typeof placeOrderBodySchema>;
