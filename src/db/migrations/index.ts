import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261203000000Initial } from './Migration20261203000000Initial';
import { Migration20261203010000Lifecycle } from './Migration20261203010000Lifecycle';
import { Migration20261203020000ScimAttributes } from './Migration20261203020000ScimAttributes';

/** Every migration, in order. Listed explicitly so the compiled app and ts-jest load the same set. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261203000000Initial', class: Migration20261203000000Initial },
  { name: 'Migration20261203010000Lifecycle', class: Migration20261203010000Lifecycle },
  { name: 'Migration20261203020000ScimAttributes', class: Migration20261203020000ScimAttributes },
];
