import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Announcement {
  pid: number;
  url: string;
}

const ANNOUNCEMENT = 'embedded-postgres.json';

/**
 * Runs PostgreSQL in-process (PGlite, compiled to WebAssembly) and serves it on a loopback
 * socket, so the app reaches it through the same `@mikro-orm/postgresql` driver as a real
 * server. With no `dataDir` the database lives in memory.
 *
 * PGlite is single-user: only one process may open a data directory. The process that opens it
 * writes its socket address next to the data, and a second process (the CLI while the server
 * runs) connects to that socket instead of opening the directory again.
 */
export async function startEmbeddedDatabase(dataDir?: string): Promise<EmbeddedDatabase> {
  const running = dataDir ? findRunning(dataDir) : undefined;
  if (running) {
    return { url: running.url, stop: async () => {} };
  }

  const pgDir = dataDir ? join(dataDir, 'pg') : undefined;
  if (pgDir) mkdirSync(pgDir, { recursive: true });
  const db = await PGlite.create(pgDir ? { dataDir: pgDir } : {});
  // The queue inside the socket server keeps each connection's transaction exclusive.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres`;
  if (dataDir) {
    const announcement: Announcement = { pid: process.pid, url };
    writeFileSync(join(dataDir, ANNOUNCEMENT), JSON.stringify(announcement));
  }

  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
      if (dataDir) rmSync(join(dataDir, ANNOUNCEMENT), { force: true });
    },
  };
}

function findRunning(dataDir: string): Announcement | undefined {
  try {
    const announcement = JSON.parse(
      readFileSync(join(dataDir, ANNOUNCEMENT), 'utf8'),
    ) as Announcement;
    if (announcement.pid === process.pid) return undefined;
    process.kill(announcement.pid, 0);

    return announcement;
  } catch {
    return undefined;
  }
}
