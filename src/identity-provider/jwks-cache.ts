import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/**
 * One remote key set per JWKS URI for the whole process. jose caches the keys, fetches again
 * when a token names an unknown `kid`, and never more often than the cooldown, so a flood of
 * tokens with made-up key ids cannot turn into a flood of requests to the IdP.
 */
export class JwksCache {
  private readonly sets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly options = { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }) {}

  get(uri: string): JWTVerifyGetKey {
    let set = this.sets.get(uri);
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), { ...this.options, timeoutDuration: 5_000 });
      this.sets.set(uri, set);
    }

    return set;
  }
}
