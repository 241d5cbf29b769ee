import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { AuditResolver } from '../audit/audit.resolver';
import { AccessTokenResolver } from '../auth/access-token.resolver';
import { IdentityProviderResolver } from '../identity-provider/identity-provider.resolver';
import { InvitationResolver } from '../invitation/invitation.resolver';
import { PasswordResolver } from '../password/password.resolver';
import { ResourceResolver } from '../resource/resource.resolver';
import { SessionResolver } from '../session/session.resolver';
import { SsoResolver } from '../sso/sso.resolver';
import { TeamResolver } from '../team/team.resolver';
import { TenantResolver } from '../tenant/tenant.resolver';
import { UserResolver } from '../user/user.resolver';
import { UserLifecycleResolver } from '../user/user-lifecycle.resolver';
import { authChecker } from './auth-checker';

export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      AccessTokenResolver,
      AuditResolver,
      IdentityProviderResolver,
      InvitationResolver,
      PasswordResolver,
      ResourceResolver,
      SessionResolver,
      SsoResolver,
      TeamResolver,
      TenantResolver,
      UserLifecycleResolver,
      UserResolver,
    ],
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
  });
}
