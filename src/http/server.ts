import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Runtime } from '../runtime';
import { createApp } from './app';

export interface RunningServer {
  url: string;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

export interface ServerOptions {
  orm: MikroORM;
  log: Logger;
  runtime: Runtime;
  port: number;
  host?: string;
}

export async function startHttpServer({
  orm,
  log,
  runtime,
  port,
  host = '0.0.0.0',
}: ServerOptions): Promise<RunningServer> {
  const httpServer = createServer();
  const app = await createApp({ orm, log, runtime, httpServer });
  httpServer.on('request', app.express);
  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const address = httpServer.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;

  return {
    url: `http://${shownHost}:${address.port}`,
    async close(graceMs = 10_000) {
      // Connections still open after the grace period are cut so shutdown stays bounded.
      const force = setTimeout(() => httpServer.closeAllConnections(), graceMs);
      try {
        await app.apollo.stop();
        if (httpServer.listening) {
          await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        }
      } finally {
        clearTimeout(force);
      }
    },
  };
}
