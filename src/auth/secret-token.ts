import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedToken {
  token: string;
  hash: string;
  prefix: string;
}

/**
 * Issues a random bearer secret of 32 bytes. The tenant id is carried in clear inside the token
 * so that its lookup is keyed by tenant, like every other tenant-owned row.
 */
export function issueToken(kind: string, tenantId: string): IssuedToken {
  const secret = randomBytes(32).toString('base64url');
  const token = `igw_${kind}_${tenantId.replaceAll('-', '')}_${secret}`;

  return { token, hash: hashToken(token), prefix: `igw_${kind}_${secret.slice(0, 8)}` };
}

/** Tokens are high-entropy, so a fast hash is enough; it still keeps them unusable at rest. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface ParsedToken {
  kind: string;
  tenantId: string;
}

const TOKEN = /^igw_([a-z]+)_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/;

export function parseToken(token: string): ParsedToken | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const hex = match[2];
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

  return { kind: match[1], tenantId };
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');

  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * `lastUsedAt` of a bearer token is advisory: written at most once a minute, so authenticating
 * stays a read rather than turning every request into a write.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;
