import {
  type EntityManager,
  type QueryBuilder,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
import { SYSTEM_ACTOR } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { normalizeEmail } from '../common/email';
import { DomainError, UserErrorCode } from '../common/errors';
import { isUuid } from '../common/ids';
import { readRows } from '../db/read-model';
import { type Page, type PageRequest, toPage } from '../graphql/pagination';
import type { ServiceDeps } from '../services';
import type { Tenant } from '../tenant/tenant.entity';
import { TenantRole, User, UserSource, UserStatus } from './user.entity';

export interface UserListFilter {
  status?: UserStatus | null;
  role?: TenantRole | null;
  teamId?: string | null;
  search?: string | null;
}

/** Escapes LIKE wildcards so a search for `a_b%` matches those characters literally. */
const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export class UserService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /** A user of the caller's tenant, or null: another tenant's id behaves like an unknown id. */
  async get(tenantId: string, id: string): Promise<User | null> {
    if (!isUuid(id)) return null;

    return this.em.findOne(User, { id, tenant: tenantId });
  }

  viewer(actor: Actor): Promise<User> {
    return this.em.findOneOrFail(User, { id: actor.userId, tenant: actor.tenantId });
  }

  async list(
    tenantId: string,
    page: PageRequest,
    filter: UserListFilter = {},
  ): Promise<Page<User>> {
    if (filter.teamId != null && !isUuid(filter.teamId)) {
      return toPage([], page.first, async () => 0);
    }
    const filtered = () =>
      this.applyFilter(this.em.createQueryBuilder(User, 'u'), tenantId, filter);
    const query = filtered()
      .orderBy({ id: 'asc' })
      .limit(page.first + 1);
    if (page.afterId) query.andWhere({ id: { $gt: page.afterId } });
    const rows = readRows(this.em, User, await query.execute('all', false));

    return toPage(rows, page.first, () => filtered().getCount());
  }

  private applyFilter(qb: QueryBuilder<User>, tenantId: string, filter: UserListFilter) {
    qb.where({ tenant: tenantId });
    if (filter.status) qb.andWhere({ status: filter.status });
    if (filter.role) qb.andWhere({ role: filter.role });
    if (filter.teamId) {
      qb.andWhere(
        'exists (select 1 from "team_membership" tm ' +
          'where tm.tenant_id = u.tenant_id and tm.user_id = u.id and tm.team_id = ?)',
        [filter.teamId],
      );
    }
    const search = filter.search?.trim().toLowerCase();
    if (search) {
      // Both sides are backed by text_pattern_ops indexes, so prefixes use index range scans.
      const prefix = `${escapeLike(search)}%`;
      qb.andWhere('(u.email like ? or lower(u.display_name) like ?)', [prefix, prefix]);
    }

    return qb;
  }

  /** The operator's break-glass: an ACTIVE user created outside every provisioning mode. */
  async createActive(tenant: Tenant, emailInput: string, role: TenantRole): Promise<User> {
    const email = normalizeEmail(emailInput);
    const exists = DomainError.alreadyExists('user', 'email', email);
    try {
      return await this.em.transactional(async (em) => {
        if (await em.count(User, { tenant, email })) throw exists;
        const user = em.create(User, {
          tenant,
          email,
          role,
          status: UserStatus.ACTIVE,
          source: UserSource.BOOTSTRAP,
        });
        this.deps.audit.record(em, tenant, SYSTEM_ACTOR, 'user.created', [
          { type: 'user', id: user.id, display: user.email },
        ]);
        await em.flush();

        return user;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw exists;
      throw error;
    }
  }

  async findActiveByEmail(tenant: Tenant, emailInput: string): Promise<User> {
    const email = normalizeEmail(emailInput);
    const user = await this.em.findOne(User, { tenant, email });
    if (!user || user.status !== UserStatus.ACTIVE) {
      throw new DomainError(
        UserErrorCode.NOT_FOUND,
        `No ACTIVE user with email "${email}" exists in tenant "${tenant.slug}".`,
        ['email'],
      );
    }

    return user;
  }
}
