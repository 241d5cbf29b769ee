import { ScimError } from './scim-error';
import { CORE_GROUP } from './scim-schemas';
import { etag, userLocation } from './scim-user.mapper';

export interface GroupRecord {
  id: string;
  name: string;
  externalId?: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface GroupMember {
  id: string;
  email: string;
  displayName?: string | null;
}

type Json = Record<string, unknown>;

/** `members` is left out when it was not loaded (excludedAttributes=members). */
export function toScimGroup(team: GroupRecord, baseUrl: string, members?: GroupMember[]): Json {
  return {
    schemas: [CORE_GROUP],
    id: team.id,
    displayName: team.name,
    ...(team.externalId ? { externalId: team.externalId } : {}),
    ...(members
      ? {
          members: members.map((member) => ({
            value: member.id,
            display: member.displayName ?? member.email,
            $ref: userLocation(baseUrl, member.id),
            type: 'User',
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: team.createdAt.toISOString(),
      lastModified: team.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${team.id}`,
      version: etag(team.version),
    },
  };
}

export interface GroupInput {
  displayName: string;
  externalId: string | null;
  memberIds: string[];
}

/** Reads a SCIM Group body. Unknown extra schemas (Entra adds its own) are tolerated. */
export function fromScimGroup(body: unknown): GroupInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ScimError.invalidValue('The body must be a SCIM Group JSON object.');
  }
  const { displayName, externalId, members } = body as Json;
  if (typeof displayName !== 'string') {
    throw ScimError.invalidValue('displayName is required and must be a string.');
  }
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') {
    throw ScimError.invalidValue('externalId must be a string.');
  }

  return { displayName, externalId: externalId ?? null, memberIds: memberIds(members) };
}

export function memberIds(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) {
    throw ScimError.invalidValue('members must be an array of { "value": "<user id>" }.');
  }

  return members.map((member) => {
    const value = (member as Json | null)?.value;
    if (typeof value !== 'string') {
      throw ScimError.invalidValue('Each member needs a "value" with the user id.');
    }

    return value;
  });
}
