import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import type { Request, Response } from 'express';
import type { SecretBox } from '../common/secret-box';

/** How long a browser has between leaving for the IdP and coming back with its response. */
export const SAML_REQUEST_TTL_MS = 10 * 60 * 1000;

const COOKIE = 'igw_saml_request';

/** The AuthnRequest a browser left with, sealed into a cookie on that same browser. */
export interface PendingSamlRequest {
  requestId: string;
  tenantId: string;
  returnTo: string | null;
  expiresAt: number;
}

/**
 * node-saml's InResponseTo store, backed by the sealed cookie rather than by process memory, so
 * the response may land on any instance. It also binds the response to the browser that asked
 * for it: a response started elsewhere and forced on a victim's browser finds no request.
 */
export class PendingRequestCache implements CacheProvider {
  private readonly items = new Map<string, CacheItem>();
  private saved?: string;

  constructor(pending?: PendingSamlRequest | null) {
    if (!pending) return;
    // node-saml reads the value as the instant the request was made, to apply its own expiry.
    const createdAt = pending.expiresAt - SAML_REQUEST_TTL_MS;
    this.items.set(pending.requestId, { value: new Date(createdAt).toISOString(), createdAt });
  }

  /** The ID of the AuthnRequest node-saml has just generated, to seal into the cookie. */
  get savedRequestId(): string | undefined {
    return this.saved;
  }

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    const item = { value, createdAt: Date.now() };
    this.items.set(key, item);
    this.saved = key;

    return item;
  }

  async getAsync(key: string): Promise<string | null> {
    return this.items.get(key)?.value ?? null;
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (key === null) return null;
    const item = this.items.get(key);
    this.items.delete(key);

    return item?.value ?? null;
  }
}

function cookieAttributes(publicUrl: string, slug: string): string {
  // The response arrives as a cross-site POST from the IdP, which browsers send a cookie with
  // only when it is SameSite=None, and that in turn needs Secure. Plain-HTTP development setups
  // fall back to Lax, which works when the IdP shares the gateway's site.
  const site = publicUrl.startsWith('https:') ? 'SameSite=None; Secure' : 'SameSite=Lax';

  return `Path=/auth/${encodeURIComponent(slug)}/saml; HttpOnly; ${site}`;
}

export function setPendingRequest(
  res: Response,
  secrets: SecretBox,
  publicUrl: string,
  slug: string,
  pending: PendingSamlRequest,
): void {
  const sealed = secrets.seal(JSON.stringify(pending));
  const maxAge = Math.floor(SAML_REQUEST_TTL_MS / 1000);
  res.append(
    'set-cookie',
    `${COOKIE}=${sealed}; Max-Age=${maxAge}; ${cookieAttributes(publicUrl, slug)}`,
  );
}

export function clearPendingRequest(res: Response, publicUrl: string, slug: string): void {
  res.append('set-cookie', `${COOKIE}=; Max-Age=0; ${cookieAttributes(publicUrl, slug)}`);
}

/** The browser's pending request for this tenant, or null when it is missing, forged or stale. */
export function readPendingRequest(
  req: Request,
  secrets: SecretBox,
  tenantId: string,
): PendingSamlRequest | null {
  const header = req.header('cookie') ?? '';
  const raw = header
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!raw) return null;
  try {
    const pending = JSON.parse(secrets.open(raw)) as PendingSamlRequest;
    if (pending.tenantId !== tenantId || pending.expiresAt <= Date.now()) return null;

    return pending;
  } catch {
    return null;
  }
}
