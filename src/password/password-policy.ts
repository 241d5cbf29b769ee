import { DomainError, UserErrorCode } from '../common/errors';
import { isCommonPassword } from './common-passwords';
import { normalize } from './password-hasher';

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; the bound keeps one request from costing minutes of hashing. */
export const MAX_PASSWORD_LENGTH = 256;

const weak = (rule: string, field: string) =>
  new DomainError(UserErrorCode.WEAK_PASSWORD, `The password ${rule}`, [field]);

/**
 * Refuses a new password that breaks the policy: at least 12 characters, not the account's email
 * or its local part, and not on the bundled list of common passwords. The message names the
 * rule that failed, never the password.
 */
export function assertAcceptablePassword(
  password: string | null | undefined,
  email: string,
  field: string,
): void {
  const candidate = normalize(password ?? '');
  const length = [...candidate].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw weak(
      `must be at least ${MIN_PASSWORD_LENGTH} characters; it has ${length}. ` +
        'A few unrelated words make a long password that is easy to remember.',
      field,
    );
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw weak(`must be at most ${MAX_PASSWORD_LENGTH} characters; it has ${length}.`, field);
  }
  if (resemblesEmail(candidate, email)) {
    throw weak('must not be your email address or its part before the "@"; choose another.', field);
  }
  if (isCommonPassword(candidate)) {
    throw weak(
      'is on the list of commonly used passwords, which are guessed first; choose another.',
      field,
    );
  }
}

/** The email, its local part, or the local part with only digits and symbols after it. */
function resemblesEmail(password: string, email: string): boolean {
  const lowered = password.toLowerCase();
  const local = email.toLowerCase().split('@')[0];
  if (lowered === email.toLowerCase() || lowered === local) return true;

  return (
    local.length > 0 && lowered.startsWith(local) && !/\p{L}/u.test(lowered.slice(local.length))
  );
}
