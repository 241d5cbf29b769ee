const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * One limit. `limit` attempts are allowed per `windowMs`, the window starting at the first one.
 * A limit with a `lockout` counts failures instead: reaching it blocks the subject for
 * `firstMs`, and each lockout that follows within a day lasts twice as long, up to `maxMs`.
 */
export interface RateLimitRule {
  scope: string;
  limit: number;
  windowMs: number;
  lockout?: { firstMs: number; maxMs: number };
  /** What is being limited, to complete "Too many …" in the answer. */
  attempts: string;
}

/** Every rate limit of the gateway, in one table. Limits are per tenant. */
export const RATE_LIMITS = {
  signInPerAccount: {
    scope: 'sign_in.account',
    limit: 5,
    windowMs: 15 * MINUTE,
    lockout: { firstMs: MINUTE, maxMs: DAY },
    attempts: 'failed sign-ins for this account',
  },
  // Higher than the account limit: many people can share one address behind a NAT.
  signInPerIp: {
    scope: 'sign_in.ip',
    limit: 100,
    windowMs: 15 * MINUTE,
    lockout: { firstMs: MINUTE, maxMs: HOUR },
    attempts: 'failed sign-ins from your network',
  },
  resetRequestPerEmail: {
    scope: 'password_reset.email',
    limit: 3,
    windowMs: HOUR,
    attempts: 'password reset requests for this email',
  },
  resetRequestPerIp: {
    scope: 'password_reset.ip',
    limit: 20,
    windowMs: HOUR,
    attempts: 'password reset requests from your network',
  },
  invitationResendPerMinute: {
    scope: 'invitation_resend.minute',
    limit: 1,
    windowMs: MINUTE,
    attempts: 'resends of this invitation',
  },
  invitationResendPerDay: {
    scope: 'invitation_resend.day',
    limit: 5,
    windowMs: DAY,
    attempts: 'resends of this invitation today',
  },
} as const satisfies Record<string, RateLimitRule>;
