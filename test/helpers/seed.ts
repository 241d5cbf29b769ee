import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessTokenService } from '../../src/auth/access-token.service';
import { PasswordCredential } from '../../src/password/password-credential.entity';
import type { PasswordHasher } from '../../src/password/password-hasher';
import { Resource, ResourceKind } from '../../src/resource/resource.entity';
import {
  ResourceCollaborator,
  ResourceRole,
} from '../../src/resource/resource-collaborator.entity';
import { Team } from '../../src/team/team.entity';
import { TeamMembership } from '../../src/team/team-membership.entity';
import { Tenant } from '../../src/tenant/tenant.entity';
import { TenantRole, User, UserSource, UserStatus } from '../../src/user/user.entity';

/** Writes fixtures straight through the ORM, for read tests that need no mutation API. */
export class Seeder {
  constructor(private readonly em: EntityManager) {}

  tenant(id: string): Promise<Tenant> {
    return this.em.findOneOrFail(Tenant, { id });
  }

  async user(
    tenantId: string,
    email: string,
    fields: Partial<Pick<User, 'displayName' | 'role' | 'status'>> = {},
  ): Promise<User> {
    const user = this.em.create(User, {
      tenant: await this.tenant(tenantId),
      email,
      role: TenantRole.MEMBER,
      status: UserStatus.ACTIVE,
      source: UserSource.INVITE,
      ...fields,
    });
    await this.em.flush();

    return user;
  }

  async team(tenantId: string, name: string, members: User[] = [], managers: User[] = []) {
    const tenant = await this.tenant(tenantId);
    const team = this.em.create(Team, { tenant, name });
    for (const user of members) {
      this.em.create(TeamMembership, { tenant, team, user, isManager: managers.includes(user) });
    }
    await this.em.flush();

    return team;
  }

  async resource(tenantId: string, name: string, creator: User, teams: Team[] = []) {
    const tenant = await this.tenant(tenantId);
    const resource = this.em.create(Resource, {
      tenant,
      name,
      kind: ResourceKind.WORKSPACE,
      createdBy: creator,
      createdByEmail: creator.email,
    });
    this.em.create(ResourceCollaborator, {
      tenant,
      resource,
      user: creator,
      role: ResourceRole.ADMIN,
    });
    for (const team of teams) {
      this.em.create(ResourceCollaborator, { tenant, resource, team, role: ResourceRole.VIEWER });
    }
    await this.em.flush();

    return resource;
  }

  /** A user and an access token for calling the API as them. */
  async userWithToken(
    tenantId: string,
    email: string,
    fields: Partial<Pick<User, 'displayName' | 'role' | 'status'>> = {},
  ): Promise<{ user: User; token: string }> {
    const user = await this.user(tenantId, email, fields);

    return { user, token: await this.token(user) };
  }

  /** Gives `user` a local password, hashed as the gateway hashes it. */
  async password(user: User, hasher: PasswordHasher, password: string): Promise<void> {
    const tenant = await this.tenant(user.tenant.id);
    this.em.create(PasswordCredential, { tenant, user, hash: await hasher.hash(password) });
    await this.em.flush();
  }

  async token(user: User, expiresAt?: Date): Promise<string> {
    const tenant = await this.tenant(user.tenant.id);
    const { token } = new AccessTokenService(this.em).issue(tenant, user, 'test', expiresAt);
    await this.em.flush();

    return token;
  }
}

/** An audit event as stored, for tests that check what a change recorded. */
export interface StoredAuditEvent {
  action: string;
  actorType: string;
  actorId: string | null;
  targets: { type: string; id: string; display?: string | null }[];
  metadata: Record<string, unknown>;
}

/** The tenant's audit events, oldest first, read straight from the table. */
export async function storedAuditEvents(
  em: EntityManager,
  tenantId: string,
): Promise<StoredAuditEvent[]> {
  const rows: Record<string, unknown>[] = await em
    .getConnection()
    .execute(
      'select action, actor_type, actor_id, targets, metadata from "audit_event" ' +
        'where tenant_id = ? order by id',
      [tenantId],
    );

  return rows.map((row) => ({
    action: String(row.action),
    actorType: String(row.actor_type),
    actorId: (row.actor_id as string | null) ?? null,
    targets: row.targets as StoredAuditEvent['targets'],
    metadata: row.metadata as Record<string, unknown>,
  }));
}
