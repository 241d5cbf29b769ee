import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type Express, type Request } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors';
import { createContext, type GraphQLContext } from '../graphql/context';
import { createErrorFormatter } from '../graphql/format-error';
import { createSchema } from '../graphql/schema';
import { looksLikeJwt } from '../identity-provider/idp-token.authenticator';
import type { Runtime } from '../runtime';
import { createScimRouter } from '../scim/scim.router';
import { createServices, type Services } from '../services';
import { createSignInRouter } from '../sso/sign-in.router';
import { requestId } from './request-id';

export interface AppDeps {
  orm: MikroORM;
  log: Logger;
  runtime: Runtime;
  httpServer: Server;
}

export interface App {
  express: Express;
  apollo: ApolloServer<GraphQLContext>;
}

const READY_TIMEOUT_MS = 2_000;

export async function createApp({ orm, log, runtime, httpServer }: AppDeps): Promise<App> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await createSchema(),
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown: it stops HTTP first, then the ORM and the database, in order.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No response is cacheable by an HTTP cache, and the plugin would wrap every field.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy the client's address is in X-Forwarded-For; per-network rate limits
  // need it, and must not trust the header when no proxy sets it.
  app.set('trust proxy', runtime.settings.trustProxy ?? false);
  app.use(requestId);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = req.originalUrl.split('?')[0];
      log.info({ method: req.method, path, status: res.statusCode, ms }, 'request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(orm.em.fork().getConnection().execute('select 1'), READY_TIMEOUT_MS);
      res.json({ status: 'ready' });
    } catch (error) {
      log.warn({ err: error }, 'database not reachable');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('cache-control', 'public, max-age=300');
    res.json(runtime.sessionKeys.jwks());
  });

  app.use('/scim/v2/:tenantSlug', createScimRouter(orm, runtime, log));

  app.use('/auth/:tenantSlug', createSignInRouter(orm, runtime, log));

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const em = orm.em.fork();
        const meta = {
          requestId: res.locals.requestId,
          ip: req.ip ?? null,
          userAgent: req.header('user-agent') ?? null,
        };
        const actor = await authenticate(req, createServices(em, runtime, meta));

        return createContext(em, runtime, actor, meta);
      },
    }),
  );

  return { express: app, apollo };
}

/** A request without a token is anonymous; one with a bad token is refused outright. */
async function authenticate(req: Request, services: Services) {
  const header = req.header('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    throw DomainError.unauthenticated(
      'The Authorization header must be "Bearer <access token>".',
    ).toGraphQL();
  }
  try {
    const token = match[1];
    if (looksLikeJwt(token)) {
      // The gateway's own session tokens name PUBLIC_URL as issuer; any other is an IdP's.
      if (services.sessions.issuedHere(token)) return await services.sessions.authenticate(token);

      return await services.idpTokens.authenticate(token, req.header('x-tenant'));
    }

    return await services.accessTokens.authenticate(token);
  } catch (error) {
    throw error instanceof DomainError ? error.toGraphQL() : error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
