import * as z from 'zod';
import { httpsUrl, multiLineText, singleLineText } from './text';

export const skuSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'SKU: 2-40 upper-case letters, digits and dashes')
  .meta({ example: 'MUG-001' });

const amountMinor = z.number().int().min(0).max(100_000_000);

export const allotmentSchema = z
  .object({
    sku: z.string(),
    region: z.string(),
    available: z.number().int(),
    reserved: z.number().int(),
    sold: z.number().int(),
  })
  .meta({ id: 'Allotment' });

export const productSchema = z
  .object({
    sku: skuSchema,
    name: z.string(),
    description: z.string(),
    priceMinor: amountMinor.meta({ description: 'Price in minor units (cents).' }),
    currency: z.string(),
    active: z.boolean(),
    category: z.string(),
    imageUrl: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    stock: z.object({
      available: z.number().int(),
      reserved: z.number().int(),
      sold: z.number().int(),
      byRegion: z.array(allotmentSchema),
    }),
  })
  .meta({ id: 'Product' });

export const createProductBodySchema = z
  .strictObject({
    sku: skuSchema,
    name: singleLineText().min(1).max(120),
    description: multiLineText().max(2000).default(''),
    priceMinor: amountMinor,
    currency: z.enum(['USD', 'EUR']).default('USD'),
    active: z.boolean().default(true),
    category: singleLineText().min(1).max(60).default('general'),
    imageUrl: httpsUrl().optional(),
  })
  .meta({ id: 'CreateProductRequest' });

export const updateProductBodySchema = z
  .strictObject({
    name: singleLineText().min(1).max(120).optional(),
    description: multiLineText().max(2000).optional(),
    priceMinor: amountMinor.optional(),
    active: z.boolean().optional(),
    category: singleLineText().min(1).max(60).optional(),
    imageUrl: httpsUrl().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field to change')
  .meta({ id: 'UpdateProductRequest' });

export const restockBodySchema = z
  .strictObject({
    quantity: z.number().int().min(1).max(1_000_000),
    split: z
      .array(
        z.strictObject({
          region: z.string().min(1).max(40),
          quantity: z.number().int().min(0).max(1_000_000),
        }),
      )
      .min(1)
      .max(10)
      .optional()
      .meta({
        description: 'Units per region; defaults to an even split across every region.',
      }),
  })
  .meta({ id: 'RestockRequest' });

export type CreateProductBody = z.infer<typeof createProductBodySchema>;
export type UpdateProductBody = z.infer<typeof updateProductBodySchema>;
export type RestockBody = z.infer<typeof restockBodySchema>;
