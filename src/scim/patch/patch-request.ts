import { sameName } from './attribute-name';
import { CORE_GROUP_URN } from './group-schema';
import { isPlainObject, readCaseInsensitive } from './own-properties';
import { ScimPatchError } from './patch-error';
import { assertNoPrototypeKeys } from './prototype-guard';
import { parseScimPath } from './scim-path';
import { CORE_USER_URN, ENTERPRISE_USER_URN } from './user-schema';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Enough for a bulk membership change by any IdP we know, small enough to bound one request. */
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: string;
  readonly value?: unknown;
}

const BUILT_IN_SCHEMAS = [CORE_USER_URN, ENTERPRISE_USER_URN, CORE_GROUP_URN];

/** The lower-case op name; Entra ID sends "Add", "Replace" and "Remove". */
function toPatchOpName(op: unknown): PatchOpName | undefined {
  const name = typeof op === 'string' ? op.toLowerCase() : undefined;

  return name === 'add' || name === 'replace' || name === 'remove' ? name : undefined;
}

/** Validates a PatchOp request body and returns its operations with lower-case op names. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) {
    throw ScimPatchError.invalidSyntax('a JSON object with "schemas" and "Operations"', body);
  }
  assertNoPrototypeKeys(body);
  const schemas = readCaseInsensitive(body, 'schemas');
  const declared = Array.isArray(schemas) ? schemas : [];
  if (!declared.some((urn) => typeof urn === 'string' && sameName(urn, PATCH_OP_SCHEMA))) {
    throw ScimPatchError.invalidSyntax(`"schemas" to include "${PATCH_OP_SCHEMA}"`, schemas);
  }
  const operations = readCaseInsensitive(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimPatchError.invalidSyntax('"Operations" to be a non-empty list', operations);
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimPatchError.invalidSyntax(
      `at most ${MAX_PATCH_OPERATIONS} operations per request; split the change into several`,
      `${operations.length} operations`,
    );
  }

  return operations.map((operation, index) => {
    try {
      return parseOperation(operation);
    } catch (error) {
      throw error instanceof ScimPatchError ? error.atOperation(index) : error;
    }
  });
}

function parseOperation(operation: unknown): PatchOperation {
  if (!isPlainObject(operation)) {
    throw ScimPatchError.invalidSyntax('each operation to be an object with "op"', operation);
  }

  return checkOperation({
    op: readCaseInsensitive(operation, 'op'),
    path: readCaseInsensitive(operation, 'path'),
    value: readCaseInsensitive(operation, 'value'),
  });
}

/**
 * Checks one operation and returns it with a lower-case op. The PATCH engines call it again
 * because their callers may build operations in code rather than parse them from a request.
 */
export function checkOperation(operation: {
  op: unknown;
  path?: unknown;
  value?: unknown;
}): PatchOperation {
  const op = toPatchOpName(operation.op);
  if (op === undefined) {
    throw ScimPatchError.invalidSyntax(
      '"op" to be "add", "replace" or "remove" in any case',
      operation.op,
    );
  }
  const path = operation.path ?? undefined;
  if (path !== undefined && typeof path !== 'string') {
    throw ScimPatchError.invalidSyntax('"path" to be a string', path);
  }
  if (path !== undefined) {
    parseScimPath(path, BUILT_IN_SCHEMAS);
  }
  const { value } = operation;
  assertNoPrototypeKeys(value, 'value');
  checkValue(op, path, value);

  return {
    op,
    ...(path === undefined ? {} : { path }),
    ...(value === undefined ? {} : { value }),
  };
}

function checkValue(op: PatchOpName, path: string | undefined, value: unknown): void {
  if (path === undefined && op === 'remove') {
    throw ScimPatchError.noTarget('', 'a remove needs a path naming what to remove');
  }
  if (path === undefined && !isPlainObject(value)) {
    throw ScimPatchError.invalidValue(
      'value',
      `an object of attributes when "${op}" has no path`,
      value,
    );
  }
  if (op !== 'remove' && value === undefined) {
    throw ScimPatchError.invalidValue('value', `a value for "${op}"`, value);
  }
}
