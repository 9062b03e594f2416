/** Money is integer minor units everywhere in the API; only the screen turns it into a decimal. */
export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
}

export function formatTime(iso: string | number): string {
  return new Date(iso).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Order ids are long (ord_<ulid>_<region>); people compare the tail. */
export function shortOrderId(orderId: string): string {
  const match = /^ord_([A-Z0-9]+)_/.exec(orderId);
  return match?.[1] ? `…${match[1].slice(-8)}` : orderId;
}
