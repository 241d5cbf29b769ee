import type { IdpUser } from '../idp/idp-sync.service';
import { UserStatus } from '../user/user.entity';
import { ScimError } from './scim-error';
import { CORE_USER, ENTERPRISE_USER } from './scim-schemas';

/** What a SCIM User is made from: the user's columns and the attributes the IdP sent. */
export interface UserRecord {
  id: string;
  email: string;
  userName: string;
  displayName?: string | null;
  externalId?: string | null;
  status: UserStatus;
  scim?: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

type Json = Record<string, unknown>;

/** Attributes never kept: the server owns id and meta; a password must never be stored. */
const NOT_STORED = new Set(['id', 'meta', 'password', 'groups']);

const EMAIL = /^[^\s@]+@[^\s@]+$/;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function userLocation(baseUrl: string, id: string): string {
  return `${baseUrl}/Users/${id}`;
}

/** The SCIM representation: every stored attribute as sent, with the server's own fields. */
export function toScimUser(user: UserRecord, baseUrl: string): Json {
  const stored: Json = user.scim ?? {};
  const schemas = new Set<string>(
    Array.isArray(stored.schemas) ? (stored.schemas as string[]) : [CORE_USER],
  );
  schemas.add(CORE_USER);
  if (stored[ENTERPRISE_USER] !== undefined) schemas.add(ENTERPRISE_USER);
  const emails = Array.isArray(stored.emails)
    ? stored.emails
    : [{ value: user.email, type: 'work', primary: true }];

  return {
    ...stored,
    schemas: [...schemas],
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.userName,
    ...(user.displayName ? { displayName: user.displayName } : {}),
    active: user.status !== UserStatus.DEACTIVATED,
    emails,
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: userLocation(baseUrl, user.id),
      version: etag(user.version),
    },
  };
}

export const etag = (version: number): string => `W/"${version}"`;

/**
 * Reads a SCIM User body into what the domain needs. The email is the primary email, else the
 * work email, else the first email, else userName when it is an email address.
 */
export function fromScimUser(body: unknown): IdpUser {
  if (!isObject(body)) throw ScimError.invalidValue('The body must be a SCIM User JSON object.');
  const userName = body.userName;
  if (typeof userName !== 'string' || userName.trim() === '' || userName.length > 320) {
    throw ScimError.invalidValue(
      'userName is required: a non-empty string of at most 320 characters.',
    );
  }
  const attributes: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (!NOT_STORED.has(key)) attributes[key] = value;
  }

  return {
    userName: userName.trim(),
    email: emailOf(body, userName.trim()),
    displayName: optionalString(body, 'displayName'),
    externalId: optionalString(body, 'externalId'),
    active: parseActive(body.active),
    attributes,
  };
}

function emailOf(body: Json, userName: string): string {
  const emails = body.emails;
  if (emails !== undefined && !Array.isArray(emails)) {
    throw ScimError.invalidValue('emails must be an array of { value, type, primary } objects.');
  }
  const entries = (emails ?? []).filter(
    (entry): entry is Json => isObject(entry) && typeof entry.value === 'string',
  );
  const chosen =
    entries.find((entry) => entry.primary === true || entry.primary === 'True') ??
    entries.find((entry) => String(entry.type).toLowerCase() === 'work') ??
    entries[0];
  const email = chosen ? String(chosen.value) : EMAIL.test(userName) ? userName : undefined;
  if (!email || !EMAIL.test(email)) {
    throw ScimError.invalidValue(
      'The user needs an email address: send emails with a primary or work email, or a ' +
        `userName that is an email address (received userName "${userName}").`,
    );
  }

  return email;
}

/** `active` defaults to true; Entra ID sends booleans as the strings "True" and "False". */
export function parseActive(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === 'true';
  }
  throw ScimError.invalidValue(`active must be true or false; received ${JSON.stringify(value)}.`);
}

function optionalString(body: Json, key: string): string | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw ScimError.invalidValue(`${key} must be a string; received ${JSON.stringify(value)}.`);
  }

  return value;
}
