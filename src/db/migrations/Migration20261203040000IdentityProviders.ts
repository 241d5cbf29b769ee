import { Migration } from '@mikro-orm/migrations';

/** Issuers whose JWTs the API accepts, and each user's subject at the tenant's IdP. */
export class Migration20261203040000IdentityProviders extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "identity_provider" ("id" uuid not null, "tenant_id" uuid not null,
        "name" varchar(100) not null, "issuer" text not null, "jwks_uri" text not null,
        "audiences" jsonb not null, "email_claim" varchar(100) not null default 'email',
        "unique_id_claim" varchar(100) not null default 'sub', "created_at" timestamptz not null,
        constraint "identity_provider_pkey" primary key ("id"))`,
    );
    this.addSql(`create index "identity_provider_issuer_idx" on "identity_provider" ("issuer")`);
    this.addSql(
      `alter table "identity_provider" add constraint "identity_provider_tenant_issuer_unique" ` +
        `unique ("tenant_id", "issuer")`,
    );
    this.addSql(
      `alter table "identity_provider" add constraint "identity_provider_tenant_id_foreign" ` +
        `foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(`alter table "app_user" add column "idp_subject" varchar(255) null`);
    this.addSql(
      `alter table "app_user" add constraint "app_user_tenant_idp_subject_unique" ` +
        `unique ("tenant_id", "idp_subject")`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop constraint "app_user_tenant_idp_subject_unique"`);
    this.addSql(`alter table "app_user" drop column "idp_subject"`);
    this.addSql(`drop table if exists "identity_provider" cascade`);
  }
}
