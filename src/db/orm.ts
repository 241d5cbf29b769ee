import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { entities } from './entities';
import { migrationsList } from './migrations';

export interface OrmOptions {
  url: string;
  /** The embedded database serves one connection at a time. */
  poolMax?: number;
  debug?: boolean;
  /** Open lazily, on the first query, instead of at start. */
  lazy?: boolean;
}

export function ormConfig({ url, poolMax = 10, debug = false, lazy = false }: OrmOptions): Options {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl: url,
    connect: !lazy,
    entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true },
    pool: { min: 0, max: poolMax },
    debug,
    // Requests fork their own EntityManager; touching the global one is a bug.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  });
}

export async function openOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();

  return applied.map((migration) => migration.name);
}
