import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DomainError, isRequestError, UserErrorCode } from '../common/errors';

registerEnumType(UserErrorCode, { name: 'UserErrorCode' });

@ObjectType({ description: 'A rule the mutation would have broken; nothing was changed.' })
export class UserError {
  @Field(() => UserErrorCode)
  code!: UserErrorCode;

  @Field(() => String)
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault.' })
  field?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'With RATE_LIMITED: when to try again.' })
  retryAfter?: Date | null;
}

export interface MutationPayload {
  userErrors: UserError[];
}

/**
 * Runs a mutation and reports rule violations as `userErrors`, leaving the payload's other
 * fields empty. The services run each mutation in one transaction, so when this reports an
 * error nothing was written.
 */
export async function asPayload<T extends object>(
  run: () => Promise<T>,
  /** Fields to return beside the error, from the error's details (e.g. deletion blockers). */
  onError: (error: DomainError) => object = () => ({}),
): Promise<Partial<T> & MutationPayload> {
  try {
    return { ...(await run()), userErrors: [] };
  } catch (error) {
    if (error instanceof DomainError && !isRequestError(error.code)) {
      return { ...onError(error), userErrors: [toUserError(error)] } as Partial<T> &
        MutationPayload;
    }
    throw error;
  }
}

export function toUserError(error: DomainError): UserError {
  const retryAfter = error.details?.retryAfter;

  return {
    code: error.code as UserErrorCode,
    message: error.message,
    field: error.field ?? null,
    retryAfter: retryAfter instanceof Date ? retryAfter : null,
  };
}
