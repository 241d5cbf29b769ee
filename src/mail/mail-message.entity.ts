import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

export enum MailStatus {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

/**
 * The transactional outbox: a message is written in the same transaction as the change that
 * causes it, and the mail worker delivers it afterwards. The body carries one-time links, so it
 * is stored sealed and cleared once the message is sent.
 */
@Entity({ tableName: 'mail_message' })
@Index({
  name: 'mail_message_due_idx',
  expression:
    'create index "mail_message_due_idx" on "mail_message" ("next_attempt_at") ' +
    "where \"status\" in ('PENDING', 'SENDING')",
})
export class MailMessage {
  [OptionalProps]?: 'status' | 'attempts' | 'nextAttemptAt' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { nullable: true, deleteRule: 'cascade' })
  tenant?: Tenant | null;

  /** What the message is, e.g. `invitation` or `password_reset`, for logs and tests. */
  @Property({ type: 'string', length: 50 })
  kind!: string;

  @Property({ type: 'string', length: 320 })
  recipient!: string;

  @Property({ type: 'text' })
  subject!: string;

  /** `{ text, html }`, sealed; null once sent. */
  @Property({ type: 'text', nullable: true })
  bodySealed?: string | null;

  @Enum({ items: () => MailStatus, nativeEnumName: 'mail_status' })
  status: MailStatus = MailStatus.PENDING;

  @Property({ type: 'integer' })
  attempts = 0;

  @Property({ type: 'datetime' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lockedUntil?: Date | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
