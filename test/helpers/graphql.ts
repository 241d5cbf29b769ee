import type { GraphQLResponse } from './gateway';

/** The top-level error codes of a response, in order. */
export const errorCodes = (response: Pick<GraphQLResponse<unknown>, 'errors'>) =>
  response.errors?.map((error) => error.extensions?.code);

/** The `userErrors` codes of a mutation payload. */
export const userErrorCodes = (payload: { userErrors: { code: string }[] } | null | undefined) =>
  payload?.userErrors.map((error) => error.code);
