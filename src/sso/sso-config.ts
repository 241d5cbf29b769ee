import { X509Certificate } from 'node:crypto';
import { DomainError, UserErrorCode } from '../common/errors';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const invalid = (field: string, message: string) =>
  new DomainError(UserErrorCode.INVALID_VALUE, message, [field]);

/** An https URL, or http on loopback (an IdP running beside the gateway in development). */
export function checkIdpUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `${field} must be an absolute URL; received "${value}".`);
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw invalid(
      field,
      `${field} must use https (http is accepted only on localhost); received "${value}".`,
    );
  }

  return url.toString();
}

/** A PEM certificate that parses; returned normalised so it can be used as is. */
export function checkPemCertificate(field: string, value: string): string {
  const pem = value.trim();
  if (!/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(pem)) {
    throw invalid(
      field,
      `${field} must be a PEM certificate from "-----BEGIN CERTIFICATE-----" to ` +
        '"-----END CERTIFICATE-----".',
    );
  }
  try {
    new X509Certificate(pem);
  } catch {
    throw invalid(field, `${field} looks like PEM but is not a valid X.509 certificate.`);
  }

  return pem;
}

export function requireValue(field: string, value: string | null | undefined, why: string) {
  const trimmed = value?.trim();
  if (!trimmed) throw invalid(field, `${field} is required ${why}.`);

  return trimmed;
}

/** Claim names are JSON keys; keep them plain so they can never smuggle a path or a script. */
export function checkClaimName(field: string, value: string): string {
  if (!/^[A-Za-z0-9_:./-]{1,100}$/.test(value)) {
    throw invalid(
      field,
      `${field} must be a claim name of 1 to 100 characters; received "${value}".`,
    );
  }

  return value;
}
