import { type Client, errors, generators, Issuer, type TokenSet } from 'openid-client';
import type { Runtime } from '../runtime';
import type { ExternalIdentity } from './identity-resolution.service';
import type { SsoConnection } from './sso-connection.entity';

/** How long a browser may take at the identity provider before the sign-in must start over. */
export const OIDC_LOGIN_TTL_MS = 10 * 60 * 1000;

/** What the browser carries between /login and /callback, sealed so it can be neither read nor forged. */
export interface OidcLoginState {
  tenantId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string | null;
  expiresAt: number;
}

/** A sign-in the gateway refuses, with the code the frontend receives and the HTTP status. */
export class SignInFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SignInFailure';
  }

  static invalidState(): SignInFailure {
    return new SignInFailure(
      'INVALID_STATE',
      'This sign-in link is invalid, expired or was opened in another browser. Start the ' +
        'sign-in again from the application.',
      400,
    );
  }

  static idpRefused(reason: string): SignInFailure {
    return new SignInFailure(
      'IDP_ERROR',
      `The identity provider did not sign you in (${reason}). Try again, or ask the IdP admin.`,
      401,
    );
  }

  static idpUnreachable(): SignInFailure {
    return new SignInFailure(
      'IDP_UNREACHABLE',
      'The identity provider could not be reached. Try again later, or ask an admin to check ' +
        'the SSO issuer and discovery URL.',
      502,
    );
  }
}

export const redirectUriOf = (runtime: Runtime, slug: string) =>
  `${runtime.settings.publicUrl}/auth/${encodeURIComponent(slug)}/callback`;

/** The authorization-code flow with PKCE, state and nonce against the tenant's OIDC connection. */
export class OidcSignIn {
  constructor(
    private readonly runtime: Runtime,
    private readonly connection: SsoConnection,
    private readonly redirectUri: string,
  ) {}

  /** Where to send the browser, and the state to keep in its cookie until the callback. */
  async begin(tenantId: string, returnTo: string | null, loginHint?: string) {
    const client = await this.client();
    const login: OidcLoginState = {
      tenantId,
      state: generators.state(),
      nonce: generators.nonce(),
      codeVerifier: generators.codeVerifier(),
      returnTo,
      expiresAt: Date.now() + OIDC_LOGIN_TTL_MS,
    };
    const url = client.authorizationUrl({
      scope: 'openid email profile',
      state: login.state,
      nonce: login.nonce,
      code_challenge: generators.codeChallenge(login.codeVerifier),
      code_challenge_method: 'S256',
      // Passed through so a frontend that knows the person can skip the IdP's account picker.
      ...(loginHint ? { login_hint: loginHint } : {}),
    });

    return { url, sealed: this.runtime.secrets.seal(JSON.stringify(login)) };
  }

  /** Exchanges the code and reads who the IdP says the person is. */
  async complete(login: OidcLoginState, query: Record<string, unknown>): Promise<ExternalIdentity> {
    if (typeof query.error === 'string') {
      throw SignInFailure.idpRefused(query.error.slice(0, 100));
    }
    if (query.state !== login.state) throw SignInFailure.invalidState();
    const client = await this.client();
    const params = client.callbackParams(`?${new URLSearchParams(stringParams(query))}`);
    let tokens: TokenSet;
    try {
      tokens = await client.callback(this.redirectUri, params, {
        state: login.state,
        nonce: login.nonce,
        code_verifier: login.codeVerifier,
        response_type: 'code',
      });
    } catch (error) {
      throw exchangeFailure(error);
    }

    return this.identityOf(client, tokens);
  }

  private async identityOf(client: Client, tokens: TokenSet): Promise<ExternalIdentity> {
    let claims: Record<string, unknown> = tokens.claims();
    // Some IdPs (Azure AD without optional claims, oidc-provider by default) keep the email
    // out of the ID token and serve it from userinfo only.
    if (claims[this.connection.emailClaim] === undefined && tokens.access_token) {
      try {
        claims = { ...(await client.userinfo(tokens)), ...claims };
      } catch (error) {
        throw exchangeFailure(error);
      }
    }
    const subject = claims[this.connection.uniqueIdClaim] ?? claims.sub;
    const email = claims[this.connection.emailClaim];

    return {
      subject: String(subject),
      email: typeof email === 'string' ? email : null,
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      displayName: typeof claims.name === 'string' ? claims.name : null,
      via: 'oidc',
    };
  }

  private async client(): Promise<Client> {
    const source = this.connection.discoveryUrl ?? this.connection.issuer;
    let issuer: Issuer;
    try {
      issuer = await Issuer.discover(source ?? '');
    } catch {
      throw SignInFailure.idpUnreachable();
    }
    const secret = this.connection.clientSecretSealed;

    return new issuer.Client({
      client_id: this.connection.clientId ?? '',
      client_secret: secret ? this.runtime.secrets.open(secret) : undefined,
      redirect_uris: [this.redirectUri],
      response_types: ['code'],
    });
  }
}

/** The sealed state from the cookie, if it is intact, unexpired and for this tenant. */
export function openLoginState(
  runtime: Runtime,
  sealed: string | undefined,
  tenantId: string,
): OidcLoginState {
  if (!sealed) throw SignInFailure.invalidState();
  let login: OidcLoginState;
  try {
    login = JSON.parse(runtime.secrets.open(sealed)) as OidcLoginState;
  } catch {
    throw SignInFailure.invalidState();
  }
  if (login.tenantId !== tenantId || !(login.expiresAt > Date.now())) {
    throw SignInFailure.invalidState();
  }

  return login;
}

function exchangeFailure(error: unknown): unknown {
  if (error instanceof errors.OPError) return SignInFailure.idpRefused(error.error ?? 'error');
  // A response that does not verify (signature, nonce, issuer, audience) is not to be trusted.
  if (error instanceof errors.RPError) return SignInFailure.idpRefused('invalid response');

  return error;
}

function stringParams(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}
