import type {
  AuthorizationState,
  AuthorizeRequest,
  CaptureRequest,
  FindAuthorizationRequest,
  LedgerPage,
  PaymentOperationResult,
  PaymentProvider,
  RefundRequest,
  VoidRequest,
} from '@meridian/domain';

/**
 * Creates the real provider on first use. Every saga step shares one set of dependencies, but only the
 * payment steps are configured with the provider's URL: the others never touch it and must not fail for it.
 */
export class LazyPaymentProvider implements PaymentProvider {
  private provider: PaymentProvider | undefined;

  constructor(private readonly create: () => PaymentProvider) {}

  async authorize(request: AuthorizeRequest): Promise<PaymentOperationResult> {
    return this.resolve().authorize(request);
  }

  async capture(request: CaptureRequest): Promise<PaymentOperationResult> {
    return this.resolve().capture(request);
  }

  async void(request: VoidRequest): Promise<PaymentOperationResult> {
    return this.resolve().void(request);
  }

  async refund(request: RefundRequest): Promise<PaymentOperationResult> {
    return this.resolve().refund(request);
  }

  async findAuthorization(request: FindAuthorizationRequest): Promise<AuthorizationState | undefined> {
    return this.resolve().findAuthorization(request);
  }

  async listAuthorizations(request: { orderId: string }): Promise<AuthorizationState[]> {
    return this.resolve().listAuthorizations(request);
  }

  async listLedger(request: { startingAfter?: string; limit: number }): Promise<LedgerPage> {
    return this.resolve().listLedger(request);
  }

  private resolve(): PaymentProvider {
    this.provider ??= this.create();
    return this.provider;
  }
}
