import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { SYSTEM_ACTOR } from '../audit/audit-log';
import { AccessTokenService } from '../auth/access-token.service';
import { normalizeEmail } from '../common/email';
import { DomainError, ErrorCode } from '../common/errors';
import type { ServiceDeps } from '../services';
import { TenantRole, User, UserSource, UserStatus } from '../user/user.entity';
import { TENANT_SLUG, Tenant } from './tenant.entity';

export interface BootstrapInput {
  slug: string;
  name: string;
  adminEmail: string;
}

export interface BootstrapResult {
  tenant: Tenant;
  admin: User;
  token: string;
}

export class TenantService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  get(tenantId: string): Promise<Tenant> {
    return this.em.findOneOrFail(Tenant, { id: tenantId });
  }

  async findBySlug(slug: string): Promise<Tenant> {
    const tenant = await this.em.findOne(Tenant, { slug });
    if (!tenant) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `No tenant with slug "${slug}" exists; check the slug or bootstrap the tenant first.`,
        ['tenant'],
      );
    }

    return tenant;
  }

  /** Creates a tenant with its first ADMIN and a token for that admin, in one transaction. */
  async bootstrap(input: BootstrapInput): Promise<BootstrapResult> {
    const slug = input.slug.trim();
    if (!TENANT_SLUG.test(slug)) {
      throw DomainError.badInput(
        'tenant',
        `The tenant slug must be 3 to 40 characters of a-z, 0-9 and "-"; received "${slug}".`,
      );
    }
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw DomainError.badInput('name', 'The tenant name must be 1 to 200 characters.');
    }
    const email = normalizeEmail(input.adminEmail, 'admin-email');

    const exists = DomainError.alreadyExists('tenant', 'slug', slug);
    try {
      return await this.em.transactional(async (em) => {
        if (await em.count(Tenant, { slug })) throw exists;
        const tenant = em.create(Tenant, { slug, name });
        const admin = em.create(User, {
          tenant,
          email,
          role: TenantRole.ADMIN,
          status: UserStatus.ACTIVE,
          source: UserSource.BOOTSTRAP,
        });
        const { token } = new AccessTokenService(em).issue(tenant, admin, 'bootstrap');
        this.deps.audit.record(em, tenant, SYSTEM_ACTOR, 'tenant.bootstrapped', [
          { type: 'tenant', id: tenant.id, display: tenant.slug },
          { type: 'user', id: admin.id, display: admin.email },
        ]);
        await em.flush();

        return { tenant, admin, token };
      });
    } catch (error) {
      // Two bootstraps of one slug can race past the count; the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw exists;
      throw error;
    }
  }
}
