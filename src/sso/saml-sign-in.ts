import { type Profile, SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors';
import { newId } from '../common/ids';
import type { Runtime } from '../runtime';
import type { Tenant } from '../tenant/tenant.entity';
import type { ExternalIdentity } from './identity-resolution.service';
import {
  clearPendingRequest,
  PendingRequestCache,
  type PendingSamlRequest,
  readPendingRequest,
  SAML_REQUEST_TTL_MS,
  setPendingRequest,
} from './saml-request-cookie';
import type { SignInContext } from './sign-in.router';
import type { SsoConnection } from './sso-connection.entity';

/** How far the IdP's clock may drift from ours when NotBefore and NotOnOrAfter are checked. */
export const SAML_CLOCK_SKEW_MS = 60_000;

/** The gateway's SAML service-provider URLs for a tenant. */
export function samlUrls(publicUrl: string, slug: string) {
  const base = `${publicUrl.replace(/\/+$/, '')}/auth/${encodeURIComponent(slug)}/saml`;

  return { entityId: `${base}/metadata`, acs: `${base}/acs` };
}

/**
 * Redirects the browser to the IdP with an AuthnRequest. Its ID, and `returnTo` (already
 * checked by the router), are sealed into a cookie that the response must come back with.
 */
export async function startSamlLogin(
  ctx: SignInContext,
  _req: Request,
  res: Response,
  returnTo: string | null,
): Promise<void> {
  const { runtime, tenant, connection } = ctx;
  const cache = new PendingRequestCache();
  const saml = samlFor(runtime, tenant, connection, cache);
  const url = await saml.getAuthorizeUrlAsync(returnTo ?? '', undefined, {});
  const requestId = cache.savedRequestId;
  if (!requestId) throw new Error('node-saml built an AuthnRequest without caching its ID');
  setPendingRequest(res, runtime.secrets, runtime.settings.publicUrl, tenant.slug, {
    requestId,
    tenantId: tenant.id,
    returnTo,
    expiresAt: Date.now() + SAML_REQUEST_TTL_MS,
  });
  res.set('cache-control', 'no-store');
  res.redirect(303, url);
}

/** What a verified SAML response says: who signed in, and where the browser was going. */
export interface SamlOutcome {
  identity: ExternalIdentity;
  /** The `returnTo` sealed at the start; the router checks it against its allow-list again. */
  returnTo: string | null;
}

/**
 * Verifies the response posted to the ACS: the IdP's signature on the assertion, its issuer,
 * audience, destination, InResponseTo and validity window, and that it was not used before.
 * The pending-request cookie is cleared whatever the outcome.
 */
export async function completeSamlLogin(
  ctx: SignInContext,
  req: Request,
  res: Response,
): Promise<SamlOutcome> {
  const { runtime, tenant, connection } = ctx;
  const pending = readPendingRequest(req, runtime.secrets, tenant.id);
  clearPendingRequest(res, runtime.settings.publicUrl, tenant.slug);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const assertion = await verifyResponse(runtime, tenant, connection, pending, body, ctx.log);
  await rememberAssertion(ctx, assertion);

  return {
    identity: identityOf(connection, assertion.profile),
    returnTo: pending?.returnTo ?? null,
  };
}

/** The SP metadata XML an IdP admin imports for this tenant. */
export function samlMetadata(ctx: SignInContext): string {
  const saml = samlFor(ctx.runtime, ctx.tenant, ctx.connection, new PendingRequestCache());

  return saml.generateServiceProviderMetadata(null);
}

function samlFor(
  runtime: Runtime,
  tenant: Tenant,
  connection: SsoConnection,
  cacheProvider: PendingRequestCache,
): SAML {
  const urls = samlUrls(runtime.settings.publicUrl, tenant.slug);

  return new SAML({
    entryPoint: connection.samlEntryPoint ?? undefined,
    issuer: urls.entityId,
    callbackUrl: urls.acs,
    audience: urls.entityId,
    idpCert: connection.samlCertificate ?? '',
    idpIssuer: connection.issuer ?? undefined,
    // Most IdPs sign the assertion and not the envelope; the assertion is what is trusted.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: SAML_REQUEST_TTL_MS,
    cacheProvider,
    // Let the IdP pick its NameID format and authentication method (MFA included).
    identifierFormat: null,
    disableRequestedAuthnContext: true,
  });
}

interface VerifiedAssertion {
  profile: Profile;
  id: string;
  expiresAt: Date;
}

const invalidResponse = () =>
  DomainError.invalidToken(
    'SAML response',
    'SAMLResponse',
    'Start the sign-in again from the gateway; if it keeps failing, ask the admin to check the ' +
      "IdP's certificate and the gateway's entity id and ACS URL in the IdP.",
  );

async function verifyResponse(
  runtime: Runtime,
  tenant: Tenant,
  connection: SsoConnection,
  pending: PendingSamlRequest | null,
  body: Record<string, unknown>,
  log: Logger,
): Promise<VerifiedAssertion> {
  const encoded = body.SAMLResponse;
  if (typeof encoded !== 'string' || encoded === '') throw invalidResponse();
  const saml = samlFor(runtime, tenant, connection, new PendingRequestCache(pending));
  let profile: Profile | null;
  try {
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: encoded }));
  } catch (error) {
    log.warn({ tenantId: tenant.id, reason: (error as Error).message }, 'saml response refused');
    throw invalidResponse();
  }
  const assertionXml = profile?.getAssertionXml?.();
  // node-saml does not look at Destination; a response addressed elsewhere is not ours.
  const destination = parseXml(Buffer.from(encoded, 'base64').toString('utf8')).getAttribute(
    'Destination',
  );
  const acs = samlUrls(runtime.settings.publicUrl, tenant.slug).acs;
  if (!profile || !assertionXml || (destination && destination !== acs)) {
    log.warn({ tenantId: tenant.id, destination }, 'saml response refused');
    throw invalidResponse();
  }
  // node-saml checks `idpIssuer` on logout messages only; the signed assertion names its IdP.
  const { issuer, ...facts } = assertionFacts(assertionXml);
  if (connection.issuer && issuer !== connection.issuer) {
    log.warn({ tenantId: tenant.id, issuer }, 'saml response refused');
    throw invalidResponse();
  }

  return { profile, ...facts };
}

function parseXml(xml: string): Element {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  if (!root) throw invalidResponse();

  return root;
}

/** The assertion's ID and issuer, and the latest moment it could still be accepted. */
function assertionFacts(assertionXml: string) {
  const assertion = parseXml(assertionXml);
  const id = assertion.getAttribute('ID');
  if (!id) throw invalidResponse();
  const issuer = Array.from(assertion.childNodes)
    .find((node) => (node as Element).localName === 'Issuer')
    ?.textContent?.trim();
  const limits = ['Conditions', 'SubjectConfirmationData']
    .flatMap((name) => Array.from(assertion.getElementsByTagNameNS('*', name)))
    .map((element) => Date.parse(element.getAttribute('NotOnOrAfter') ?? ''))
    .filter((time) => Number.isFinite(time));
  // An assertion without an expiry is only accepted while its AuthnRequest is pending.
  const until = limits.length > 0 ? Math.min(...limits) : Date.now() + SAML_REQUEST_TTL_MS;

  return { id, issuer, expiresAt: new Date(until + SAML_CLOCK_SKEW_MS) };
}

/**
 * Refuses an assertion seen before. The insert commits before the user is resolved, so of two
 * concurrent posts of one assertion exactly one gets a row back.
 */
async function rememberAssertion(ctx: SignInContext, assertion: VerifiedAssertion) {
  const tenantId = ctx.tenant.id;
  const connection = ctx.orm.em.fork().getConnection();
  await connection.execute(
    'delete from "saml_assertion_seen" where "tenant_id" = ? and "expires_at" < now()',
    [tenantId],
  );
  const inserted = await connection.execute(
    `insert into "saml_assertion_seen" ("id", "tenant_id", "assertion_id", "expires_at")
     values (?, ?, ?, ?) on conflict ("tenant_id", "assertion_id") do nothing returning "id"`,
    [newId(), tenantId, assertion.id, assertion.expiresAt],
  );
  if (inserted.length === 0) {
    throw DomainError.invalidToken(
      'SAML assertion',
      'SAMLResponse',
      'This assertion was already used to sign in. Start the sign-in again.',
    );
  }
}

function attribute(profile: Profile, name: string): string | null {
  // Only the AttributeStatement: node-saml also copies attributes onto the profile, beside
  // fields such as `issuer` that an attribute name must not reach.
  const value = ((profile.attributes ?? {}) as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? value[0] : value;

  return typeof first === 'string' && first.trim() !== '' ? first.trim() : null;
}

/**
 * NameID is the subject unless the connection names another attribute. The connection vouches
 * for the emails its IdP asserts, so they count as verified.
 */
function identityOf(connection: SsoConnection, profile: Profile): ExternalIdentity {
  const claim = connection.uniqueIdClaim;
  const subject = claim === 'sub' ? profile.nameID : attribute(profile, claim);
  if (!subject) {
    throw DomainError.badInput(
      'SAMLResponse',
      `The assertion carries no "${claim}" attribute to identify the user. Ask the IdP admin ` +
        'to release it, or change the connection’s uniqueIdClaim.',
    );
  }
  const nameIdEmail = profile.nameID?.includes('@') ? profile.nameID : null;

  return {
    subject,
    email: attribute(profile, connection.emailClaim) ?? nameIdEmail,
    emailVerified: true,
    displayName: attribute(profile, 'displayName'),
    via: 'saml',
  };
}
