import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../common/errors';
import { newId } from '../common/ids';
import type { SecretBox } from '../common/secret-box';
import type { RateLimitRule } from './rate-limits';

/** One subject counted under one rule: an email, an IP address, an invitation id. */
export interface RateLimited {
  rule: RateLimitRule;
  subject: string;
}

interface CountedRow {
  hits: number;
  lockouts: number;
  /** Timestamps arrive as PostgreSQL's text, as the ORM's driver configures them. */
  window_started_at: string;
  now: string;
}

// Counts one hit in a single statement, so concurrent hits on one subject never lose a count.
// A window that has run out starts again at this hit; the lockout streak is forgotten after a
// quiet day. Every time is the database's, the same for every instance.
const COUNT_SQL = `
  insert into rate_limit_bucket as b
    (id, tenant_id, scope, subject_hash, hits, window_started_at, lockouts, updated_at)
  values (?, ?, ?, ?, 1, now(), 0, now())
  on conflict (tenant_id, scope, subject_hash) do update set
    hits = case when b.window_started_at <= now() - ? * interval '1 millisecond'
      then 1 else b.hits + 1 end,
    window_started_at = case when b.window_started_at <= now() - ? * interval '1 millisecond'
      then now() else b.window_started_at end,
    lockouts = case when b.updated_at <= now() - interval '1 day' then 0 else b.lockouts end,
    updated_at = now()
  returning hits, lockouts, window_started_at, now() as now`;

const LOCK_SQL = `
  update rate_limit_bucket
  set blocked_until = now() + ? * interval '1 millisecond', lockouts = lockouts + 1, hits = 0,
    window_started_at = now()
  where tenant_id = ? and scope = ? and subject_hash = ?`;

const BLOCKED_SQL = `
  select max(blocked_until) as blocked_until from rate_limit_bucket
  where tenant_id = ? and blocked_until > now() and (scope, subject_hash) in (%s)`;

/**
 * Rate limits kept in PostgreSQL, so that they hold across every instance of the gateway. Each
 * call runs in the caller's transaction.
 *
 * TODO(retention): delete buckets idle for a day once the gateway has a periodic maintenance job;
 * until then a bucket stays after its window, one row per subject ever counted.
 */
export class RateLimiter {
  constructor(private readonly secrets: SecretBox) {}

  /**
   * Counts one attempt under each rule and refuses it with RATE_LIMITED when any count is over
   * its limit. A refused or failed action rolls its transaction back, and its count with it.
   */
  async consume(em: EntityManager, tenantId: string, limits: RateLimited[]): Promise<void> {
    for (const limited of limits) {
      const row = await this.count(em, tenantId, limited);
      if (row.hits > limited.rule.limit) {
        const retryAt = new Date(new Date(row.window_started_at).getTime() + limited.rule.windowMs);
        throw DomainError.rateLimited(limited.rule.attempts, retryAt);
      }
    }
  }

  /**
   * Refuses with RATE_LIMITED while any of the subjects is locked out. The answer names no
   * subject, so it does not tell which limit was hit, nor whether an account exists.
   */
  async refuseIfLockedOut(
    em: EntityManager,
    tenantId: string,
    limits: RateLimited[],
    attempts: string,
  ): Promise<void> {
    const pairs = limits.map(() => '(?, ?)').join(', ');
    const params = limits.flatMap((limited) => [limited.rule.scope, this.fingerprint(limited)]);
    const [row]: { blocked_until: string | null }[] = await em.execute(
      BLOCKED_SQL.replace('%s', pairs),
      [tenantId, ...params],
    );
    if (row?.blocked_until) throw DomainError.rateLimited(attempts, new Date(row.blocked_until));
  }

  /**
   * Counts one failure under each rule. Reaching a rule's limit locks the subject out, for twice
   * as long as the lockout before it.
   */
  async recordFailure(em: EntityManager, tenantId: string, limits: RateLimited[]): Promise<void> {
    for (const limited of limits) {
      const { lockout, limit } = limited.rule;
      const row = await this.count(em, tenantId, limited);
      if (!lockout || row.hits < limit) continue;
      const duration = Math.min(lockout.firstMs * 2 ** row.lockouts, lockout.maxMs);
      await em.execute(LOCK_SQL, [
        duration,
        tenantId,
        limited.rule.scope,
        this.fingerprint(limited),
      ]);
    }
  }

  /** Forgets a subject's count and lockouts, e.g. once the owner of an account has proven it. */
  async forget(em: EntityManager, tenantId: string, limited: RateLimited): Promise<void> {
    await em.execute(
      'delete from rate_limit_bucket where tenant_id = ? and scope = ? and subject_hash = ?',
      [tenantId, limited.rule.scope, this.fingerprint(limited)],
    );
  }

  private async count(em: EntityManager, tenantId: string, limited: RateLimited) {
    const { scope, windowMs } = limited.rule;
    const [row]: CountedRow[] = await em.execute(COUNT_SQL, [
      newId(),
      tenantId,
      scope,
      this.fingerprint(limited),
      windowMs,
      windowMs,
    ]);

    return row;
  }

  private fingerprint(limited: RateLimited): string {
    return this.secrets.fingerprint(`${limited.rule.scope}:${limited.subject}`);
  }
}
