import type { MikroORM } from '@mikro-orm/postgresql';
import { migrate, openOrm } from '../src/db/orm';
import { createTestDatabase, type TestDatabase } from './helpers/database';

let database: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  database = await createTestDatabase();
  orm = await openOrm({ url: database.url, poolMax: 1 });
});

afterAll(async () => {
  await orm?.close();
  await database?.drop();
});

describe('migrations', () => {
  it('build exactly the schema the entities describe', async () => {
    const applied = await migrate(orm);
    const drift = await orm.schema.getUpdateSchemaSQL({ wrap: false });

    expect(applied.length).toBeGreaterThan(0);
    expect(drift.trim()).toBe('');
  });

  it('apply nothing the second time', async () => {
    expect(await migrate(orm)).toEqual([]);
  });

  it('roll back to an empty database and forward again', async () => {
    await orm.getMigrator().down({ to: 0 });
    const tables = await orm.em
      .fork()
      .getConnection()
      .execute(`select table_name from information_schema.tables where table_schema = 'public'`);
    expect(tables.map((row) => row.table_name)).toEqual(['mikro_orm_migrations']);

    await migrate(orm);
    expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
  });
});
