import { PAYMENT_METHODS } from './checkout-form';

interface PaymentFieldsProps {
  value: string;
  onChange: (paymentMethod: string) => void;
}

export function PaymentFields({ value, onChange }: PaymentFieldsProps) {
  return (
    <fieldset className="fieldset">
      <legend>Payment method (test cards)</legend>
      <p className="muted">No real money moves: the payment simulator answers like a card provider would.</p>
      <div className="radio-list">
        {PAYMENT_METHODS.map((method) => (
          <div key={method.id} className="radio">
            <input
              type="radio"
              id={`pm-${method.id}`}
              name="paymentMethod"
              value={method.id}
              checked={value === method.id}
              onChange={() => onChange(method.id)}
            />
            <label htmlFor={`pm-${method.id}`}>
              {method.label} <span className="muted">({method.effect})</span>
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
