import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';

/** Browser hardening for the storefront and console: HSTS, CSP, no framing, no sniffing. */
export class SecurityHeaders extends Construct {
  readonly policy: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: { signInOrigin: string }) {
    super(scope, id);
    // The web app calls the API on its own origin; sign-in goes to the Cognito hosted UI, whose token
    // endpoint the app calls (connect-src) and whose pages it navigates to. Nothing else is allowed.
    const csp = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: https:",
      `connect-src 'self' ${props.signInOrigin}`,
      "frame-ancestors 'none'",
      "base-uri 'self'",
      `form-action 'self' ${props.signInOrigin}`,
      "object-src 'none'",
    ].join('; ');
    this.policy = new cloudfront.ResponseHeadersPolicy(this, 'Policy', {
      comment: 'Meridian security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
  }
}
