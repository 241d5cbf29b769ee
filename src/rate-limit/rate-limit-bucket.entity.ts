import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

/**
 * The count of attempts (or failures) one subject made under one rate limit, kept in PostgreSQL
 * so that every instance of the gateway counts against the same limit. The subject (an email,
 * an IP address, an invitation id) is stored only as a keyed fingerprint.
 */
@Entity({ tableName: 'rate_limit_bucket' })
@Unique({
  name: 'rate_limit_bucket_subject_unique',
  properties: ['tenant', 'scope', 'subjectHash'],
})
export class RateLimitBucket {
  [OptionalProps]?: 'hits' | 'lockouts' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  /** Which limit, e.g. `sign_in.account`. */
  @Property({ type: 'string', length: 50 })
  scope!: string;

  @Property({ type: 'string', length: 64 })
  subjectHash!: string;

  /** Attempts or failures counted since `windowStartedAt`. */
  @Property({ type: 'integer' })
  hits = 0;

  @Property({ type: 'datetime' })
  windowStartedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  blockedUntil?: Date | null;

  /** Lockouts in a row; each lasts twice as long as the one before. */
  @Property({ type: 'integer' })
  lockouts = 0;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
