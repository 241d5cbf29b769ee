import { LockMode } from '@mikro-orm/core';
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { AuditTarget } from '../audit/audit-event.entity';
import { normalizeEmail } from '../common/email';
import { DomainError, UserErrorCode } from '../common/errors';
import { isUuid } from '../common/ids';
import { Invitation, InvitationStatus } from '../invitation/invitation.entity';
import { ResourceCollaborator } from '../resource/resource-collaborator.entity';
import type { ServiceDeps } from '../services';
import { Team, TeamSource } from '../team/team.entity';
import { assertNameFree, lockTeam, withUniqueName } from '../team/team.service';
import { TeamMembership } from '../team/team-membership.entity';
import { assertValidTeamName } from '../team/team-rules';
import { capabilitiesOf } from '../tenant/capabilities';
import { Tenant } from '../tenant/tenant.entity';
import { User, UserSource, UserStatus } from '../user/user.entity';
import { UserLifecycleService } from '../user/user-lifecycle.service';
import { type IdpPrincipal, idpActor } from './idp-principal';

/** A user as the identity provider describes it. */
export interface IdpUser {
  userName: string;
  email: string;
  displayName: string | null;
  externalId: string | null;
  active: boolean;
  /** Everything the IdP sent, kept as sent so it can be returned as sent. */
  attributes: Record<string, unknown>;
}

export interface IdpGroupChange {
  displayName?: string;
  externalId?: string | null;
  addMembers?: string[];
  removeMembers?: string[];
  /** The complete member list, when the IdP sends one. */
  replaceMembers?: string[] | null;
}

/** The longest value each column holds, in characters; a longer one is refused, never cut. */
const MAX_LENGTH = { email: 320, displayName: 200, externalId: 255 } as const;

const userTarget = (user: User): AuditTarget => ({
  type: 'user',
  id: user.id,
  display: user.email,
});
const teamTarget = (team: Team): AuditTarget => ({ type: 'team', id: team.id, display: team.name });

/**
 * The changes an identity provider pushes: users and groups it creates, updates, deactivates
 * and removes. The IdP is the source of truth for what it manages, so the guards that protect
 * admins from mistakes (a deletion while the user has access) do not apply here; whatever the
 * IdP writes to becomes IdP-managed.
 */
export class IdpSyncService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /**
   * Creates a user, or adopts the INVITED user with the same email: the invitation is accepted
   * and the invited role kept. Any other clash of userName or email is ALREADY_EXISTS, after
   * which the IdP finds the existing user by filter and links it with an update.
   */
  provisionUser(principal: IdpPrincipal, input: IdpUser): Promise<User> {
    return this.write(principal, input, async (em, tenant) => {
      const email = normalizeEmail(input.email);
      const byEmail = await em.findOne(User, { tenant, email });
      if (byEmail && byEmail.status !== UserStatus.INVITED) {
        throw DomainError.alreadyExists('user', 'email', email);
      }
      await this.assertUserNameFree(em, tenant, input.userName, byEmail?.id);
      const user =
        byEmail ??
        em.create(User, { tenant, email, status: UserStatus.ACTIVE, source: UserSource.SCIM });
      const created = !byEmail;
      await this.apply(em, tenant, principal, user, input);
      this.deps.audit.record(
        em,
        tenant,
        idpActor(principal),
        created ? 'user.provisioned' : 'user.invitation_adopted',
        [userTarget(user)],
        { userName: input.userName, externalId: input.externalId },
      );

      return user;
    });
  }

  /** Replaces what the IdP manages of a user (SCIM PUT, and PATCH once applied). */
  updateUser(
    principal: IdpPrincipal,
    userId: string,
    input: IdpUser,
    expectedVersion?: number,
  ): Promise<User> {
    return this.write(principal, input, async (em, tenant) => {
      const user = await this.findUser(em, tenant, userId, expectedVersion);
      const email = normalizeEmail(input.email);
      if (email !== user.email && (await em.count(User, { tenant, email }))) {
        throw DomainError.alreadyExists('user', 'email', email);
      }
      await this.assertUserNameFree(em, tenant, input.userName, user.id);
      user.email = email;
      await this.apply(em, tenant, principal, user, input);
      this.deps.audit.record(em, tenant, idpActor(principal), 'user.updated', [userTarget(user)], {
        active: input.active,
      });

      return user;
    });
  }

  /**
   * Deprovisions a user: out of every team and resource, then deleted. Resources they created
   * keep the creator's email; audit events keep theirs.
   */
  async deprovisionUser(principal: IdpPrincipal, userId: string, expectedVersion?: number) {
    await this.em.transactional(async (em) => {
      const tenant = await this.lockScimTenant(em, principal);
      const user = await this.findUser(em, tenant, userId, expectedVersion);
      const teams = await em.nativeDelete(TeamMembership, { tenant, user });
      const resources = await em.nativeDelete(ResourceCollaborator, { tenant, user });
      this.deps.audit.record(
        em,
        tenant,
        idpActor(principal),
        'user.deprovisioned',
        [userTarget(user)],
        { teamsLeft: teams, resourceAccessRemoved: resources },
      );
      em.remove(user);
      await em.flush();
    });
  }

  createGroup(
    principal: IdpPrincipal,
    input: { displayName: string; externalId: string | null; memberIds: string[] },
  ): Promise<Team> {
    assertValidTeamName(input.displayName);
    assertFits({ externalId: input.externalId });

    return withUniqueName(input.displayName, () =>
      this.em.transactional(async (em) => {
        const tenant = await this.lockScimTenant(em, principal);
        await assertNameFree(em, tenant.id, input.displayName);
        const members = await this.members(em, tenant, input.memberIds);
        const team = em.create(Team, {
          tenant,
          name: input.displayName,
          externalId: input.externalId,
          source: TeamSource.SCIM,
        });
        for (const user of members) em.create(TeamMembership, { tenant, team, user });
        this.deps.audit.record(em, tenant, idpActor(principal), 'team.created', [
          teamTarget(team),
          ...members.map(userTarget),
        ]);
        await em.flush();

        return team;
      }),
    );
  }

  updateGroup(
    principal: IdpPrincipal,
    teamId: string,
    change: IdpGroupChange,
    expectedVersion?: number,
  ): Promise<Team> {
    if (change.displayName !== undefined) assertValidTeamName(change.displayName);
    assertFits({ externalId: change.externalId });

    return withUniqueName(change.displayName, () =>
      this.em.transactional(async (em) => {
        const tenant = await this.lockScimTenant(em, principal);
        const { team } = await lockTeam(em, tenant.id, teamId);
        assertVersion(team.version, expectedVersion);
        if (change.displayName !== undefined && change.displayName !== team.name) {
          await assertNameFree(em, tenant.id, change.displayName, team.id);
          team.name = change.displayName;
        }
        if (change.externalId !== undefined) team.externalId = change.externalId;
        const delta = await this.applyMembers(em, tenant, team, change);
        team.source = TeamSource.SCIM;
        // A change of members alone must still move the group's ETag on.
        team.updatedAt = new Date();
        this.deps.audit.record(
          em,
          tenant,
          idpActor(principal),
          'team.updated',
          [teamTarget(team)],
          delta,
        );
        await em.flush();

        return team;
      }),
    );
  }

  async deleteGroup(principal: IdpPrincipal, teamId: string, expectedVersion?: number) {
    await this.em.transactional(async (em) => {
      const tenant = await this.lockScimTenant(em, principal);
      const { team } = await lockTeam(em, tenant.id, teamId);
      assertVersion(team.version, expectedVersion);
      this.deps.audit.record(em, tenant, idpActor(principal), 'team.deleted', [teamTarget(team)]);
      em.remove(team);
      await em.flush();
    });
  }

  private async write(
    principal: IdpPrincipal,
    input: IdpUser,
    run: (em: EntityManager, tenant: Tenant) => Promise<User>,
  ): Promise<User> {
    assertFits({
      email: input.email,
      displayName: input.displayName,
      externalId: input.externalId,
    });
    try {
      return await this.em.transactional(async (em) => {
        const tenant = await this.lockScimTenant(em, principal);
        const user = await run(em, tenant);
        await em.flush();

        return user;
      });
    } catch (error) {
      // Concurrent creations of one user race past the checks; the unique indexes decide.
      if (error instanceof UniqueConstraintViolationException) {
        throw DomainError.alreadyExists('user', 'userName', input.userName);
      }
      throw error;
    }
  }

  /**
   * Writes the IdP's view onto a user and makes it IdP-managed. An INVITED user becomes a
   * real account here: the invitation is accepted and the role it carried is kept.
   */
  private async apply(
    em: EntityManager,
    tenant: Tenant,
    principal: IdpPrincipal,
    user: User,
    input: IdpUser,
  ): Promise<void> {
    user.userName = input.userName;
    user.displayName = input.displayName;
    user.externalId = input.externalId;
    user.scim = input.attributes;
    user.source = UserSource.SCIM;
    if (user.status === UserStatus.INVITED) {
      await em.nativeUpdate(
        Invitation,
        { tenant, user, storedStatus: InvitationStatus.PENDING },
        { storedStatus: InvitationStatus.ACCEPTED, acceptedAt: new Date() },
      );
      user.status = UserStatus.ACTIVE;
    }
    if (!input.active && user.status !== UserStatus.DEACTIVATED) {
      await new UserLifecycleService({ ...this.deps, em }).block(
        em,
        tenant,
        user,
        idpActor(principal),
      );
    }
    if (input.active && user.status === UserStatus.DEACTIVATED) {
      user.status = UserStatus.ACTIVE;
      user.deactivatedAt = null;
      this.deps.audit.record(em, tenant, idpActor(principal), 'user.reactivated', [
        userTarget(user),
      ]);
    }
  }

  private async applyMembers(
    em: EntityManager,
    tenant: Tenant,
    team: Team,
    change: IdpGroupChange,
  ) {
    const current = await em.find(TeamMembership, { tenant, team });
    const currentIds = new Set(current.map((membership) => membership.user.id));
    const wanted = change.replaceMembers
      ? new Set(change.replaceMembers)
      : new Set([...currentIds, ...(change.addMembers ?? [])]);
    for (const id of change.removeMembers ?? []) wanted.delete(id);

    const toAdd = [...wanted].filter((id) => !currentIds.has(id));
    const toRemove = current.filter((membership) => !wanted.has(membership.user.id));
    for (const user of await this.members(em, tenant, toAdd)) {
      em.create(TeamMembership, { tenant, team, user });
    }
    em.remove(toRemove);

    return {
      addedUserIds: toAdd,
      removedUserIds: toRemove.map((membership) => membership.user.id),
    };
  }

  /** The users a group names as members; each must be a user of the tenant. */
  private async members(em: EntityManager, tenant: Tenant, ids: string[]): Promise<User[]> {
    const distinct = [...new Set(ids)];
    if (distinct.length === 0) return [];
    const found = await em.find(User, { tenant, id: { $in: distinct.filter(isUuid) } });
    const unknown = distinct.filter((id) => !found.some((user) => user.id === id));
    if (unknown.length > 0) {
      throw new DomainError(
        UserErrorCode.NOT_FOUND,
        `Every member must be the id of a user of this tenant; ` +
          `${unknown.map((id) => `"${id}"`).join(', ')} is not. Provision the user first, ` +
          'or leave them out of members.',
        ['members'],
      );
    }

    return distinct.map((id) => found.find((user) => user.id === id)!);
  }

  private async findUser(
    em: EntityManager,
    tenant: Tenant,
    userId: string,
    expectedVersion?: number,
  ): Promise<User> {
    const user = isUuid(userId) ? await em.findOne(User, { tenant, id: userId }) : null;
    if (!user) throw DomainError.notFound('user', userId, 'id');
    assertVersion(user.version, expectedVersion);

    return user;
  }

  private async assertUserNameFree(
    em: EntityManager,
    tenant: Tenant,
    userName: string,
    exceptUserId?: string,
  ): Promise<void> {
    const query = em
      .createQueryBuilder(User, 'u')
      .where({ tenant })
      .andWhere('lower(u.user_name) = lower(?)', [userName]);
    if (exceptUserId) query.andWhere({ id: { $ne: exceptUserId } });
    if (await query.getCount()) throw DomainError.alreadyExists('user', 'userName', userName);
  }

  /**
   * Every IdP change needs the SCIM API enabled, and holds a share lock on the tenant so that a
   * switch of the provisioning mode waits for it; IdP changes do not wait for each other.
   */
  private async lockScimTenant(em: EntityManager, principal: IdpPrincipal): Promise<Tenant> {
    const tenant = await em.findOneOrFail(
      Tenant,
      { id: principal.tenantId },
      { lockMode: LockMode.PESSIMISTIC_READ },
    );
    if (!capabilitiesOf(tenant.provisioningMode).scimApiEnabled) {
      throw new DomainError(
        UserErrorCode.MODE_FORBIDS_ACTION,
        `The tenant is in ${tenant.provisioningMode} mode, which does not accept SCIM changes.`,
      );
    }

    return tenant;
  }
}

function assertFits(values: Partial<Record<keyof typeof MAX_LENGTH, string | null>>): void {
  for (const field of Object.keys(values) as (keyof typeof MAX_LENGTH)[]) {
    const length = [...(values[field] ?? '')].length;
    if (length > MAX_LENGTH[field]) {
      throw new DomainError(
        UserErrorCode.INVALID_VALUE,
        `${field} must be at most ${MAX_LENGTH[field]} characters; received ${length}. ` +
          'Shorten it in the identity provider.',
        [field],
      );
    }
  }
}

function assertVersion(actual: number, expected: number | undefined): void {
  if (expected !== undefined && actual !== expected) {
    throw new DomainError(
      UserErrorCode.STALE_VERSION,
      `The resource is at version ${actual}, not ${expected}. Read it again and retry.`,
    );
  }
}
