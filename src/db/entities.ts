import { AccessToken } from '../auth/access-token.entity';
import { Resource } from '../resource/resource.entity';
import { ResourceCollaborator } from '../resource/resource-collaborator.entity';
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
];
