import type { EntityManager, MikroORM, QueryResult } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { MailMessage } from './mail-message.entity';
import { createMailTransport, type MailTransport } from './mail-transport';
import type { MailOutbox } from './outbox';

/** How a worker paces itself; the defaults suit production. */
export interface MailWorkerTuning {
  /** How often to look for due messages when nobody calls `wake()`. */
  pollIntervalMs?: number;
  /** Messages claimed by one statement and sent side by side. */
  batchSize?: number;
  /** How long a claim lasts; a message still SENDING after that is taken over by any instance. */
  claimMs?: number;
}

export interface MailWorkerOptions extends MailWorkerTuning {
  orm: MikroORM;
  outbox: MailOutbox;
  /** Owned by the worker: closed by `stop()`. */
  transport: MailTransport;
  log: Logger;
  from: string;
  maxAttempts: number;
  retryBaseMs: number;
}

export type MailConfig = Pick<
  Config,
  'smtpUrl' | 'mailFrom' | 'mailMaxAttempts' | 'mailRetryBaseMs' | 'dataDir' | 'nodeEnv'
>;

const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

// One statement claims the due messages. SKIP LOCKED lets instances claim side by side without
// waiting on or taking each other's rows; the array subquery runs once, so the rows updated
// are exactly the rows it locked. A row left SENDING by a crashed instance is due again once
// its claim expires. `now()` is the database's clock, the same for every instance.
const CLAIM_SQL = `
  update mail_message
  set status = 'SENDING', attempts = attempts + 1,
    locked_until = now() + ? * interval '1 millisecond'
  where id = any(array(
    select id from mail_message
    where (status = 'PENDING' and next_attempt_at <= now())
      or (status = 'SENDING' and locked_until < now())
    order by next_attempt_at
    limit ?
    for update skip locked))
  returning *`;

// Each outcome is recorded only while the claim is still ours: `attempts` identifies the claim,
// so an instance whose claim expired and was taken over cannot overwrite the newer outcome.
const OURS = `where id = ? and status = 'SENDING' and attempts = ?`;

// The body carries one-time links; once it can no longer be sent, it is not kept.
const MARK_SENT_SQL = `
  update mail_message
  set status = 'SENT', sent_at = now(), body_sealed = null, locked_until = null
  ${OURS}`;

const MARK_RETRY_SQL = `
  update mail_message
  set status = 'PENDING', locked_until = null, last_error = ?,
    next_attempt_at = now() + ? * interval '1 millisecond'
  ${OURS}`;

const MARK_FAILED_SQL = `
  update mail_message
  set status = 'FAILED', locked_until = null, last_error = ?, body_sealed = null
  ${OURS}`;

/**
 * Delivers the mail outbox from inside the server process. Any number of instances may run
 * against one database: a message is claimed by one of them at a time, so it is sent once,
 * unless an instance stops between the relay accepting it and the row being marked SENT; then
 * it is sent again once the claim expires (at least once, never lost).
 */
export class MailWorker {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly claimMs: number;
  private running = false;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private wokenWhileBusy = false;

  constructor(private readonly options: MailWorkerOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 10;
    this.claimMs = options.claimMs ?? 2 * 60 * 1000;
  }

  /** The worker the configuration describes: SMTP when SMTP_URL is set, else `.eml` files. */
  static fromConfig(
    config: MailConfig,
    deps: Pick<MailWorkerOptions, 'orm' | 'outbox' | 'log'>,
    tuning: MailWorkerTuning = {},
  ): MailWorker {
    return new MailWorker({
      ...deps,
      ...tuning,
      transport: createMailTransport(config, deps.log),
      from: config.mailFrom,
      maxAttempts: config.mailMaxAttempts,
      retryBaseMs: config.mailRetryBaseMs,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Looks for due mail now rather than at the next poll; safe to call at any time. */
  wake(): void {
    if (!this.running) return;
    if (this.inFlight) {
      this.wokenWhileBusy = true;
    } else {
      this.schedule(0);
    }
  }

  /** Stops polling, waits for the batch being sent, then closes the transport. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
    await this.options.transport.close?.();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // Polling alone must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!this.running || this.inFlight) return;
    this.wokenWhileBusy = false;
    this.inFlight = this.drain();
    await this.inFlight;
    this.inFlight = undefined;
    if (this.running) this.schedule(this.wokenWhileBusy ? 0 : this.pollIntervalMs);
  }

  /** Sends batches until one comes back short, so a backlog does not wait for the next poll. */
  private async drain(): Promise<void> {
    try {
      let claimed: number;
      do {
        claimed = await this.runBatch();
      } while (this.running && claimed === this.batchSize);
    } catch (error) {
      this.options.log.error({ err: error }, 'mail worker batch failed');
    }
  }

  private async runBatch(): Promise<number> {
    const em = this.options.orm.em.fork();
    const rows = await em
      .getConnection()
      .execute<Record<string, unknown>[]>(CLAIM_SQL, [this.claimMs, this.batchSize]);
    // Raw rows carry timestamps as strings; mapping them gives typed entities to work with.
    const messages = rows.map((row) => em.map(MailMessage, row));
    // Settled, not raced: every claimed message gets its outcome recorded before `stop()` returns.
    const outcomes = await Promise.allSettled(messages.map((m) => this.deliver(em, m)));
    const unrecorded = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (unrecorded) throw unrecorded.reason;

    return messages.length;
  }

  private async deliver(em: EntityManager, message: MailMessage): Promise<void> {
    try {
      const body = this.options.outbox.openBody(message);
      await this.options.transport.send({
        id: message.id,
        createdAt: message.createdAt,
        from: this.options.from,
        to: message.recipient,
        subject: message.subject,
        text: body.text,
        html: body.html,
      });
    } catch (error) {
      await this.recordFailure(em, message, error);
      return;
    }
    await this.record(em, message, MARK_SENT_SQL, []);
    this.options.log.info(
      { mailId: message.id, kind: message.kind, attempts: message.attempts },
      'mail sent',
    );
  }

  private async recordFailure(em: EntityManager, message: MailMessage, error: unknown) {
    const { log, maxAttempts, retryBaseMs } = this.options;
    const { id: mailId, kind, attempts } = message;
    // Only the error's message is stored and logged, never the body: its link is a credential.
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
    if (attempts >= maxAttempts) {
      await this.record(em, message, MARK_FAILED_SQL, [reason]);
      log.error({ mailId, kind, attempts, reason }, 'mail delivery failed');
      return;
    }
    const retryInMs = Math.min(retryBaseMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
    await this.record(em, message, MARK_RETRY_SQL, [reason, retryInMs]);
    log.warn({ mailId, kind, attempts, retryInMs, reason }, 'mail delivery will be retried');
  }

  private async record(
    em: EntityManager,
    message: MailMessage,
    sql: string,
    values: unknown[],
  ): Promise<void> {
    const result = await em
      .getConnection()
      .execute<QueryResult>(sql, [...values, message.id, message.attempts], 'run');
    if (result.affectedRows === 0) {
      // The claim expired mid-send and another instance took the message over; its outcome
      // stands. Seeing this means claimMs is shorter than a delivery attempt can take.
      this.options.log.warn(
        { mailId: message.id, attempts: message.attempts },
        'mail claim lost before its outcome was recorded',
      );
    }
  }
}
