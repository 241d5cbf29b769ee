import { Migration } from '@mikro-orm/migrations';

/** Local passwords, sessions (families of rotated refresh tokens) and rate-limit counters. */
export class Migration20261203030000Passwords extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "password_credential" ("id" uuid not null,
        "tenant_id" uuid not null,
        "user_id" uuid not null,
        "hash" text not null,
        "created_at" timestamptz not null,
        "updated_at" timestamptz not null,
        constraint "password_credential_pkey" primary key ("id"))`,
    );
    this.addSql(
      `alter table "password_credential" add constraint "password_credential_user_unique" ` +
        `unique ("tenant_id", "user_id")`,
    );
    this.addSql(
      `create table "session_family" ("id" uuid not null,
        "tenant_id" uuid not null,
        "user_id" uuid not null,
        "expires_at" timestamptz not null,
        "revoked_at" timestamptz null,
        "revoked_reason" varchar(50) null,
        "created_at" timestamptz not null,
        constraint "session_family_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create index "session_family_user_idx" on "session_family" ("tenant_id", "user_id")`,
    );
    this.addSql(
      `create table "refresh_token" ("id" uuid not null,
        "tenant_id" uuid not null,
        "session_id" uuid not null,
        "token_hash" varchar(64) not null,
        "used_at" timestamptz null,
        "created_at" timestamptz not null,
        constraint "refresh_token_pkey" primary key ("id"))`,
    );
    this.addSql(
      `create index "refresh_token_session_idx" on "refresh_token" ("tenant_id", "session_id")`,
    );
    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_hash_unique" ` +
        `unique ("tenant_id", "token_hash")`,
    );
    this.addSql(
      `create table "rate_limit_bucket" ("id" uuid not null,
        "tenant_id" uuid not null,
        "scope" varchar(50) not null,
        "subject_hash" varchar(64) not null,
        "hits" int not null default 0,
        "window_started_at" timestamptz not null,
        "blocked_until" timestamptz null,
        "lockouts" int not null default 0,
        "updated_at" timestamptz not null,
        constraint "rate_limit_bucket_pkey" primary key ("id"))`,
    );
    this.addSql(
      `alter table "rate_limit_bucket" add constraint "rate_limit_bucket_subject_unique" ` +
        `unique ("tenant_id", "scope", "subject_hash")`,
    );
    for (const table of ['password_credential', 'session_family', 'rate_limit_bucket']) {
      this.addSql(
        `alter table "${table}" add constraint "${table}_tenant_id_foreign" foreign key ` +
          `("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
      );
    }
    for (const table of ['password_credential', 'session_family']) {
      this.addSql(
        `alter table "${table}" add constraint "${table}_user_id_foreign" foreign key ` +
          `("user_id") references "app_user" ("id") on update cascade on delete cascade`,
      );
    }
    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_tenant_id_foreign" foreign key ` +
        `("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_session_id_foreign" foreign ` +
        `key ("session_id") references "session_family" ("id") on update cascade on delete cascade`,
    );
  }

  override async down(): Promise<void> {
    for (const table of [
      'rate_limit_bucket',
      'refresh_token',
      'session_family',
      'password_credential',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade`);
    }
  }
}
