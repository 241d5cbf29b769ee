import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditService } from './audit/audit.service';
import { AuditLog, type RequestMeta } from './audit/audit-log';
import { AccessTokenService } from './auth/access-token.service';
import { PasswordResetService } from './auth/password-reset.service';
import { IdentityProviderService } from './identity-provider/identity-provider.service';
import { IdpTokenAuthenticator } from './identity-provider/idp-token.authenticator';
import { IdpSyncService } from './idp/idp-sync.service';
import { InvitationService } from './invitation/invitation.service';
import { InvitationAcceptanceService } from './invitation/invitation-acceptance.service';
import { SignInService } from './password/sign-in.service';
import { ResourceService } from './resource/resource.service';
import type { Runtime } from './runtime';
import { ScimTokenService } from './scim/scim-token.service';
import { SessionService } from './session/session.service';
import { SsoService } from './sso/sso.service';
import { TeamService } from './team/team.service';
import { ProvisioningService } from './tenant/provisioning.service';
import { TenantService } from './tenant/tenant.service';
import { UserService } from './user/user.service';
import { UserLifecycleService } from './user/user-lifecycle.service';

/** What every service is built with: one unit of work, the process runtime, the request. */
export interface ServiceDeps extends Runtime {
  em: EntityManager;
  audit: AuditLog;
  meta: RequestMeta;
}

/** The domain services, bound to one unit of work (a request's or a CLI command's). */
export function createServices(em: EntityManager, runtime: Runtime, meta: RequestMeta = {}) {
  const deps: ServiceDeps = { ...runtime, em, meta, audit: new AuditLog(meta) };

  return {
    accessTokens: new AccessTokenService(em, deps.audit),
    audit: new AuditService(em),
    identityProviders: new IdentityProviderService(deps),
    idpSync: new IdpSyncService(deps),
    idpTokens: new IdpTokenAuthenticator(deps, runtime.jwks),
    invitations: new InvitationService(deps),
    invitationAcceptance: new InvitationAcceptanceService(deps),
    lifecycle: new UserLifecycleService(deps),
    passwordResets: new PasswordResetService(deps),
    provisioning: new ProvisioningService(deps),
    scimTokens: new ScimTokenService(deps),
    sessions: new SessionService(deps),
    signIn: new SignInService(deps),
    sso: new SsoService(deps),
    resources: new ResourceService(deps),
    teams: new TeamService(deps),
    tenants: new TenantService(deps),
    users: new UserService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
