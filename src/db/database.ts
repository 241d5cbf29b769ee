import { resolve } from 'node:path';
import type { Config } from '../config';
import { startEmbeddedDatabase } from './embedded';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The configured PostgreSQL server, or the embedded one persisted under the data directory. */
export async function openDatabase(config: Config): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  }
  const embedded = await startEmbeddedDatabase(resolve(config.dataDir));

  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
