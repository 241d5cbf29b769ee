import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

/**
 * A SAML assertion the gateway has accepted, kept until it expires so that the same assertion
 * cannot sign anyone in twice. The unique index decides between two concurrent posts of it.
 */
@Entity({ tableName: 'saml_assertion_seen' })
@Unique({
  name: 'saml_assertion_seen_tenant_assertion_unique',
  properties: ['tenant', 'assertionId'],
})
export class SamlAssertionSeen {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Property({ type: 'string', length: 255 })
  assertionId!: string;

  @Property({ type: 'datetime' })
  expiresAt!: Date;
}
