import * as z from 'zod';
import { skuSchema } from './products';
import { singleLineText } from './text';

export const compensationStepSchema = z
  .enum(['refundPayment', 'cancelShipment', 'voidPayment', 'releaseInventory'])
  .meta({ id: 'CompensationStep' });

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
        status: z.enum(['CREATED', 'SHIPPED', 'CANCELLED', 'RETURN_REQUESTED']).meta({
          description:
            'RETURN_REQUESTED: the order was cancelled after its parcel left; a return is expected.',
        }),
      })
      .optional(),
    failureReason: z.string().optional(),
    compensation: z.object({ startedAt: z.string() }).optional().meta({
      description:
        'Set when the saga began undoing the order; from then on the order is never taken forward again.',
    }),
    settlement: z
      .object({
        status: z.enum(['PENDING', 'SETTLED']),
        owed: z.array(compensationStepSchema),
        since: z.string(),
        settledAt: z.string().optional(),
      })
      .optional()
      .meta({
        id: 'OrderSettlement',
        description:
          'Present when the order closed while a refund, a release of the payment authorization, a shipment cancellation or a stock release could not be completed: PENDING (with what is owed) until it is retried successfully, then SETTLED.',
      }),
    duplicateOf: z.string().optional().meta({
      description:
        'When two regions accepted one Idempotency-Key: the order that was kept. This order was cancelled and refunded.',
    }),
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
