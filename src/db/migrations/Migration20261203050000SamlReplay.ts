import { Migration } from '@mikro-orm/migrations';

/** SAML assertions already used to sign in, remembered until they expire. */
export class Migration20261203050000SamlReplay extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "saml_assertion_seen" ("id" uuid not null, "tenant_id" uuid not null,
        "assertion_id" varchar(255) not null, "expires_at" timestamptz not null,
        constraint "saml_assertion_seen_pkey" primary key ("id"))`,
    );
    this.addSql(
      `alter table "saml_assertion_seen" add constraint ` +
        `"saml_assertion_seen_tenant_assertion_unique" unique ("tenant_id", "assertion_id")`,
    );
    this.addSql(
      `alter table "saml_assertion_seen" add constraint "saml_assertion_seen_tenant_id_foreign" ` +
        `foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "saml_assertion_seen" cascade`);
  }
}
