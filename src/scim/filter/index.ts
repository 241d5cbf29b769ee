export { ScimFilterError } from './errors';
export { MAX_FILTER_DEPTH } from './parser';
export type {
  FilterSchema,
  MultiValuedAttribute,
  ScalarAttribute,
  ScimType,
  SubAttribute,
} from './schema';
export { MAX_FILTER_LENGTH, type TranslatedFilter, translateFilter } from './translate';
