/**
 * The random part of a gateway token (`igw_<kind>_<tenant>_<secret>`), which is what must never
 * leak; the kind and tenant are public. The secret is base64url and may itself contain `_`, and
 * any other value (an OIDC client secret) is secret whole.
 */
export function secretPart(token: string): string {
  return /^igw_[a-z]+_[0-9a-f]{32}_(.+)$/.exec(token)?.[1] ?? token;
}
