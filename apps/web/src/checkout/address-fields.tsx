import { type AddressField, type AddressForm, FIELD_LABELS, type FieldErrors } from './checkout-form';

const AUTOCOMPLETE: Record<AddressField, string> = {
  name: 'name',
  line1: 'address-line1',
  line2: 'address-line2',
  city: 'address-level2',
  region: 'address-level1',
  postalCode: 'postal-code',
  country: 'country',
};

export const fieldId = (field: AddressField) => `address-${field}`;

interface AddressFieldsProps {
  form: AddressForm;
  errors: FieldErrors;
  onChange: (field: AddressField, value: string) => void;
}

export function AddressFields({ form, errors, onChange }: AddressFieldsProps) {
  return (
    <fieldset className="fieldset">
      <legend>Shipping address</legend>
      <div className="form-grid">
        {(Object.keys(FIELD_LABELS) as AddressField[]).map((field) => {
          const error = errors[field];
          const id = fieldId(field);
          return (
            <div key={field} className={`field field-${field}`}>
              <label htmlFor={id}>{FIELD_LABELS[field]}</label>
              <input
                id={id}
                name={field}
                value={form[field]}
                autoComplete={AUTOCOMPLETE[field]}
                required={field !== 'line2' && field !== 'region'}
                maxLength={field === 'country' ? 2 : undefined}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                onChange={(event) =>
                  onChange(field, field === 'country' ? event.target.value.toUpperCase() : event.target.value)
                }
              />
              {error ? (
                <p id={`${id}-error`} className="field-error">
                  {error}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
