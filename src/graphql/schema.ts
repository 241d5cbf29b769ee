import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { AccessTokenResolver } from '../auth/access-token.resolver';
import { ResourceResolver } from '../resource/resource.resolver';
import { TeamResolver } from '../team/team.resolver';
import { TenantResolver } from '../tenant/tenant.resolver';
import { UserResolver } from '../user/user.resolver';
import { authChecker } from './auth-checker';

export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AccessTokenResolver, ResourceResolver, TeamResolver, TenantResolver, UserResolver],
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
  });
}
