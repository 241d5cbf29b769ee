import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../common/secret-box';
import type { Tenant } from '../tenant/tenant.entity';
import { MailMessage } from './mail-message.entity';
import type { RenderedMail } from './templates';

export interface MailBody {
  text: string;
  html: string;
}

/**
 * Queues mail in the caller's transaction: the message exists exactly when the change that
 * caused it commits. The mail worker delivers it.
 */
export class MailOutbox {
  constructor(
    private readonly secrets: SecretBox,
    /** Called after a commit that queued mail, so a worker in this process sends it at once. */
    private readonly onQueued: () => void = () => {},
  ) {}

  enqueue(
    em: EntityManager,
    tenant: Tenant | null,
    kind: string,
    recipient: string,
    mail: RenderedMail,
  ): MailMessage {
    const body: MailBody = { text: mail.text, html: mail.html };
    const message = em.create(MailMessage, {
      tenant,
      kind,
      recipient,
      subject: mail.subject,
      bodySealed: this.secrets.seal(JSON.stringify(body)),
    });

    return message;
  }

  /** Wakes the worker; call once the transaction that queued mail has committed. */
  notify(): void {
    this.onQueued();
  }

  openBody(message: MailMessage): MailBody {
    if (!message.bodySealed) throw new Error(`mail ${message.id} has no body left to send`);

    return JSON.parse(this.secrets.open(message.bodySealed)) as MailBody;
  }
}
