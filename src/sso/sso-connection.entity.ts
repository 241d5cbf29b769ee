import {
  Entity,
  Enum,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

export enum SsoProtocol {
  OIDC = 'OIDC',
  SAML = 'SAML',
}

registerEnumType(SsoProtocol, { name: 'SsoProtocol' });

/** A tenant's single sign-on connection. Its client secret is stored encrypted, never returned. */
@ObjectType('SsoConnection')
@Entity({ tableName: 'sso_connection' })
@Unique({ name: 'sso_connection_tenant_unique', properties: ['tenant'] })
export class SsoConnection {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'emailClaim' | 'uniqueIdClaim' | 'hasClientSecret';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Field(() => SsoProtocol)
  @Enum({ items: () => SsoProtocol, nativeEnumName: 'sso_protocol' })
  protocol!: SsoProtocol;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  issuer?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  clientId?: string | null;

  /** Sealed with the gateway's SecretBox. */
  @Property({ type: 'text', nullable: true })
  clientSecretSealed?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  discoveryUrl?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  jwksUri?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  samlEntryPoint?: string | null;

  @Field(() => String, { nullable: true, description: 'The IdP signing certificate (PEM).' })
  @Property({ type: 'text', nullable: true })
  samlCertificate?: string | null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  emailClaim = 'email';

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  uniqueIdClaim = 'sub';

  @Field(() => Boolean, { description: 'Whether a client secret is stored (it is never shown).' })
  get hasClientSecret(): boolean {
    return Boolean(this.clientSecretSealed);
  }

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
