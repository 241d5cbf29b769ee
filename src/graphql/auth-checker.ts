import type { AuthChecker } from 'type-graphql';
import { DomainError } from '../common/errors';
import type { GraphQLContext } from './context';

/**
 * `@Authorized()` needs a signed-in caller; `@Authorized('ADMIN')` also needs that role.
 * Failures are thrown as coded errors so clients can tell 401 from 403.
 */
export const authChecker: AuthChecker<GraphQLContext> = ({ context, info }, roles) => {
  const actor = context.actor;
  if (!actor) {
    throw DomainError.unauthenticated(
      'This operation needs an access token: send "Authorization: Bearer <token>".',
    ).toGraphQL();
  }
  if (roles.length > 0 && !roles.includes(actor.role)) {
    throw DomainError.forbidden(
      `use "${info.fieldName}"`,
      `the ${roles.join(' or ')} role; you are ${actor.role}`,
    ).toGraphQL();
  }

  return true;
};
