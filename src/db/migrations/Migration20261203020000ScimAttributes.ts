import { Migration } from '@mikro-orm/migrations';

/** SCIM userName and attributes on users; a version (the SCIM ETag) on teams. */
export class Migration20261203020000ScimAttributes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "team" add column "version" int not null default 1`);
    // Existing users get their email as userName, so an IdP looking them up finds them.
    this.addSql(`alter table "app_user" add column "user_name" varchar(320) null`);
    this.addSql(`update "app_user" set "user_name" = "email"`);
    this.addSql(`alter table "app_user" alter column "user_name" set not null`);
    this.addSql(`alter table "app_user" add column "scim" jsonb null`);
    this.addSql(
      `create index "app_user_tenant_external_id_idx" on "app_user" ("tenant_id", "external_id")`,
    );
    this.addSql(
      `create unique index "app_user_tenant_user_name_unique" ` +
        `on "app_user" ("tenant_id", lower("user_name"))`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "app_user_tenant_user_name_unique"`);
    this.addSql(`drop index if exists "app_user_tenant_external_id_idx"`);
    this.addSql(`alter table "app_user" drop column "scim", drop column "user_name"`);
    this.addSql(`alter table "team" drop column "version"`);
  }
}
