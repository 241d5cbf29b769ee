import type { MikroORM } from '@mikro-orm/postgresql';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors';
import type { Runtime } from '../runtime';
import { createServices, type Services } from '../services';
import { assertNoPrototypeKeys, ScimPatchError } from './patch';
import { ScimDirectory } from './scim-directory';
import { ScimError, scimErrorFromDomain } from './scim-error';
import { groupHandlers } from './scim-groups';
import { LIST_RESPONSE, resourceTypeDocs, schemaDocs, serviceProviderConfig } from './scim-schemas';
import { assertStorableText } from './scim-text-guard';
import type { ScimCaller } from './scim-token.service';
import { userHandlers } from './scim-users';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** What every SCIM handler gets: the caller, the services, the read side and the base URL. */
export interface ScimContext extends ScimCaller {
  services: Services;
  directory: ScimDirectory;
  baseUrl: string;
}

export type ScimHandler = (req: Request, ctx: ScimContext) => Promise<ScimReply>;

export interface ScimReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function sendScim(res: Response, reply: ScimReply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.status(reply.status).end();
    return;
  }
  res.status(reply.status).type(SCIM_CONTENT_TYPE).send(JSON.stringify(reply.body));
}

export function listResponse(totalResults: number, startIndex: number, resources: unknown[]) {
  return {
    schemas: [LIST_RESPONSE],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

/**
 * The SCIM 2.0 adapter: maps HTTP and SCIM JSON to the domain services and back. It holds no
 * rule of its own; every decision is the services', and every error leaves as a SCIM error.
 */
export function createScimRouter(orm: MikroORM, runtime: Runtime, log: Logger): Router {
  const router = Router({ mergeParams: true });
  // The caller is known before anything else is done: a request without a valid token gets a
  // 401 whatever it asks for, and its body is not even read.
  router.use(async (req, res, next) => {
    try {
      res.locals.scim = await authenticate(req, res, orm, runtime);
      next();
    } catch (error) {
      next(error);
    }
  });
  // Okta sends application/json; the RFC's type is application/scim+json. Accept both.
  router.use(express.json({ type: ['application/json', SCIM_CONTENT_TYPE], limit: '1mb' }));
  router.use((req, _res, next) => {
    if (req.body !== undefined) {
      assertNoPrototypeKeys(req.body);
      assertStorableText(req.body);
    }
    next();
  });

  const handle = (handler: ScimHandler): RequestHandler => {
    return async (req, res, next) => {
      try {
        sendScim(res, await handler(req, res.locals.scim as ScimContext));
      } catch (error) {
        next(error);
      }
    };
  };
  const notImplemented =
    (what: string): RequestHandler =>
    (_req, res) =>
      new ScimError(501, `${what} is not supported by this server.`).send(res);

  router.get(
    '/ServiceProviderConfig',
    handle(async (_req, ctx) => ({
      status: 200,
      body: serviceProviderConfig(ctx.baseUrl),
    })),
  );
  router.get(
    '/ResourceTypes',
    handle(async (_req, ctx) => {
      const docs = resourceTypeDocs(ctx.baseUrl);
      return { status: 200, body: listResponse(docs.length, 1, docs) };
    }),
  );
  router.get(
    '/ResourceTypes/:id',
    handle(async (req, ctx) => findDoc(resourceTypeDocs(ctx.baseUrl), String(req.params.id))),
  );
  router.get(
    '/Schemas',
    handle(async (_req, ctx) => {
      const docs = schemaDocs(ctx.baseUrl);
      return { status: 200, body: listResponse(docs.length, 1, docs) };
    }),
  );
  router.get(
    '/Schemas/:id',
    handle(async (req, ctx) => findDoc(schemaDocs(ctx.baseUrl), String(req.params.id))),
  );

  const users = userHandlers();
  router.get('/Users', handle(users.list));
  router.post('/Users/.search', handle(users.search));
  router.post('/Users', handle(users.create));
  router.get('/Users/:id', handle(users.get));
  router.put('/Users/:id', handle(users.replace));
  router.patch('/Users/:id', handle(users.patch));
  router.delete('/Users/:id', handle(users.remove));

  const groups = groupHandlers();
  router.get('/Groups', handle(groups.list));
  router.post('/Groups/.search', handle(groups.search));
  router.post('/Groups', handle(groups.create));
  router.get('/Groups/:id', handle(groups.get));
  router.put('/Groups/:id', handle(groups.replace));
  router.patch('/Groups/:id', handle(groups.patch));
  router.delete('/Groups/:id', handle(groups.remove));

  router.post('/.search', handle(users.searchAll));
  router.all('/Me', notImplemented('/Me'));
  router.all('/Bulk', notImplemented('/Bulk'));
  router.use((req, res) =>
    new ScimError(404, `No SCIM endpoint at ${req.method} ${req.path}.`).send(res),
  );
  router.use(errorHandler(log));

  return router;
}

async function authenticate(
  req: Request,
  res: Response,
  orm: MikroORM,
  runtime: Runtime,
): Promise<ScimContext> {
  const em = orm.em.fork();
  const services = createServices(em, runtime, {
    requestId: res.locals.requestId,
    ip: req.ip ?? null,
    userAgent: req.header('user-agent') ?? null,
  });
  const header = req.header('authorization');
  const bearer = header && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const caller = await services.scimTokens.authenticate(
    String(req.params.tenantSlug),
    bearer || undefined,
  );

  return {
    ...caller,
    services,
    directory: new ScimDirectory(em),
    baseUrl: services.scimTokens.baseUrl(caller.tenant),
  };
}

function findDoc(docs: { id: string }[], id: string): ScimReply {
  const doc = docs.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (!doc) throw new ScimError(404, `No document with id "${id}".`);

  return { status: 200, body: doc };
}

/** Every failure leaves as a SCIM error body; only the unexpected is a 500, and it is masked. */
function errorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const resource = req.path.startsWith('/Groups') ? 'group' : 'user';
    const scimError = toScimError(error, resource);
    if (scimError) {
      if (scimError.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="scim"');
      scimError.send(res);
      return;
    }
    log.error({ err: error, method: req.method, path: req.path }, 'unexpected SCIM error');
    const requestId = res.locals.requestId;
    new ScimError(500, `Internal server error. Quote request id ${requestId}.`).send(res);
  };
}

function toScimError(error: unknown, resource: string): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (error instanceof DomainError) return scimErrorFromDomain(error, resource);
  if (error instanceof ScimPatchError) return new ScimError(400, error.message, error.scimType);
  const bodyError = error as { type?: string; status?: number } | null;
  if (bodyError?.type === 'entity.parse.failed') {
    return new ScimError(
      400,
      'The body is not valid JSON. Send a SCIM JSON object.',
      'invalidSyntax',
    );
  }
  if (bodyError?.type === 'entity.too.large') {
    return new ScimError(413, 'The body is larger than 1 MB.', 'tooMany');
  }
  if (bodyError?.status && bodyError.status >= 400 && bodyError.status < 500) {
    return new ScimError(bodyError.status, 'The request could not be read.', 'invalidSyntax');
  }

  return undefined;
}
