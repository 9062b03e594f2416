/**
 * Adapters that live in @meridian/adapters-local but are runtime-neutral (fetch, node:crypto, the domain):
 * the Stripe-style payment client, the simulated carrier, the ULID source and the system clock. They are
 * imported by file, never through the adapters-local entry point, which would pull better-sqlite3 into the
 * Lambda bundles; the bundle test fails if that ever happens. One place to change when they move to a shared package.
 */

export { UlidSource } from '../../../../packages/adapters-local/src/ids/ulid';
export { HttpPaymentProvider } from '../../../../packages/adapters-local/src/payments';
export { systemClock } from '../../../../packages/adapters-local/src/runtime/system-clock';
export { LocalCarrier } from '../../../../packages/adapters-local/src/shipping/local-carrier';
