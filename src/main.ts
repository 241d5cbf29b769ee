import 'reflect-metadata';
import { resolveSecretKey } from './common/secret-key';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrate, openOrm } from './db/orm';
import { startHttpServer } from './http/server';
import { createLogger } from './logger';
import { MailWorker } from './mail/mail.worker';
import { createRuntime } from './runtime';
import { resolveSigningKey } from './session/signing-key';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config);
  const orm = await openOrm({ url: database.url, poolMax: database.embedded ? 1 : 10 });
  const applied = await migrate(orm);
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');

  const runtime = createRuntime(
    config,
    resolveSecretKey(config),
    () => mailWorker.wake(),
    resolveSigningKey(config),
  );
  const mailWorker = MailWorker.fromConfig(config, { orm, log, outbox: runtime.outbox });
  mailWorker.start();
  const server = await startHttpServer({ orm, log, runtime, port: config.port });
  log.info(
    { url: server.url, embeddedDatabase: database.embedded, publicUrl: config.publicUrl },
    'gateway listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await server.close();
    await mailWorker.stop();
    await orm.close();
    await database.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`failed to start: ${error instanceof Error ? error.stack : error}\n`);
  }
  process.exit(1);
});
