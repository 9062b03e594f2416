export { HttpPaymentProvider, type HttpPaymentProviderOptions } from './http-payment-provider';
export { PaymentProviderRequestError } from './payment-provider-request-error';
