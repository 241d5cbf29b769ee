import { AuditEvent } from '../audit/audit-event.entity';
import { AccessToken } from '../auth/access-token.entity';
import { PasswordReset } from '../auth/password-reset.entity';
import { IdentityProvider } from '../identity-provider/identity-provider.entity';
import { Invitation } from '../invitation/invitation.entity';
import { MailMessage } from '../mail/mail-message.entity';
import { PasswordCredential } from '../password/password-credential.entity';
import { RateLimitBucket } from '../rate-limit/rate-limit-bucket.entity';
import { Resource } from '../resource/resource.entity';
import { ResourceCollaborator } from '../resource/resource-collaborator.entity';
import { ScimToken } from '../scim/scim-token.entity';
import { RefreshToken } from '../session/refresh-token.entity';
import { SessionFamily } from '../session/session-family.entity';
import { SamlAssertionSeen } from '../sso/saml-assertion-seen.entity';
import { SsoConnection } from '../sso/sso-connection.entity';
import { Team } from '../team/team.entity';
import { TeamMembership } from '../team/team-membership.entity';
import { Tenant } from '../tenant/tenant.entity';
import { User } from '../user/user.entity';

export const entities = [
  Tenant,
  User,
  Team,
  TeamMembership,
  Resource,
  ResourceCollaborator,
  AccessToken,
  SsoConnection,
  ScimToken,
  Invitation,
  PasswordReset,
  MailMessage,
  AuditEvent,
  PasswordCredential,
  SessionFamily,
  RefreshToken,
  RateLimitBucket,
  IdentityProvider,
  SamlAssertionSeen,
];
