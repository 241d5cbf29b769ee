import { randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import selfsigned from 'selfsigned';
import { SignedXml } from 'xml-crypto';

export const IDP_ENTITY_ID = 'https://idp.example.com';
export const IDP_SSO_URL = 'https://idp.example.com/sso';

/** What a test IdP asserts; anything left out takes a valid default. */
export interface AssertionOptions {
  inResponseTo: string;
  /** The SP entity id the assertion is for. */
  audience: string;
  /** The SP's ACS URL, as Destination and Recipient. */
  acs: string;
  nameId: string;
  attributes?: Record<string, string>;
  assertionId?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  issuer?: string;
  /** False posts the assertion without any signature. */
  signed?: boolean;
}

/** A SAML identity provider in the test process: a key pair, and signed responses. */
export class TestSamlIdp {
  private constructor(
    readonly certificate: string,
    private readonly privateKey: string,
  ) {}

  static async create(): Promise<TestSamlIdp> {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'idp.example.com' }], {
      keySize: 2048,
    });

    return new TestSamlIdp(pems.cert, pems.private);
  }

  /** A base64 `SAMLResponse` whose assertion is signed with this IdP's key (enveloped, SHA-256). */
  response(options: AssertionOptions): string {
    const xml = responseXml(options);
    if (options.signed === false) return Buffer.from(xml).toString('base64');
    const signer = new SignedXml({
      privateKey: this.privateKey,
      publicCert: this.certificate,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    signer.addReference({
      xpath: "//*[local-name(.)='Assertion']",
      transforms: [
        'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
        'http://www.w3.org/2001/10/xml-exc-c14n#',
      ],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    // The schema puts the signature right after the assertion's Issuer.
    signer.computeSignature(xml, {
      location: {
        reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
        action: 'after',
      },
    });

    return Buffer.from(signer.getSignedXml()).toString('base64');
  }
}

/** The ID of the AuthnRequest in an HTTP-Redirect binding URL (deflated, then base64). */
export function authnRequestId(redirectUrl: string): string {
  const encoded = new URL(redirectUrl).searchParams.get('SAMLRequest');
  if (!encoded) throw new Error(`expected a SAMLRequest parameter in ${redirectUrl}`);
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const id = /\sID="([^"]+)"/.exec(xml)?.[1];
  if (!id) throw new Error(`expected an ID attribute on the AuthnRequest, got ${xml}`);

  return id;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function responseXml(options: AssertionOptions): string {
  const now = new Date();
  const issueInstant = now.toISOString();
  const notBefore = (options.notBefore ?? new Date(now.getTime() - 5_000)).toISOString();
  const notOnOrAfter = (options.notOnOrAfter ?? new Date(now.getTime() + 300_000)).toISOString();
  const issuer = escapeXml(options.issuer ?? IDP_ENTITY_ID);
  const attributes = Object.entries(options.attributes ?? {})
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${escapeXml(name)}"><saml:AttributeValue>${escapeXml(value)}` +
        '</saml:AttributeValue></saml:Attribute>',
    )
    .join('');
  const statement = attributes
    ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>`
    : '';

  return (
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
    `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${randomUUID()}" Version="2.0" ` +
    `IssueInstant="${issueInstant}" Destination="${escapeXml(options.acs)}" ` +
    `InResponseTo="${escapeXml(options.inResponseTo)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>' +
    '</samlp:Status>' +
    `<saml:Assertion ID="${escapeXml(options.assertionId ?? `_${randomUUID()}`)}" ` +
    `Version="2.0" IssueInstant="${issueInstant}"><saml:Issuer>${issuer}</saml:Issuer>` +
    '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">' +
    `${escapeXml(options.nameId)}</saml:NameID>` +
    '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
    `<saml:SubjectConfirmationData InResponseTo="${escapeXml(options.inResponseTo)}" ` +
    `NotOnOrAfter="${notOnOrAfter}" Recipient="${escapeXml(options.acs)}"/>` +
    '</saml:SubjectConfirmation></saml:Subject>' +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeXml(options.audience)}</saml:Audience>` +
    '</saml:AudienceRestriction></saml:Conditions>' +
    `<saml:AuthnStatement AuthnInstant="${issueInstant}">` +
    '<saml:AuthnContext><saml:AuthnContextClassRef>' +
    'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport' +
    '</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>' +
    statement +
    '</saml:Assertion></samlp:Response>'
  );
}
