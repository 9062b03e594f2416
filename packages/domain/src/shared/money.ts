import { MeridianError } from './errors';

/** Largest amount Meridian accepts in one order, in minor units (10,000,000.00): far below 2^53. */
export const MAX_AMOUNT_MINOR = 1_000_000_000;

export class InvalidAmountError extends MeridianError {
  constructor(message: string) {
    super('invalid_amount', message);
  }
}

/** Money is an integer count of the currency's minor unit (cents); never a float. */
export function assertMinorUnits(amount: number, what = 'amount'): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new InvalidAmountError(`${what} must be a non-negative integer number of minor units`);
  }
  if (amount > MAX_AMOUNT_MINOR) throw new InvalidAmountError(`${what} exceeds the maximum order value`);
  return amount;
}

export function multiplyMinor(unitMinor: number, quantity: number): number {
  assertMinorUnits(unitMinor, 'unit price');
  if (!Number.isSafeInteger(quantity) || quantity < 0)
    throw new InvalidAmountError('quantity must be an integer');
  return assertMinorUnits(unitMinor * quantity, 'line total');
}

export function sumMinor(amounts: readonly number[]): number {
  return assertMinorUnits(
    amounts.reduce((total, amount) => total + assertMinorUnits(amount), 0),
    'total',
  );
}

/** Formats minor units for people, e.g. 1999 USD → "$19.99" (currencies with two decimals). */
export function formatMoney(amountMinor: number, currency: string): string {
  const major = Math.trunc(amountMinor / 100);
  const minor = String(amountMinor % 100).padStart(2, '0');
  const symbol = currency === 'USD' ? '$' : currency === 'EUR' ? '€' : `${currency} `;
  return `${symbol}${major.toLocaleString('en-US')}.${minor}`;
}
