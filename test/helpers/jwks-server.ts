import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, type KeyLike, SignJWT } from 'jose';

/**
 * A token issuer on loopback: it publishes its public key at /jwks like an identity provider's
 * JWKS endpoint, counts how often it is fetched, and mints tokens signed with its private key.
 */
export class TestIssuer {
  fetches = 0;

  private constructor(
    private readonly server: Server,
    private readonly privateKey: KeyLike,
    readonly publicKey: KeyLike,
    readonly kid: string,
  ) {}

  static async start(kid = 'test-key-1'): Promise<TestIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    let issuer: TestIssuer | undefined;
    const server = createServer((req, res) => {
      if (req.url !== '/jwks') {
        res.writeHead(404).end();
        return;
      }
      if (issuer) issuer.fetches += 1;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = new TestIssuer(server, privateKey, publicKey, kid);

    return issuer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get jwksUri(): string {
    return `${this.url}/jwks`;
  }

  /** A token valid for five minutes, unless `claims` set their own `iat` or `exp`. */
  mint(
    claims: JWTPayload,
    options: { audience?: string; issuer?: string; kid?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);

    return new SignJWT({ iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? this.kid })
      .setIssuer(options.issuer ?? this.url)
      .setAudience(options.audience ?? 'gateway-api')
      .sign(this.privateKey);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
