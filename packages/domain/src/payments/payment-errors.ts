import { MeridianError } from '../shared/errors';

/** The provider refused the payment method; `declineCode` is the provider's (e.g. insufficient_funds). */
export class PaymentDeclinedError extends MeridianError {
  constructor(
    readonly declineCode: string,
    message: string,
  ) {
    super('payment_declined', message);
  }
}
