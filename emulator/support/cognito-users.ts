import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AwsClients } from './aws-clients';
import type { DeployedIdentity } from './provision-data';

/** A password that satisfies the user pool's policy (12+ characters, all four classes). */
const PASSWORD = 'Emulated-Passw0rd!';

/**
 * Users of the emulated user pool and their ID tokens, obtained the way the pipeline's smoke test signs
 * in (admin user and password auth): moto signs them with its own key, served at its JWKS URL.
 */
export class CognitoUsers {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly clients: AwsClients,
    private readonly identity: DeployedIdentity,
  ) {}

  /** The ID token of `name` (`<name>@meridian.test`), created on first use; admins join the `admin` group. */
  async token(name: string, options: { admin?: boolean } = {}): Promise<string> {
    const cached = this.tokens.get(name);
    if (cached) return cached;
    const username = `${name}@meridian.test`;
    const pool = this.identity.userPoolId;
    await this.clients.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool,
        Username: username,
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    await this.clients.cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: pool,
        Username: username,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    if (options.admin) {
      await this.clients.cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: username, GroupName: 'admin' }),
      );
    }
    const signedIn = await this.clients.cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: pool,
        ClientId: this.identity.clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD },
      }),
    );
    const token = signedIn.AuthenticationResult?.IdToken;
    if (!token) throw new Error(`no ID token for ${username}`);
    this.tokens.set(name, token);
    return token;
  }
}
