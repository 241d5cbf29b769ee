import { Field, InputType } from 'type-graphql';
import { SsoProtocol } from './sso-connection.entity';

@InputType()
export class ConfigureSsoInput {
  @Field(() => SsoProtocol)
  protocol!: SsoProtocol;

  @Field(() => String, {
    nullable: true,
    description: 'OIDC issuer URL, or the SAML IdP entity id.',
  })
  issuer?: string | null;

  @Field(() => String, { nullable: true, description: 'OIDC only.' })
  clientId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'OIDC only. Stored encrypted, never returned; omit to keep the stored one.',
  })
  clientSecret?: string | null;

  @Field(() => String, { nullable: true, description: 'OIDC discovery document URL.' })
  discoveryUrl?: string | null;

  @Field(() => String, { nullable: true })
  jwksUri?: string | null;

  @Field(() => String, { nullable: true, description: 'SAML only: the IdP sign-in URL.' })
  samlEntryPoint?: string | null;

  @Field(() => String, { nullable: true, description: 'SAML only: the IdP signing certificate.' })
  samlCertificate?: string | null;

  @Field(() => String, { defaultValue: 'email' })
  emailClaim = 'email';

  @Field(() => String, { defaultValue: 'sub' })
  uniqueIdClaim = 'sub';
}
