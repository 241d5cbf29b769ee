import { Migration } from '@mikro-orm/migrations';

/** Tenants, users, teams, resources and personal access tokens. */
export class Migration20261203000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "provisioning_mode" as enum ('SCIM', 'JIT', 'INVITE_ONLY')`);
    this.addSql(`create type "team_source" as enum ('MANUAL', 'SCIM')`);
    this.addSql(`create type "user_status" as enum ('INVITED', 'ACTIVE', 'DEACTIVATED')`);
    this.addSql(`create type "tenant_role" as enum ('ADMIN', 'MEMBER')`);
    this.addSql(`create type "user_source" as enum ('BOOTSTRAP', 'INVITE', 'SCIM', 'JIT')`);
    this.addSql(`create type "resource_kind" as enum ('WORKSPACE', 'CLUSTER', 'MODEL')`);
    this.addSql(`create type "resource_role" as enum ('ADMIN', 'EDITOR', 'VIEWER')`);
    this.addSql(
      `create table "tenant" ("id" uuid not null,
        "slug" varchar(40) not null,
        "name" varchar(200) not null,
        "provisioning_mode" "provisioning_mode" not null default 'INVITE_ONLY',
        "created_at" timestamptz not null,
        "updated_at" timestamptz not null,
        "version" int not null default 1,
        constraint "tenant_pkey" primary key ("id"))`,
    );
    this.addSql(`alter table "tenant" add constraint "tenant_slug_unique" unique ("slug")`);
    this.addSql(
      `create table "team" ("id" uuid not null,
        "tenant_id" uuid not null,
        "name" varchar(36) not null,
        "description" text null,
        "source" "team_source" not null default 'MANUAL',
        "external_id" varchar(255) null,
        "created_at" timestamptz not null,
        "updated_at" timestamptz not null,
        constraint "team_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create unique index "team_tenant_name_unique" on "team" ("tenant_id", lower("name"))`,
    );
    this.addSql(`create index "team_tenant_id_idx" on "team" ("tenant_id", "id")`);
    this.addSql(
      `create table "app_user" ("id" uuid not null,
        "tenant_id" uuid not null,
        "email" varchar(320) not null,
        "display_name" varchar(200) null,
        "status" "user_status" not null default 'ACTIVE',
        "role" "tenant_role" not null default 'MEMBER',
        "source" "user_source" not null default 'INVITE',
        "external_id" varchar(255) null,
        "last_seen_at" timestamptz null,
        "deactivated_at" timestamptz null,
        "created_at" timestamptz not null,
        "updated_at" timestamptz not null,
        "version" int not null default 1,
        constraint "app_user_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create index "app_user_display_name_prefix_idx" on "app_user" ("tenant_id", lower("display_name") text_pattern_ops)`,
    );
    this.addSql(
      `create index "app_user_email_prefix_idx" on "app_user" ("tenant_id",
        "email" text_pattern_ops)`,
    );
    this.addSql(`create index "app_user_tenant_id_idx" on "app_user" ("tenant_id", "id")`);
    this.addSql(
      `alter table "app_user" add constraint "app_user_tenant_email_unique" unique ("tenant_id",
        "email")`,
    );
    this.addSql(
      `create table "team_membership" ("id" uuid not null,
        "tenant_id" uuid not null,
        "team_id" uuid not null,
        "user_id" uuid not null,
        "is_manager" boolean not null default false,
        "created_at" timestamptz not null,
        constraint "team_membership_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create index "team_membership_user_idx" on "team_membership" ("tenant_id",
        "user_id")`,
    );
    this.addSql(
      `alter table "team_membership" add constraint "team_membership_unique" unique ("tenant_id",
        "team_id",
        "user_id")`,
    );
    this.addSql(
      `create table "resource" ("id" uuid not null,
        "tenant_id" uuid not null,
        "kind" "resource_kind" not null,
        "name" varchar(200) not null,
        "created_by_id" uuid null,
        "created_by_email" varchar(320) null,
        "created_at" timestamptz not null,
        constraint "resource_pkey" primary key ("id"))`,
    );
    this.addSql(`create index "resource_tenant_id_idx" on "resource" ("tenant_id", "id")`);
    this.addSql(
      `create table "resource_collaborator" ("id" uuid not null,
        "tenant_id" uuid not null,
        "resource_id" uuid not null,
        "user_id" uuid null,
        "team_id" uuid null,
        "role" "resource_role" not null,
        "created_at" timestamptz not null,
        constraint "resource_collaborator_pkey" primary key ("id"),
        constraint resource_collaborator_one_subject check (("user_id" is null) <> ("team_id" is null)))`,
    );
    this.addSql(
      `create index "resource_collaborator_team_idx" on "resource_collaborator" ("tenant_id",
        "team_id")`,
    );
    this.addSql(
      `create index "resource_collaborator_user_idx" on "resource_collaborator" ("tenant_id",
        "user_id")`,
    );
    this.addSql(
      `alter table "resource_collaborator" add constraint "resource_collaborator_team_unique" unique ("tenant_id",
        "resource_id",
        "team_id")`,
    );
    this.addSql(
      `alter table "resource_collaborator" add constraint "resource_collaborator_user_unique" unique ("tenant_id",
        "resource_id",
        "user_id")`,
    );
    this.addSql(
      `create table "access_token" ("id" uuid not null,
        "tenant_id" uuid not null,
        "user_id" uuid not null,
        "name" varchar(100) not null,
        "token_hash" varchar(64) not null,
        "prefix" varchar(32) not null,
        "expires_at" timestamptz null,
        "last_used_at" timestamptz null,
        "revoked_at" timestamptz null,
        "created_at" timestamptz not null,
        constraint "access_token_pkey" primary key ("id"))`,
    );
    this.addSql(`create index "access_token_user_idx" on "access_token" ("tenant_id", "user_id")`);
    this.addSql(
      `alter table "access_token" add constraint "access_token_hash_unique" unique ("tenant_id",
        "token_hash")`,
    );
    this.addSql(
      `alter table "team" add constraint "team_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "app_user" add constraint "app_user_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "team_membership" add constraint "team_membership_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "team_membership" add constraint "team_membership_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "team_membership" add constraint "team_membership_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "resource" add constraint "resource_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "resource" add constraint "resource_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null`,
    );
    this.addSql(
      `alter table "resource_collaborator" add constraint "resource_collaborator_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "resource_collaborator" add constraint "resource_collaborator_resource_id_foreign" foreign key ("resource_id") references "resource" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "resource_collaborator" add constraint "resource_collaborator_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "resource_collaborator" add constraint "resource_collaborator_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "access_token" add constraint "access_token_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "access_token" add constraint "access_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade`,
    );
  }

  override async down(): Promise<void> {
    for (const table of [
      'access_token',
      'resource_collaborator',
      'resource',
      'team_membership',
      'app_user',
      'team',
      'tenant',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade`);
    }
    for (const type of [
      'provisioning_mode',
      'team_source',
      'user_status',
      'tenant_role',
      'user_source',
      'resource_kind',
      'resource_role',
    ]) {
      this.addSql(`drop type if exists "${type}"`);
    }
  }
}
