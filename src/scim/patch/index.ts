export { applyGroupPatch, type GroupPatchResult } from './group-patch';
export { CORE_GROUP_URN } from './group-schema';
export { ScimPatchError, type ScimPatchErrorType } from './patch-error';
export {
  MAX_PATCH_OPERATIONS,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  type PatchOpName,
  parsePatchRequest,
} from './patch-request';
export { assertNoPrototypeKeys } from './prototype-guard';
export { applyUserPatch } from './user-patch';
export { CORE_USER_URN, ENTERPRISE_USER_URN } from './user-schema';
