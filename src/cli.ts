import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from './common/errors';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrate, openOrm } from './db/orm';
import { createServices } from './services';
import { TenantRole } from './user/user.entity';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  migrate                                                     apply pending migrations
  bootstrap --tenant <slug> --name <name> --admin-email <email>
                                                              create a tenant and its first ADMIN
  create-token --tenant <slug> --email <email> [--name <token name>]
                                                              a token for an ACTIVE user
  create-user --tenant <slug> --email <email> --role ADMIN|MEMBER
                                                              create an ACTIVE user (break-glass)
`;

class UsageError extends Error {}

type Options = Record<string, string | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (!value) throw new UsageError(`missing --${name}`);

  return value;
}

const commands: Record<string, (em: EntityManager, options: Options) => Promise<object | null>> = {
  migrate: async () => null,

  async bootstrap(em, options) {
    const result = await createServices(em).tenants.bootstrap({
      slug: required(options, 'tenant'),
      name: required(options, 'name'),
      adminEmail: required(options, 'admin-email'),
    });

    return {
      tenantId: result.tenant.id,
      tenantSlug: result.tenant.slug,
      adminUserId: result.admin.id,
      token: result.token,
    };
  },

  async 'create-token'(em, options) {
    const services = createServices(em);
    const tenant = await services.tenants.findBySlug(required(options, 'tenant'));
    const user = await services.users.findActiveByEmail(tenant, required(options, 'email'));
    const { token } = await em.transactional(async (tx) => {
      const created = createServices(tx).accessTokens.issue(tenant, user, options.name ?? 'cli');
      await tx.flush();

      return created;
    });

    return { token };
  },

  async 'create-user'(em, options) {
    const role = required(options, 'role').toUpperCase();
    if (role !== TenantRole.ADMIN && role !== TenantRole.MEMBER) {
      throw new UsageError(`--role must be ADMIN or MEMBER; received "${options.role}"`);
    }
    const services = createServices(em);
    const tenant = await services.tenants.findBySlug(required(options, 'tenant'));
    const user = await services.users.createActive(tenant, required(options, 'email'), role);

    return { userId: user.id };
  },
};

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = commands[positionals[0] ?? ''];
  if (values.help || !command || positionals.length !== 1) {
    process.stderr.write(USAGE);

    return values.help ? 0 : 2;
  }

  const config = loadConfig();
  const database = await openDatabase(config);
  const orm = await openOrm({ url: database.url, poolMax: 1 });
  try {
    await migrate(orm);
    const output = await command(orm.em.fork(), values as Options);
    if (output) process.stdout.write(`${JSON.stringify(output)}\n`);

    return 0;
  } finally {
    await orm.close();
    await database.stop();
  }
}

run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof DomainError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`error: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  });
