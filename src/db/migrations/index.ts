import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261203000000Initial } from './Migration20261203000000Initial';
import { Migration20261203010000Lifecycle } from './Migration20261203010000Lifecycle';
import { Migration20261203020000ScimAttributes } from './Migration20261203020000ScimAttributes';
import { Migration20261203030000Passwords } from './Migration20261203030000Passwords';
import { Migration20261203040000IdentityProviders } from './Migration20261203040000IdentityProviders';
import { Migration20261203050000SamlReplay } from './Migration20261203050000SamlReplay';

/** Every migration, in order; listed so the compiled app and ts-jest load the same set. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261203000000Initial', class: Migration20261203000000Initial },
  { name: 'Migration20261203010000Lifecycle', class: Migration20261203010000Lifecycle },
  { name: 'Migration20261203020000ScimAttributes', class: Migration20261203020000ScimAttributes },
  { name: 'Migration20261203030000Passwords', class: Migration20261203030000Passwords },
  {
    name: 'Migration20261203040000IdentityProviders',
    class: Migration20261203040000IdentityProviders,
  },
  { name: 'Migration20261203050000SamlReplay', class: Migration20261203050000SamlReplay },
];
