import { type EventEnvelope, eventEnvelopeSchema } from '@meridian/contracts';
import type { DeliveryTarget } from './delivery-store';
import { InvalidEventError } from './errors';
import { type RegisteredRule, RuleRegistry } from './rule-registry';
import { parseTimestampMs } from './timestamps';

/** An event as the bus keeps it: validated, in its JSON form, with the deliveries its rules make. */
export interface PreparedEvent {
  event: EventEnvelope;
  timeMs: number;
  json: string;
  targets: DeliveryTarget[];
}

/**
 * Validates every envelope against the contract and the rules' targets it matches; a single invalid one
 * rejects the whole batch (every issue reported with its index), so nothing of it is written.
 */
export function prepareEvents(
  events: readonly EventEnvelope[],
  rules: readonly RegisteredRule[],
): PreparedEvent[] {
  if (!Array.isArray(events)) throw new InvalidEventError([{ index: -1, message: 'expected an array' }]);
  const issues: Array<{ index: number; message: string }> = [];
  const prepared: PreparedEvent[] = [];
  events.forEach((raw, index) => {
    const parsed = eventEnvelopeSchema.safeParse(raw);
    if (!parsed.success) {
      const message = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      issues.push({ index, message: message.join(', ') });
      return;
    }
    const timeMs = parseTimestampMs(parsed.data.time);
    if (timeMs === undefined) {
      issues.push({ index, message: `time: '${parsed.data.time}' is not an RFC 3339 timestamp` });
      return;
    }
    const json = toJson(parsed.data);
    if (json === undefined) {
      issues.push({ index, message: 'detail: not JSON-serializable' });
      return;
    }
    // Match the JSON form, exactly what the archive keeps and what targets and replays will see.
    const event = JSON.parse(json) as EventEnvelope;
    prepared.push({ event, timeMs, json, targets: RuleRegistry.targetsMatching(rules, event) });
  });
  if (issues.length > 0) throw new InvalidEventError(issues);
  return prepared;
}

function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    // BigInt values and cycles cannot travel as JSON; the caller reports the event as invalid.
    return undefined;
  }
}
