import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The envelope's recipients: where the relay would deliver it. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId?: string;
}

/**
 * A real SMTP server on loopback that keeps what it receives. It can be stopped and started
 * again on the same port, to play a relay that goes away while mail is queued.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server?: SMTPServer;

  private constructor(private port: number) {}

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(0);
    await smtp.restart();

    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Listens again, on the port it had before. */
  async restart(): Promise<void> {
    const server = new SMTPServer({
      // Plain SMTP with no login, like a local catcher; STARTTLS would offer smtp-server's
      // built-in test certificate, which nodemailer rightly refuses.
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 1_000,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.received.push({
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html || '',
              messageId: parsed.messageId,
            });
            callback();
          })
          .catch(callback);
      },
    });
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening; a client that connects now is refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  /** Resolves once `predicate` holds for the mail received so far; rejects after `timeoutMs`. */
  async waitFor(
    predicate: (received: ReceivedMail[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) {
        const subjects = JSON.stringify(this.received.map((mail) => mail.subject));
        throw new Error(`expected mail did not arrive within ${timeoutMs} ms; got ${subjects}`);
      }
      await new Promise((wake) => setTimeout(wake, 20));
    }

    return this.received;
  }
}
