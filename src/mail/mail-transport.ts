import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, type SendMailOptions } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config';

/** One message ready to leave the gateway. */
export interface OutgoingMail {
  /** The outbox row's id: it names the .eml file and makes the Message-ID stable across retries. */
  id: string;
  createdAt: Date;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Where mail goes. `send` resolves once the message is accepted, and rejects otherwise. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close?(): Promise<void>;
}

/** SMTP when `SMTP_URL` is set; otherwise `.eml` files under `<DATA_DIR>/mail/`. */
export function createMailTransport(
  config: Pick<Config, 'smtpUrl' | 'dataDir' | 'nodeEnv'>,
  log: Logger,
): MailTransport {
  if (config.smtpUrl) return new SmtpMailTransport(config.smtpUrl);

  // Only the file's path is logged, never the message: it holds a one-time link, and the path
  // is all a developer needs to open it.
  const announce = config.nodeEnv === 'development' ? log : undefined;

  return new FileMailTransport(join(resolve(config.dataDir), 'mail'), announce);
}

/** Delivers through an SMTP relay, one connection per message. */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: ReturnType<typeof createTransport>;

  constructor(url: string) {
    // nodemailer waits up to 2 min to connect and 10 min on a silent socket by default; the
    // worker's claim on a message must outlast one attempt, so an attempt is kept short.
    this.transporter = createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail(toNodemailer(mail));
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

/** Writes each message as an RFC 822 `.eml` file, for development without a mail server. */
export class FileMailTransport implements MailTransport {
  private readonly composer = createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });

  constructor(
    readonly directory: string,
    private readonly log?: Logger,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    const rendered = await this.composer.sendMail(toNodemailer(mail));
    const file = join(this.directory, `${fileStamp(mail.createdAt)}-${mail.id}.eml`);
    const partial = `${file}.partial`;
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // Written aside and renamed so that a reader never sees half a message. A retry after a
    // crash rewrites the same name, so this transport never shows a message twice.
    await writeFile(partial, rendered.message as Buffer, { mode: 0o600 });
    await rename(partial, file);
    this.log?.info({ mailId: mail.id, file }, 'mail written to file');
  }
}

function toNodemailer(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // A retry after an unrecorded success sends the same Message-ID, so mail clients that
    // deduplicate on it show the message once.
    messageId: `<${mail.id}@${domainOf(mail.from)}>`,
  };
}

function domainOf(address: string): string {
  return /@([^\s>]+)>?\s*$/.exec(address)?.[1] ?? 'identity-gateway.invalid';
}

/** `20261203T134501123Z`: sorts like the time and is a valid file name everywhere. */
const fileStamp = (date: Date): string => date.toISOString().replace(/[-:.]/g, '');
