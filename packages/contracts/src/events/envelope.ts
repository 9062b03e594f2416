import * as z from 'zod';

/**
 * The EventBridge event envelope, used unchanged by the local bus and on AWS.
 * `detail` is validated separately by the schema of its `detail-type` (see ./order-events.ts).
 */
export const eventEnvelopeSchema = z.object({
  version: z.literal('0'),
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  account: z.string(),
  time: z.string(),
  region: z.string().min(1),
  resources: z.array(z.string()),
  detail: z.record(z.string(), z.unknown()),
});

export type EventEnvelope<Detail extends Record<string, unknown> = Record<string, unknown>> = Omit<
  z.infer<typeof eventEnvelopeSchema>,
  'detail'
> & { detail: Detail };
