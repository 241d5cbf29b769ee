import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createLogger } from '../src/logger';
import { MailWorker } from '../src/mail/mail.worker';
import { type MailMessage, MailStatus } from '../src/mail/mail-message.entity';
import { SmtpMailTransport } from '../src/mail/mail-transport';
import { invitationMail } from '../src/mail/templates';
import { Tenant } from '../src/tenant/tenant.entity';
import { TestGateway, type TestMailOptions } from './helpers/gateway';
import { type ReceivedMail, TestSmtpServer } from './helpers/smtp';

interface MailRow {
  id: string;
  recipient: string;
  status: string;
  attempts: number;
  body_sealed: string | null;
  last_error: string | null;
  sent_at: string | null;
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Retries within milliseconds, so a relay that comes back is noticed at once. */
const FAST: TestMailOptions = { mailRetryBaseMs: 20, mailMaxAttempts: 20, pollIntervalMs: 25 };

const inviteLink = () => `http://gateway.test/invitations/accept/${randomUUID()}`;

/** Queues an invitation as a service would: in a transaction, then wakes the worker. */
async function queueInvitation(
  gateway: TestGateway,
  tenantId: string,
  recipient: string,
  link = inviteLink(),
  /** Runs before the commit, to put the row in the state a test starts from. */
  prepare: (message: MailMessage) => void = () => {},
): Promise<string> {
  const message = await gateway.orm.em.fork().transactional(async (em) => {
    const queued = gateway.runtime.outbox.enqueue(
      em,
      em.getReference(Tenant, tenantId),
      'invitation',
      recipient,
      invitationMail({
        tenantName: 'Mail Co',
        inviterEmail: 'admin@mail.test',
        link,
        expiresAt: new Date('2030-01-01T00:00:00Z'),
      }),
    );
    prepare(queued);

    return queued;
  });
  gateway.runtime.outbox.notify();

  return message.id;
}

/** The state a message is left in when the instance that claimed it stops mid-send. */
const claimedUntil =
  (lockedUntil: Date) =>
  (message: MailMessage): void => {
    message.status = MailStatus.SENDING;
    message.attempts = 1;
    message.lockedUntil = lockedUntil;
  };

async function mailRows(gateway: TestGateway): Promise<MailRow[]> {
  return gateway.orm.em
    .fork()
    .getConnection()
    .execute<MailRow[]>(
      `select id, recipient, status, attempts, body_sealed, last_error, sent_at
       from mail_message order by created_at`,
    );
}

/** Polls the outbox until `accept` holds for the rows that pass `filter`. */
async function waitForRows(
  gateway: TestGateway,
  filter: (row: MailRow) => boolean,
  accept: (rows: MailRow[]) => boolean,
  timeoutMs = 15_000,
): Promise<MailRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await mailRows(gateway)).filter(filter);
    if (accept(rows)) return rows;
    if (Date.now() > deadline) {
      throw new Error(`outbox did not reach the expected state: ${JSON.stringify(rows)}`);
    }
    await new Promise((wake) => setTimeout(wake, 25));
  }
}

const allSent = (rows: MailRow[]) => rows.every((row) => row.status === 'SENT');

const deliveriesTo = (received: ReceivedMail[], address: string) =>
  received.filter((mail) => mail.to.includes(address)).length;

const logLines = (gateway: TestGateway): LogLine[] =>
  gateway.logLines.map((line) => JSON.parse(line) as LogLine);

describe('mail delivery over SMTP', () => {
  let smtp: TestSmtpServer;
  let gateway: TestGateway;
  let tenantId: string;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    gateway = await TestGateway.start({ ...FAST, smtpUrl: smtp.url, batchSize: 3 });
    tenantId = (await gateway.bootstrap('mail-smtp')).tenantId;
  });

  afterAll(async () => {
    await gateway?.stop();
    await smtp?.stop();
  });

  it('delivers an invitation once with its subject, text, HTML and link intact', async () => {
    const link = inviteLink();
    const id = await queueInvitation(gateway, tenantId, 'ann@mail.test', link);

    await waitForRows(gateway, (row) => row.id === id, allSent);
    const [mail, ...others] = smtp.received.filter((m) => m.to.includes('ann@mail.test'));

    expect(others).toEqual([]);
    expect(mail.subject).toBe('You are invited to Mail Co');
    expect(mail.text).toContain(`Accept it here: ${link}`);
    expect(mail.html).toContain(`<a href="${link}">Accept the invitation</a>`);
    expect(mail.messageId).toBe(`<${id}@localhost>`);
    expect(gateway.logLines.join('\n')).not.toContain(link);
  });

  it('marks a delivered message SENT and clears its sealed body', async () => {
    const id = await queueInvitation(gateway, tenantId, 'ben@mail.test');

    const [row] = await waitForRows(gateway, (r) => r.id === id, allSent);

    expect(row).toMatchObject({ status: 'SENT', attempts: 1, body_sealed: null });
    expect(row.sent_at).not.toBeNull();
  });

  it('delivers mail queued while the relay was down exactly once after it returns', async () => {
    const recipients = ['cy@mail.test', 'dee@mail.test', 'eve@mail.test'];
    const queued = new Set<string>();
    await smtp.stop();
    try {
      for (const to of recipients) queued.add(await queueInvitation(gateway, tenantId, to));
      await waitForRows(
        gateway,
        (row) => queued.has(row.id),
        (rows) => rows.every((row) => row.status === 'PENDING' && row.last_error !== null),
      );
    } finally {
      await smtp.restart();
    }

    const rows = await waitForRows(gateway, (row) => queued.has(row.id), allSent);

    expect(rows).toHaveLength(3);
    for (const to of recipients) expect(deliveriesTo(smtp.received, to)).toBe(1);
  });

  it('takes over a message whose claim expired without an outcome', async () => {
    const expired = claimedUntil(new Date(Date.now() - 1_000));
    const id = await queueInvitation(gateway, tenantId, 'hal@mail.test', inviteLink(), expired);

    const [row] = await waitForRows(gateway, (r) => r.id === id, allSent);

    expect(row.attempts).toBe(2);
    expect(deliveriesTo(smtp.received, 'hal@mail.test')).toBe(1);
  });

  it('leaves alone a message another instance is still sending', async () => {
    const live = claimedUntil(new Date(Date.now() + 60 * 60 * 1000));
    const id = await queueInvitation(gateway, tenantId, 'ida@mail.test', inviteLink(), live);
    // Several polls and a wake-up go by; none may touch the row.
    await new Promise((wake) => setTimeout(wake, 300));

    const [row] = (await mailRows(gateway)).filter((r) => r.id === id);

    expect(row).toMatchObject({ status: 'SENDING', attempts: 1 });
    expect(deliveriesTo(smtp.received, 'ida@mail.test')).toBe(0);
  });

  it('sends nothing for mail queued in a transaction that rolled back', async () => {
    const transaction = gateway.orm.em.fork().transactional(async (em) => {
      gateway.runtime.outbox.enqueue(
        em,
        em.getReference(Tenant, tenantId),
        'invitation',
        'gone@mail.test',
        invitationMail({
          tenantName: 'Mail Co',
          inviterEmail: null,
          link: inviteLink(),
          expiresAt: new Date('2030-01-01T00:00:00Z'),
        }),
      );
      await em.flush();
      throw new Error('the change that queued the mail failed');
    });
    await expect(transaction).rejects.toThrow('the change that queued the mail failed');
    gateway.runtime.outbox.notify();
    // Mail queued after the rollback arrives; had the rolled-back one survived, it would too.
    const marker = await queueInvitation(gateway, tenantId, 'after-rollback@mail.test');
    await waitForRows(gateway, (row) => row.id === marker, allSent);

    expect(deliveriesTo(smtp.received, 'gone@mail.test')).toBe(0);
    expect((await mailRows(gateway)).filter((row) => row.recipient === 'gone@mail.test')).toEqual(
      [],
    );
  });

  it('delivers 20 messages exactly once with two workers claiming side by side', async () => {
    const second = new MailWorker({
      orm: gateway.orm,
      outbox: gateway.runtime.outbox,
      transport: new SmtpMailTransport(smtp.url),
      log: createLogger('silent'),
      from: 'Second <no-reply@mail.test>',
      maxAttempts: 20,
      retryBaseMs: 20,
      pollIntervalMs: 25,
      batchSize: 3,
    });
    second.start();
    const recipients = Array.from({ length: 20 }, (_, i) => `crowd-${i}@mail.test`);
    try {
      const queued = new Set(
        await Promise.all(recipients.map((to) => queueInvitation(gateway, tenantId, to))),
      );
      second.wake();

      const rows = await waitForRows(gateway, (row) => queued.has(row.id), allSent);

      expect(rows).toHaveLength(20);
      // One claim each: no message was taken by both workers.
      expect(rows.every((row) => row.attempts === 1)).toBe(true);
      for (const to of recipients) expect(deliveriesTo(smtp.received, to)).toBe(1);
    } finally {
      await second.stop();
    }
  });
});

describe('mail delivery to a relay that keeps refusing', () => {
  let gateway: TestGateway;
  let tenantId: string;

  beforeAll(async () => {
    const gone = await TestSmtpServer.start();
    await gone.stop();
    gateway = await TestGateway.start({ ...FAST, mailMaxAttempts: 3, smtpUrl: gone.url });
    tenantId = (await gateway.bootstrap('mail-refused')).tenantId;
  });

  afterAll(() => gateway?.stop());

  it('marks a message FAILED after its last attempt and logs it without the link', async () => {
    const link = inviteLink();
    const id = await queueInvitation(gateway, tenantId, 'fay@mail.test', link);

    const [row] = await waitForRows(
      gateway,
      (r) => r.id === id,
      (rows) => rows[0]?.status === 'FAILED',
    );
    const failures = logLines(gateway).filter((line) => line.msg === 'mail delivery failed');

    expect(row).toMatchObject({ attempts: 3, body_sealed: null });
    expect(row.last_error).toMatch(/ECONNREFUSED/);
    expect(failures).toEqual([
      expect.objectContaining({ level: 50, mailId: id, kind: 'invitation', attempts: 3 }),
    ]);
    expect(gateway.logLines.join('\n')).not.toContain(link);
  });
});

describe('mail delivery without an SMTP relay', () => {
  let dataDir: string;
  let gateway: TestGateway;
  let tenantId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'igw-mail-test-'));
    gateway = await TestGateway.start({ ...FAST, dataDir, nodeEnv: 'development' });
    tenantId = (await gateway.bootstrap('mail-files')).tenantId;
  });

  afterAll(async () => {
    await gateway?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes each message as a parseable .eml file and logs only its path', async () => {
    const link = inviteLink();
    const id = await queueInvitation(gateway, tenantId, 'gus@mail.test', link);

    await waitForRows(gateway, (row) => row.id === id, allSent);
    const files = await readdir(join(dataDir, 'mail'));
    const file = join(dataDir, 'mail', files[0]);
    const parsed = await simpleParser(await readFile(file));
    const written = logLines(gateway).filter((line) => line.msg === 'mail written to file');

    expect(files).toEqual([expect.stringMatching(new RegExp(`^\\d{8}T\\d{9}Z-${id}\\.eml$`))]);
    expect(parsed.subject).toBe('You are invited to Mail Co');
    expect(parsed.text).toContain(link);
    expect(parsed.html).toContain(`<a href="${link}">`);
    expect(written).toEqual([expect.objectContaining({ level: 30, mailId: id, file })]);
    expect(gateway.logLines.join('\n')).not.toContain(link);
  });
});
