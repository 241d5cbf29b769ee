import { GraphQLError } from 'graphql';

/** Failures of the request itself: top-level GraphQL errors, never `userErrors`. */
export enum RequestErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
}

/** Rules a well-formed request would break; reported as `userErrors` or SCIM error bodies. */
export enum UserErrorCode {
  SSO_REQUIRED = 'SSO_REQUIRED',
  MODE_FORBIDS_ACTION = 'MODE_FORBIDS_ACTION',
  MANAGED_BY_IDP = 'MANAGED_BY_IDP',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  NOT_FOUND = 'NOT_FOUND',
  USER_HAS_ACCESS = 'USER_HAS_ACCESS',
  SSO_MANAGED = 'SSO_MANAGED',
  LAST_ADMIN = 'LAST_ADMIN',
  CANNOT_TARGET_SELF = 'CANNOT_TARGET_SELF',
  INVALID_STATE = 'INVALID_STATE',
  INVALID_NAME = 'INVALID_NAME',
  /** A value breaks a rule of its field (an SSO URL that is not https, a bad certificate). */
  INVALID_VALUE = 'INVALID_VALUE',
  /** Another change to the same tenant won the race; read again and retry. */
  CONFLICT = 'CONFLICT',
  /** A warning, never an error: the mode works without SSO but is meant to be used with it. */
  SSO_RECOMMENDED = 'SSO_RECOMMENDED',
  /** The caller's copy is older than the stored one (a SCIM If-Match that no longer holds). */
  STALE_VERSION = 'STALE_VERSION',
  /** A one-time link or refresh token that is unknown, expired, revoked or already used. */
  INVALID_TOKEN = 'INVALID_TOKEN',
  /** Sign-in refused; the same answer whether the account exists or the password is wrong. */
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  /** Too many attempts; `retryAfter` says when the next one is allowed. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** A new password breaks the password policy; the message names the rule. */
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  /** Sign-in of a known but DEACTIVATED user. */
  USER_DEACTIVATED = 'USER_DEACTIVATED',
  /** Sign-in of someone unknown to an INVITE_ONLY tenant, with no pending invitation. */
  NOT_INVITED = 'NOT_INVITED',
  /** Sign-in of someone the identity provider has not synced to a SCIM tenant yet. */
  NOT_PROVISIONED = 'NOT_PROVISIONED',
  /** The verified email belongs to an account linked to another identity at the IdP. */
  IDENTITY_MISMATCH = 'IDENTITY_MISMATCH',
}

export type ErrorCode = RequestErrorCode | UserErrorCode;
export const ErrorCode = { ...RequestErrorCode, ...UserErrorCode };

export const isRequestError = (code: ErrorCode): code is RequestErrorCode =>
  Object.values(RequestErrorCode).includes(code as RequestErrorCode);

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
};

/** A failure that is the caller's to fix; its message says what was expected and how to fix it. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string[],
    /** Structured facts for the payload, e.g. what blocks a deletion. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static unauthenticated(reason: string): DomainError {
    return new DomainError(ErrorCode.UNAUTHENTICATED, reason);
  }

  static forbidden(action: string, requirement: string): DomainError {
    return new DomainError(
      ErrorCode.FORBIDDEN,
      `You may not ${action}: it requires ${requirement}.`,
    );
  }

  static badInput(field: string, message: string): DomainError {
    return new DomainError(ErrorCode.BAD_USER_INPUT, message, [field]);
  }

  static notFound(kind: string, id: string, field?: string): DomainError {
    return new DomainError(
      ErrorCode.NOT_FOUND,
      `No ${kind} with id "${id}" exists in this tenant.`,
      field ? [field] : undefined,
    );
  }

  static alreadyExists(kind: string, key: string, value: string): DomainError {
    return new DomainError(
      ErrorCode.ALREADY_EXISTS,
      `A ${kind} with ${key} "${value}" already exists; choose another ${key}.`,
      [key],
    );
  }

  /** Refuses an attempt over a rate limit, saying when the next one is allowed. */
  static rateLimited(attempts: string, retryAt: Date): DomainError {
    const seconds = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000));

    return new DomainError(
      ErrorCode.RATE_LIMITED,
      `Too many ${attempts}. Try again after ${retryAt.toISOString()} (in ${seconds} s).`,
      undefined,
      { retryAfter: retryAt },
    );
  }

  /**
   * One answer for every one-time token that does not work, whatever the reason, so that a
   * token holder learns nothing about which tokens exist.
   */
  static invalidToken(what: string, field: string, howToFix: string): DomainError {
    return new DomainError(
      ErrorCode.INVALID_TOKEN,
      `This ${what} is invalid, expired or already used. ${howToFix}`,
      [field],
    );
  }

  /** The same error as a top-level GraphQL error. */
  toGraphQL(): GraphQLError {
    const status = HTTP_STATUS[this.code];

    return new GraphQLError(this.message, {
      extensions: {
        code: this.code,
        ...(this.field ? { field: this.field } : {}),
        ...(status ? { http: { status } } : {}),
      },
    });
  }
}
