import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type SigningAlgorithm, signingAlgorithmOf } from '../config';

/** RFC 9068's media type for access tokens, so they cannot pass for another kind of JWT. */
const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The claims of an access token beyond the registered ones. */
export interface AccessTokenClaims {
  /** The user. */
  sub: string;
  /** The tenant. */
  tid: string;
  /** The session family, checked on every request. */
  sid: string;
}

/**
 * Signs and verifies the gateway's access tokens, and publishes the key that verifies them. The
 * issuer is PUBLIC_URL, so a token from another deployment of the gateway is refused.
 */
export class SessionKeys {
  readonly algorithm: SigningAlgorithm;
  /** The key's RFC 7638 thumbprint: stable for a key, different for every other. */
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly publicJwk: JWK;

  constructor(
    privateKeyPem: string,
    private readonly issuer: string,
  ) {
    this.algorithm = signingAlgorithmOf(privateKeyPem);
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    const jwk = this.publicKey.export({ format: 'jwk' }) as JWK;
    this.kid = thumbprint(jwk);
    this.publicJwk = { ...jwk, kid: this.kid, alg: this.algorithm, use: 'sig' };
  }

  /** Times are kept to the second, as JWTs carry them. */
  sign(claims: AccessTokenClaims, issuedAt: Date, expiresAt: Date): Promise<string> {
    return new SignJWT({ tid: claims.tid, sid: claims.sid })
      .setProtectedHeader({ alg: this.algorithm, kid: this.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setAudience(this.issuer)
      .setSubject(claims.sub)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.privateKey);
  }

  /** The claims of a token this gateway signed and that has not expired; rejects otherwise. */
  async verify(token: string): Promise<AccessTokenClaims & JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, {
      issuer: this.issuer,
      audience: this.issuer,
      algorithms: [this.algorithm],
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ['sub', 'exp', 'tid', 'sid'],
    });

    return payload as AccessTokenClaims & JWTPayload;
  }

  /** Whether a JWT names this gateway as its issuer; says nothing about its validity. */
  isOwnToken(token: string): boolean {
    try {
      return decodeJwt(token).iss === this.issuer;
    } catch {
      return false;
    }
  }

  /** The JSON Web Key Set served at `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }
}

/** RFC 7638: the SHA-256 of the key's required members, in lexicographic order. */
function thumbprint(jwk: JWK): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };

  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
