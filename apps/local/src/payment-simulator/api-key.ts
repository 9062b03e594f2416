/**
 * The simulator's API key in local mode (like a Stripe test key, `sk_test_…`): not a secret, but the
 * simulator refuses payment operations without it, so the region's client is known to send it as it
 * must on AWS, where the key comes from Secrets Manager. `MERIDIAN_PAYMENTS_API_KEY` overrides it.
 */
export const LOCAL_PAYMENTS_API_KEY = 'sk_test_meridian_local';
