import type { RecordImage } from '@meridian/domain';

/** The sort key of a stream record's image (`{ sk: { S: … } }`), without unmarshalling the rest. */
export function sortKeyOf(image: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const sk = image?.sk as { S?: unknown } | undefined;
  return typeof sk?.S === 'string' ? sk.S : undefined;
}

/** An unmarshalled table item as the domain's record readers take it (an item without data reads as empty). */
export function recordImage(item: Record<string, unknown>): RecordImage {
  const data = item.data;
  return {
    pk: typeof item.pk === 'string' ? item.pk : '',
    sk: typeof item.sk === 'string' ? item.sk : '',
    data:
      typeof data === 'object' && data !== null && !Array.isArray(data)
        ? (data as Record<string, unknown>)
        : {},
  };
}
