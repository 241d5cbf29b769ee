import { EmailAddressResolver } from 'graphql-scalars';
import { DomainError } from './errors';

/** Validates an email address and returns it lowercased, the form every lookup uses. */
export function normalizeEmail(value: string, field = 'email'): string {
  try {
    return String(EmailAddressResolver.parseValue(value.trim())).toLowerCase();
  } catch {
    throw DomainError.badInput(field, `${field} must be an email address; received "${value}".`);
  }
}
