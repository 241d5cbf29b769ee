import { type AttributeChange, skipsReadOnly } from './attribute-change';
import { type AttributeDefinition, attributeNames, findAttribute } from './attribute-definition';
import { sameName } from './attribute-name';
import { CORE_GROUP_URN, GROUP_ATTRIBUTES } from './group-schema';
import { MemberDelta } from './member-delta';
import type { JsonObject } from './own-properties';
import { ScimPatchError } from './patch-error';
import { checkOperation, type PatchOperation } from './patch-request';
import { parseScimPath, type ScimPath } from './scim-path';
import { coerceElements, coerceScalar } from './value-coercion';
import type { ValueFilter } from './value-filter';

export interface GroupPatchResult {
  displayName: string;
  externalId: string | null;
  addMembers: string[];
  removeMembers: string[];
  /** The complete new member list when the request replaced it; null when it did not. */
  replaceMembers: string[] | null;
}

interface GroupDraft {
  displayName: string;
  externalId: string | null;
  readonly members: MemberDelta;
}

/**
 * Applies PATCH operations to a Group. Returns the new scalar fields and member deltas, which
 * apply entirely or not at all: the first failing operation throws.
 */
export function applyGroupPatch(
  current: { displayName: string; externalId?: string | null },
  ops: PatchOperation[],
): GroupPatchResult {
  const draft: GroupDraft = {
    displayName: current.displayName,
    externalId: current.externalId ?? null,
    members: new MemberDelta(),
  };
  for (const [index, operation] of ops.entries()) {
    try {
      applyOperation(draft, operation);
    } catch (error) {
      throw error instanceof ScimPatchError ? error.atOperation(index) : error;
    }
  }

  return {
    displayName: draft.displayName,
    externalId: draft.externalId,
    ...draft.members.toResult(),
  };
}

function applyOperation(draft: GroupDraft, operation: PatchOperation): void {
  const { op, path: rawPath, value } = checkOperation(operation);
  if (rawPath !== undefined) {
    const path = parseScimPath(rawPath, [CORE_GROUP_URN]);
    applyChange(draft, { op, path, value, readOnly: 'refuse' });

    return;
  }
  // Okta renames a group with a path-less replace that repeats the group's id; the read-only
  // skip lets that through.
  for (const [key, item] of Object.entries(value as JsonObject)) {
    const path = parseScimPath(key, [CORE_GROUP_URN]);
    applyChange(draft, { op, path, value: item, readOnly: 'skip' });
  }
}

function applyChange(draft: GroupDraft, change: AttributeChange): void {
  const { path } = change;
  const inCoreSchema = path.schema === undefined || sameName(path.schema, CORE_GROUP_URN);
  const definition =
    inCoreSchema && path.attribute !== undefined
      ? findAttribute(GROUP_ATTRIBUTES, path.attribute)
      : undefined;
  if (definition === undefined) {
    throw ScimPatchError.invalidPath(
      path.raw,
      `names no attribute of the Group schema; expected one of ${attributeNames(GROUP_ATTRIBUTES)}`,
    );
  }
  if (skipsReadOnly(definition, change)) {
    return;
  }
  if (definition.multiValued) {
    applyMembers(draft.members, definition, change);

    return;
  }
  if (path.filter !== undefined || path.subAttribute !== undefined) {
    throw ScimPatchError.invalidPath(
      path.raw,
      `refines "${definition.name}", which is a single string; name the attribute alone`,
    );
  }
  const removing = change.op === 'remove' || change.value === null;
  if (removing && definition.required) {
    throw ScimPatchError.mutability(
      path.raw,
      `a group must keep its ${definition.name}; replace it with a new value instead`,
    );
  }
  const value = removing ? null : (coerceScalar(definition, change.value, path.raw) as string);
  if (definition.name === 'displayName') {
    draft.displayName = value as string;
  } else {
    draft.externalId = value;
  }
}

function applyMembers(
  members: MemberDelta,
  definition: AttributeDefinition,
  { op, path, value }: AttributeChange,
): void {
  if (path.subAttribute !== undefined) {
    throw ScimPatchError.invalidPath(
      path.raw,
      'changes part of a member; add or remove whole members with path "members"',
    );
  }
  if (path.filter !== undefined) {
    if (op !== 'remove') {
      throw ScimPatchError.invalidPath(
        path.raw,
        `filters members for "${op}"; only "remove" takes a member filter`,
      );
    }
    members.remove(memberIdsInFilter(path.filter, path));
  } else if (value === undefined || value === null) {
    if (op === 'add') {
      throw ScimPatchError.invalidValue(
        path.raw,
        'a list of members such as [{"value": "<id>"}]',
        value,
      );
    }
    members.replace([]);
  } else if (op === 'add') {
    members.add(memberIds(definition, value, path));
  } else if (op === 'remove') {
    // Entra ID removes members by listing them in `value`; only those leave the group.
    members.remove(memberIds(definition, value, path));
  } else {
    members.replace(memberIds(definition, value, path));
  }
}

function memberIds(definition: AttributeDefinition, value: unknown, path: ScimPath): string[] {
  const ids = coerceElements(definition, value, path.raw).map((member, index) => {
    const id = member.value;
    if (typeof id !== 'string' || id.trim() === '') {
      throw ScimPatchError.invalidValue(
        `${path.raw}[${index}].value`,
        'the member id as a non-empty string',
        id,
      );
    }

    return id;
  });

  return [...new Set(ids)];
}

/**
 * Member ids named by a remove filter. The engine sees deltas rather than the member list, so
 * it can honour only filters that name ids; removing an id that is not a member changes
 * nothing, which is why such a remove succeeds instead of earning noTarget.
 */
function memberIdsInFilter(filter: ValueFilter, path: ScimPath): string[] {
  if (filter.kind === 'or') {
    return [...memberIdsInFilter(filter.left, path), ...memberIdsInFilter(filter.right, path)];
  }
  const byId =
    filter.kind === 'compare' && filter.operator === 'eq' && sameName(filter.attribute, 'value');
  if (byId && typeof filter.value === 'string') {
    return [filter.value];
  }
  throw ScimPatchError.invalidPath(
    path.raw,
    'selects members by something other than their id; write members[value eq "<id>"]',
  );
}
