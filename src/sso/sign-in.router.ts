import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { AuditLog, accountActor, type RequestMeta } from '../audit/audit-log';
import { DomainError, ErrorCode } from '../common/errors';
import type { Runtime } from '../runtime';
import type { ServiceDeps } from '../services';
import { type IssuedSession, SessionService } from '../session/session.service';
import { Tenant } from '../tenant/tenant.entity';
import { User } from '../user/user.entity';
import { type ExternalIdentity, IdentityResolutionService } from './identity-resolution.service';
import {
  OIDC_LOGIN_TTL_MS,
  OidcSignIn,
  openLoginState,
  redirectUriOf,
  SignInFailure,
} from './oidc-sign-in';
import { completeSamlLogin, samlMetadata, startSamlLogin } from './saml-sign-in';
import { SsoConnection, SsoProtocol } from './sso-connection.entity';

/** What a sign-in handler works with: the request's unit of work and its tenant's connection. */
export interface SignInContext {
  orm: MikroORM;
  runtime: Runtime;
  log: Logger;
  tenant: Tenant;
  connection: SsoConnection;
}

const STATUS_OF_DOMAIN_CODE: Partial<Record<string, number>> = {
  [ErrorCode.USER_DEACTIVATED]: 403,
  [ErrorCode.NOT_INVITED]: 403,
  [ErrorCode.NOT_PROVISIONED]: 403,
  [ErrorCode.IDENTITY_MISMATCH]: 403,
  [ErrorCode.INVALID_VALUE]: 400,
  [ErrorCode.NOT_FOUND]: 404,
};

const cookieName = (slug: string) => `igw_oidc_${slug.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * Browser sign-in through the tenant's SSO connection, mounted at `/auth/:tenantSlug`. Every
 * outcome ends either at the frontend's `returnTo` (when its origin is allowed) with the
 * session or an error code in the URL fragment, or on a small page of this gateway.
 */
export function createSignInRouter(orm: MikroORM, runtime: Runtime, log: Logger): Router {
  const router = Router({ mergeParams: true });

  router.get('/login', async (req, res) => {
    const returnTo = allowedReturnTo(runtime, req.query.returnTo);
    await answer(req, res, returnTo, log, async () => {
      const ctx = await contextOf(req, orm, runtime, log);
      if (ctx.connection.protocol === SsoProtocol.SAML)
        return startSamlLogin(ctx, req, res, returnTo);

      const slug = ctx.tenant.slug;
      const oidc = new OidcSignIn(runtime, ctx.connection, redirectUriOf(runtime, slug));
      const hint = typeof req.query.login_hint === 'string' ? req.query.login_hint : undefined;
      const { url, sealed } = await oidc.begin(ctx.tenant.id, returnTo, hint);
      res.cookie(cookieName(slug), sealed, {
        httpOnly: true,
        // Lax, not Strict: the IdP's redirect back to /callback is a cross-site navigation.
        sameSite: 'lax',
        secure: runtime.settings.publicUrl.startsWith('https:'),
        path: `/auth/${encodeURIComponent(slug)}`,
        maxAge: OIDC_LOGIN_TTL_MS,
      });
      res.set('cache-control', 'no-store');
      res.redirect(303, url);
    });
  });

  router.get('/callback', async (req, res) => {
    let returnTo: string | null = null;
    await answer(
      req,
      res,
      () => returnTo,
      log,
      async () => {
        const ctx = await contextOf(req, orm, runtime, log);
        const slug = ctx.tenant.slug;
        const name = cookieName(slug);
        // One use only: whatever happens next, the state cannot be replayed.
        res.clearCookie(name, { path: `/auth/${encodeURIComponent(slug)}` });
        const login = openLoginState(runtime, readCookie(req, name), ctx.tenant.id);
        returnTo = allowedReturnTo(runtime, login.returnTo);
        if (ctx.connection.protocol !== SsoProtocol.OIDC) throw SignInFailure.invalidState();

        const oidc = new OidcSignIn(runtime, ctx.connection, redirectUriOf(runtime, slug));
        const identity = await oidc.complete(login, req.query as Record<string, unknown>);
        const session = await startSession(orm, runtime, req, res, ctx.tenant.id, identity);
        sendSession(res, returnTo, session);
      },
    );
  });

  // The IdP posts its response as a form; 1 MB is far above any signed assertion.
  router.post(
    '/saml/acs',
    express.urlencoded({ extended: false, limit: '1mb' }),
    async (req, res) => {
      let returnTo: string | null = null;
      await answer(
        req,
        res,
        () => returnTo,
        log,
        async () => {
          const ctx = await samlContextOf(req, orm, runtime, log);
          const outcome = await completeSamlLogin(ctx, req, res);
          returnTo = allowedReturnTo(runtime, outcome.returnTo);
          const session = await startSession(
            orm,
            runtime,
            req,
            res,
            ctx.tenant.id,
            outcome.identity,
          );
          sendSession(res, returnTo, session);
        },
      );
    },
  );

  router.get('/saml/metadata', async (req, res) => {
    await answer(req, res, null, log, async () => {
      const ctx = await samlContextOf(req, orm, runtime, log);
      res.type('application/samlmetadata+xml').send(samlMetadata(ctx));
    });
  });

  return router;
}

async function contextOf(req: Request, orm: MikroORM, runtime: Runtime, log: Logger) {
  const em = orm.em.fork();
  const slug = String(req.params.tenantSlug ?? '');
  const tenant = await em.findOne(Tenant, { slug });
  const connection = tenant ? await em.findOne(SsoConnection, { tenant }) : null;
  if (!tenant || !connection) {
    throw new SignInFailure(
      'SSO_NOT_CONFIGURED',
      `No tenant "${slug}" with single sign-on exists. Check the sign-in link, or ask an admin ` +
        'of the tenant to configure SSO.',
      404,
    );
  }

  return { orm, runtime, log, tenant, connection } satisfies SignInContext;
}

async function samlContextOf(req: Request, orm: MikroORM, runtime: Runtime, log: Logger) {
  const ctx = await contextOf(req, orm, runtime, log);
  if (ctx.connection.protocol !== SsoProtocol.SAML) throw SignInFailure.invalidState();

  return ctx;
}

/** Resolves who signed in by the tenant's rules, then starts their session in one transaction. */
async function startSession(
  orm: MikroORM,
  runtime: Runtime,
  req: Request,
  res: Response,
  tenantId: string,
  identity: ExternalIdentity,
): Promise<IssuedSession> {
  const meta = requestMeta(req, res);
  const deps: ServiceDeps = { ...runtime, em: orm.em.fork(), meta, audit: new AuditLog(meta) };
  const resolved = await new IdentityResolutionService(deps).resolve(tenantId, identity);

  return deps.em.transactional(async (em) => {
    const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
    const user = await em.findOneOrFail(User, { id: resolved.id, tenant });
    const issued = await new SessionService({ ...deps, em }).start(em, tenant, user);
    deps.audit.record(
      em,
      tenant,
      accountActor(user),
      'user.signed_in',
      [
        { type: 'user', id: user.id, display: user.email },
        { type: 'session', id: issued.sessionId, display: user.email },
      ],
      { via: identity.via },
    );
    await em.flush();

    return issued;
  });
}

function requestMeta(req: Request, res: Response): RequestMeta {
  return {
    requestId: res.locals.requestId,
    ip: req.ip ?? null,
    userAgent: req.header('user-agent') ?? null,
  };
}

/** `returnTo` if its origin is on SIGN_IN_RETURN_URLS; anything else is ignored, never followed. */
function allowedReturnTo(runtime: Runtime, value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const allowed = runtime.settings.signInReturnUrls ?? [];
  if (!/^https?:$/.test(url.protocol) || !allowed.includes(url.origin)) return null;
  url.hash = '';

  return url.toString();
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }

  return undefined;
}

/**
 * Runs a handler and turns any failure into the frontend's `#error=` redirect or an error page.
 * Expected refusals carry their code; anything else is logged once and masked as internal.
 */
async function answer(
  req: Request,
  res: Response,
  returnTo: string | null | (() => string | null),
  log: Logger,
  handler: () => Promise<void>,
): Promise<void> {
  try {
    await handler();
  } catch (error) {
    const failure = failureOf(error, res);
    if (failure.code === 'INTERNAL_ERROR') {
      log.error(
        { err: error, requestId: res.locals.requestId, tenantSlug: req.params.tenantSlug },
        'sso sign-in failed unexpectedly',
      );
    } else {
      log.info(
        { code: failure.code, tenantSlug: req.params.tenantSlug, path: req.path },
        'sso sign-in refused',
      );
    }
    const target = typeof returnTo === 'function' ? returnTo() : returnTo;
    if (res.headersSent) return;
    if (target) {
      res.redirect(303, `${target}#${new URLSearchParams({ error: failure.code })}`);
      return;
    }
    sendPage(res, failure.status, 'Sign-in failed', [
      `<p>${escapeHtml(failure.message)}</p>`,
      `<p>Error code: <code>${escapeHtml(failure.code)}</code></p>`,
    ]);
  }
}

function failureOf(error: unknown, res: Response): SignInFailure {
  if (error instanceof SignInFailure) return error;
  if (error instanceof DomainError) {
    return new SignInFailure(error.code, error.message, STATUS_OF_DOMAIN_CODE[error.code] ?? 401);
  }

  return new SignInFailure(
    'INTERNAL_ERROR',
    `Something went wrong on our side. Try again; if it persists, give an admin the request id ` +
      `${res.locals.requestId}.`,
    500,
  );
}

function sendSession(res: Response, returnTo: string | null, session: IssuedSession): void {
  const fields = {
    access_token: session.accessToken,
    refresh_token: session.refreshToken,
    expires_at: session.expiresAt.toISOString(),
  };
  if (returnTo) {
    // The fragment, never the query: browsers do not send it to servers or in Referer headers.
    res.redirect(303, `${returnTo}#${new URLSearchParams(fields)}`);
    return;
  }
  sendPage(res, 200, 'Signed in', [
    '<p>You are signed in. Copy these values into the application that asked for them.</p>',
    '<dl>',
    ...Object.entries(fields).map(
      ([key, value]) => `<dt>${key}</dt><dd><code id="${key}">${escapeHtml(value)}</code></dd>`,
    ),
    '</dl>',
  ]);
}

function sendPage(res: Response, status: number, title: string, body: string[]): void {
  res.set({
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
  });
  res
    .status(status)
    .type('html')
    .send(
      [
        '<!doctype html>',
        `<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>`,
        `<body><h1>${title}</h1>`,
        ...body,
        '</body></html>',
      ].join('\n'),
    );
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}
