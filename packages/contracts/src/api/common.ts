import * as z from 'zod';

/** RFC 9457 problem details; `code` is Meridian's stable machine-readable error code. */
export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'https://meridian.example/problems/invalid_request' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(500).optional(),
});

export function pageSchema<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() }).meta({ id });
}

export const regionHeaderDescription = 'The region that answered the request.';
