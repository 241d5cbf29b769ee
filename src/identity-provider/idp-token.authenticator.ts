import { decodeJwt, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { Actor } from '../auth/actor';
import { DomainError } from '../common/errors';
import type { ServiceDeps } from '../services';
import { IdentityResolutionService } from '../sso/identity-resolution.service';
import { IdentityProvider } from './identity-provider.entity';
import type { JwksCache } from './jwks-cache';

/** Asymmetric algorithms only: HS256 "signed" with a public key, or `none`, never verifies. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];
const CLOCK_SKEW_SECONDS = 60;

/** Three base64url parts: a compact JWS. Personal access tokens never look like this. */
export const looksLikeJwt = (token: string): boolean =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

const refused = (why: string) => DomainError.unauthenticated(`The bearer JWT was refused: ${why}.`);

/**
 * Authenticates a JWT issued by one of the tenant's registered identity providers. The tenant
 * is the one that registered the token's issuer, or, where an issuer serves several tenants,
 * the one named by the X-Tenant header. The first provider whose keys verify the token wins.
 */
export class IdpTokenAuthenticator {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly jwks: JwksCache,
  ) {}

  async authenticate(token: string, tenantSlug?: string | null): Promise<Actor> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw refused('it is not a well-formed JWT');
    }
    if (typeof unverified.iss !== 'string') throw refused('it has no iss claim');
    const providers = await this.candidates(unverified.iss, tenantSlug);
    const tenants = new Set(providers.map((provider) => provider.tenant.id));
    if (tenants.size > 1) {
      throw refused('its issuer serves several tenants; name one in the X-Tenant header');
    }

    for (const provider of providers) {
      const payload = await this.verify(token, provider);
      if (!payload) continue;
      const subject = payload[provider.uniqueIdClaim];
      if (typeof subject !== 'string' && typeof subject !== 'number') {
        throw refused(`it has no ${provider.uniqueIdClaim} claim to identify the user`);
      }
      const email = payload[provider.emailClaim];
      const user = await this.resolve(provider.tenant.id, {
        subject: String(subject),
        email: typeof email === 'string' ? email : null,
        emailVerified: payload.email_verified === true,
        displayName: typeof payload.name === 'string' ? payload.name : null,
        via: 'api_token',
      });

      return {
        userId: user.id,
        tenantId: provider.tenant.id,
        email: user.email,
        role: user.role,
        accessTokenId: `idp:${provider.id}`,
      };
    }

    throw refused('no identity provider of the tenant verifies its signature, issuer and audience');
  }

  private candidates(issuer: string, tenantSlug?: string | null) {
    return this.deps.em.find(
      IdentityProvider,
      tenantSlug ? { issuer, tenant: { slug: tenantSlug } } : { issuer },
      { populate: ['tenant'], orderBy: { id: 'asc' } },
    );
  }

  private async verify(token: string, provider: IdentityProvider): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtVerify(token, this.jwks.get(provider.jwksUri), {
        issuer: provider.issuer,
        audience: provider.audiences,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
      });
      // jose checks exp and nbf; a token issued in the future is refused here.
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
        return null;
      }

      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  private async resolve(
    tenantId: string,
    identity: Parameters<IdentityResolutionService['resolve']>[1],
  ) {
    try {
      return await new IdentityResolutionService(this.deps).resolve(tenantId, identity);
    } catch (error) {
      // For an API call every refusal is an authentication failure; the reason is kept.
      if (error instanceof DomainError) throw DomainError.unauthenticated(error.message);
      throw error;
    }
  }
}
