import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors';
import { requestScope } from '../logger';

const INTERNAL = 'INTERNAL_SERVER_ERROR';

/**
 * The one place errors leave the API. Coded errors pass through with their code and message;
 * anything else is logged once in full and reaches the client only as INTERNAL_SERVER_ERROR
 * with the request id, never with SQL text or a stack trace.
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== INTERNAL) {
      const { stacktrace: _, ...extensions } = formatted.extensions ?? {};

      return { ...formatted, extensions };
    }
    const requestId = requestScope.getStore()?.requestId;
    log.error({ err: original, path: formatted.path }, 'unexpected error while serving GraphQL');

    return {
      message: `Internal server error. Quote request id ${requestId} when reporting it.`,
      path: formatted.path,
      extensions: { code: INTERNAL, requestId },
    };
  };
}
