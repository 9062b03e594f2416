/** Injected wall clock: the domain never reads Date.now() itself. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Injected identifier source: the domain never calls Math.random() or crypto itself. */
export interface IdSource {
  /** A new unique id, lexicographically sortable by creation time (ULID-like). */
  next(): string;
}
