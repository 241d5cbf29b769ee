import type { Response } from 'express';
import { DomainError, RequestErrorCode, UserErrorCode } from '../common/errors';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'uniqueness'
  | 'invalidFilter'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'mutability'
  | 'tooMany'
  | 'invalidVers';

/** An error in the shape RFC 7644 §3.12 gives it; `detail` says what to fix. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  static invalidValue(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidValue');
  }

  static notFound(resource: string, id: string): ScimError {
    return new ScimError(404, `No ${resource} with id "${id}" exists in this tenant.`);
  }

  body() {
    return {
      schemas: [ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }

  send(res: Response): void {
    res.status(this.status).type('application/scim+json').send(JSON.stringify(this.body()));
  }
}

/**
 * Maps the domain's rule violations to SCIM statuses. `resource` names the kind the URL points
 * at, so an unknown id there is a 404 while an unknown id inside a body is a bad value.
 */
export function scimErrorFromDomain(error: DomainError, resource: string): ScimError {
  const inBody = error.field && !['id', 'userId', 'teamId'].includes(error.field[0]);
  switch (error.code) {
    case UserErrorCode.NOT_FOUND:
      return inBody
        ? ScimError.invalidValue(error.message)
        : new ScimError(404, error.message.replace(/^No \w+/, `No ${resource}`));
    case UserErrorCode.ALREADY_EXISTS:
      return new ScimError(409, error.message, 'uniqueness');
    case UserErrorCode.STALE_VERSION:
      return new ScimError(412, error.message);
    case UserErrorCode.MODE_FORBIDS_ACTION:
      return new ScimError(403, error.message);
    case UserErrorCode.INVALID_NAME:
    case UserErrorCode.INVALID_VALUE:
    case UserErrorCode.INVALID_STATE:
    case RequestErrorCode.BAD_USER_INPUT:
      return ScimError.invalidValue(error.message);
    case RequestErrorCode.UNAUTHENTICATED:
      return new ScimError(401, error.message);
    case RequestErrorCode.FORBIDDEN:
      return new ScimError(403, error.message);
    default:
      return new ScimError(400, error.message);
  }
}
