const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'region',
  'xray_trace_id',
]);
const COLORS: Record<string, string> = {
  ERROR: '\x1b[31m',
  WARN: '\x1b[33m',
  INFO: '\x1b[36m',
  DEBUG: '\x1b[90m',
};
const RESET = '\x1b[0m';

/**
 * Turns a structured (Powertools JSON) log line into one readable terminal line:
 * `10:24:29.278 [us-east-1] INFO  saga finished  correlation_id=ord_… status=SUCCEEDED`.
 * Lines that are not JSON pass through unchanged.
 */
export function formatLogLine(source: string, line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return `[${source}] ${line}`;
    entry = parsed as Record<string, unknown>;
  } catch {
    return `[${source}] ${line}`;
  }
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 23) : '';
  const level = String(entry.level ?? 'INFO').padEnd(5);
  const extras = Object.entries(entry)
    .filter(([key]) => !STANDARD_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const levelText = color ? `${COLORS[level.trim()] ?? ''}${level}${RESET}` : level;
  return `${time} [${source}] ${levelText} ${String(entry.message ?? '')}${extras ? `  ${extras}` : ''}`;
}
