import type { PlaceOrderBody } from '../api/types';

export interface AddressForm {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export type AddressField = keyof AddressForm;

export const EMPTY_ADDRESS: AddressForm = {
  name: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: 'US',
};

export const FIELD_LABELS: Record<AddressField, string> = {
  name: 'Full name',
  line1: 'Address',
  line2: 'Apartment, suite (optional)',
  city: 'City',
  region: 'State or region (optional)',
  postalCode: 'Postal code',
  country: 'Country code',
};

/** The simulator's test cards (docs/api.md): what each one does is part of the label, so a demo is self-explaining. */
export const PAYMENT_METHODS = [
  { id: 'pm_card_visa', label: 'Visa ending 4242', effect: 'approved' },
  { id: 'pm_card_mastercard', label: 'Mastercard ending 4444', effect: 'approved' },
  { id: 'pm_card_chargeDeclined', label: 'Card that is declined', effect: 'declined' },
  {
    id: 'pm_card_chargeDeclinedInsufficientFunds',
    label: 'Card with insufficient funds',
    effect: 'declined',
  },
  { id: 'pm_card_chargeDeclinedExpiredCard', label: 'Expired card', effect: 'declined' },
  {
    id: 'pm_card_transientFailure',
    label: 'Flaky provider (fails twice, then succeeds)',
    effect: 'approved after retries',
  },
] as const;

// The API's limits (packages/contracts/src/api/orders.ts), checked here so mistakes show before sending.
const MAX_LENGTH: Record<AddressField, number> = {
  name: 100,
  line1: 200,
  line2: 200,
  city: 100,
  region: 100,
  postalCode: 20,
  country: 2,
};
const REQUIRED: readonly AddressField[] = ['name', 'line1', 'city', 'postalCode', 'country'];

export type FieldErrors = Partial<Record<AddressField, string>>;

export function validateAddress(form: AddressForm): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of Object.keys(MAX_LENGTH) as AddressField[]) {
    const value = form[field].trim();
    if (REQUIRED.includes(field) && value === '')
      errors[field] = `Enter your ${FIELD_LABELS[field].toLowerCase()}.`;
    else if (value.length > MAX_LENGTH[field]) errors[field] = `Use at most ${MAX_LENGTH[field]} characters.`;
  }
  if (!errors.country && !/^[A-Z]{2}$/.test(form.country.trim().toUpperCase())) {
    errors.country = 'Use a two-letter country code, such as US, DE or JP.';
  }
  return errors;
}

export function orderBody(
  lines: ReadonlyArray<{ sku: string; quantity: number }>,
  form: AddressForm,
  paymentMethod: string,
): PlaceOrderBody {
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const line2 = optional(form.line2);
  const region = optional(form.region);
  return {
    items: lines.map(({ sku, quantity }) => ({ sku, quantity })),
    paymentMethod,
    shippingAddress: {
      name: form.name.trim(),
      line1: form.line1.trim(),
      ...(line2 ? { line2 } : {}),
      city: form.city.trim(),
      ...(region ? { region } : {}),
      postalCode: form.postalCode.trim(),
      country: form.country.trim().toUpperCase(),
    },
  };
}

/** Maps the API's validation paths (shippingAddress.city) to this form's fields. */
export function fieldOfPath(path: string): AddressField | undefined {
  const match = /^shippingAddress\.(\w+)$/.exec(path);
  const field = match?.[1];
  return field && field in FIELD_LABELS ? (field as AddressField) : undefined;
}

export const API_FIELD_LABELS: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(FIELD_LABELS).map(([field, label]) => [`shippingAddress.${field}`, label]),
  ),
  paymentMethod: 'Payment method',
  items: 'Items',
};
