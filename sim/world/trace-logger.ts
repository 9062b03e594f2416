import type { RegionLogger } from '@meridian/local/region/local-region';
import type { Trace } from '../kernel/trace';

/** A region's logger in the simulator: warnings and errors go into the trace, the rest nowhere. */
export function traceLogger(trace: Trace, process: string, elapsed: () => number): RegionLogger {
  const write =
    (level: string) =>
    (input: unknown, ...extra: unknown[]) => {
      const message = typeof input === 'string' ? input : JSON.stringify(input);
      trace.record(elapsed(), process, `${level} ${message}${extra.length > 0 ? ` ${compact(extra)}` : ''}`);
    };
  const quiet = () => {};
  return { debug: quiet, info: quiet, warn: write('WARN'), error: write('ERROR') } as unknown as RegionLogger;
}

function compact(extra: unknown[]): string {
  try {
    const text = JSON.stringify(extra.length === 1 ? extra[0] : extra, (_key, value: unknown) =>
      value instanceof Error ? `${value.name}: ${value.message}` : value,
    );
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return '(unprintable)';
  }
}
