import { Migration } from '@mikro-orm/migrations';

/** SSO connections, SCIM tokens, invitations, password resets, the mail outbox and the audit log. */
export class Migration20261203010000Lifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "sso_protocol" as enum ('OIDC', 'SAML')`);
    this.addSql(`create type "mail_status" as enum ('PENDING', 'SENDING', 'SENT', 'FAILED')`);
    this.addSql(`create type "audit_actor_type" as enum ('USER', 'SCIM', 'SYSTEM')`);
    this.addSql(
      `create type "invitation_status" as enum ('PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED')`,
    );
    this.addSql(
      `create table "sso_connection" ("id" uuid not null,
        "tenant_id" uuid not null,
        "protocol" "sso_protocol" not null,
        "issuer" text null,
        "client_id" text null,
        "client_secret_sealed" text null,
        "discovery_url" text null,
        "jwks_uri" text null,
        "saml_entry_point" text null,
        "saml_certificate" text null,
        "email_claim" varchar(100) not null default 'email',
        "unique_id_claim" varchar(100) not null default 'sub',
        "created_at" timestamptz not null,
        "updated_at" timestamptz not null,
        constraint "sso_connection_pkey" primary key ("id"))`,
    );
    this.addSql(
      `alter table "sso_connection" add constraint "sso_connection_tenant_unique" unique ("tenant_id")`,
    );
    this.addSql(
      `create table "scim_token" ("id" uuid not null,
        "tenant_id" uuid not null,
        "token_hash" varchar(64) not null,
        "prefix" varchar(32) not null,
        "created_at" timestamptz not null,
        "expires_at" timestamptz null,
        "last_used_at" timestamptz null,
        "revoked_at" timestamptz null,
        constraint "scim_token_pkey" primary key ("id"))`,
    );
    this.addSql(`create index "scim_token_tenant_idx" on "scim_token" ("tenant_id", "id")`);
    this.addSql(
      `alter table "scim_token" add constraint "scim_token_hash_unique" unique ("tenant_id",
        "token_hash")`,
    );
    this.addSql(
      `create table "mail_message" ("id" uuid not null,
        "tenant_id" uuid null,
        "kind" varchar(50) not null,
        "recipient" varchar(320) not null,
        "subject" text not null,
        "body_sealed" text null,
        "status" "mail_status" not null default 'PENDING',
        "attempts" int not null default 0,
        "next_attempt_at" timestamptz not null,
        "locked_until" timestamptz null,
        "last_error" text null,
        "sent_at" timestamptz null,
        "created_at" timestamptz not null,
        constraint "mail_message_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create index "mail_message_due_idx" on "mail_message" ("next_attempt_at") where "status" in ('PENDING', 'SENDING')`,
    );
    this.addSql(
      `create table "audit_event" ("id" uuid not null,
        "tenant_id" uuid not null,
        "occurred_at" timestamptz not null,
        "actor_type" "audit_actor_type" not null,
        "actor_id" uuid null,
        "actor_email" varchar(320) null,
        "action" varchar(100) not null,
        "targets" jsonb not null,
        "request_id" varchar(128) null,
        "ip" varchar(64) null,
        "user_agent" text null,
        "metadata" jsonb not null,
        constraint "audit_event_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create index "audit_event_targets_idx" on "audit_event" using gin ("targets" jsonb_path_ops)`,
    );
    this.addSql(
      `create index "audit_event_actor_idx" on "audit_event" ("tenant_id",
        "actor_id",
        "id")`,
    );
    this.addSql(`create index "audit_event_tenant_idx" on "audit_event" ("tenant_id", "id")`);
    this.addSql(
      `create table "password_reset" ("id" uuid not null,
        "tenant_id" uuid not null,
        "user_id" uuid not null,
        "token_hash" varchar(64) not null,
        "expires_at" timestamptz not null,
        "used_at" timestamptz null,
        "created_at" timestamptz not null,
        constraint "password_reset_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create index "password_reset_user_idx" on "password_reset" ("tenant_id", "user_id")`,
    );
    this.addSql(
      `alter table "password_reset" add constraint "password_reset_token_unique" unique ("tenant_id",
        "token_hash")`,
    );
    this.addSql(
      `create table "invitation" ("id" uuid not null,
        "tenant_id" uuid not null,
        "user_id" uuid not null,
        "email" varchar(320) not null,
        "role" "tenant_role" not null,
        "stored_status" "invitation_status" not null default 'PENDING',
        "token_hash" varchar(64) not null,
        "expires_at" timestamptz not null,
        "invited_by_id" uuid null,
        "invited_by_email" varchar(320) null,
        "accepted_at" timestamptz null,
        "revoked_at" timestamptz null,
        "created_at" timestamptz not null,
        constraint "invitation_pkey" primary key ("id"))`,
    );
    this.addSql(`create index "invitation_email_idx" on "invitation" ("tenant_id", "email")`);
    this.addSql(`create index "invitation_user_idx" on "invitation" ("tenant_id", "user_id")`);
    this.addSql(
      `alter table "invitation" add constraint "invitation_token_unique" unique ("tenant_id",
        "token_hash")`,
    );
    this.addSql(
      `alter table "sso_connection" add constraint "sso_connection_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "scim_token" add constraint "scim_token_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "mail_message" add constraint "mail_message_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "password_reset" add constraint "password_reset_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "password_reset" add constraint "password_reset_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "invitation" add constraint "invitation_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "invitation" add constraint "invitation_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "invitation" add constraint "invitation_invited_by_id_foreign" foreign key ("invited_by_id") references "app_user" ("id") on update cascade on delete set null`,
    );
  }

  override async down(): Promise<void> {
    for (const table of [
      'invitation',
      'password_reset',
      'audit_event',
      'mail_message',
      'scim_token',
      'sso_connection',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade`);
    }
    for (const type of ['sso_protocol', 'mail_status', 'audit_actor_type', 'invitation_status']) {
      this.addSql(`drop type if exists "${type}"`);
    }
  }
}
