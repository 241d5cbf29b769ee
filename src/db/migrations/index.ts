import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261203000000Initial } from './Migration20261203000000Initial';

/** Every migration, in order. Listed explicitly so the compiled app and ts-jest load the same set. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261203000000Initial', class: Migration20261203000000Initial },
];
