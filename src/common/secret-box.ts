import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts secrets that must be read back (an SSO client secret, a queued email that carries a
 * one-time link) with AES-256-GCM under a key derived from SECRET_KEY. Values that need only be
 * compared are hashed instead, never stored here.
 */
export class SecretBox {
  private readonly key: Buffer;
  private readonly fingerprintKey: Buffer;

  constructor(secretKey: string) {
    this.key = createHash('sha256').update(secretKey).digest();
    // A key of its own, so that fingerprints reveal nothing about the encryption key.
    this.fingerprintKey = createHmac('sha256', secretKey).update('fingerprint-v1').digest();
  }

  /**
   * A keyed hash for values that are only looked up, never read back, such as the IP address or
   * email a rate limit counts. Without the key, a stolen table cannot be reversed by hashing
   * every IPv4 address.
   */
  fingerprint(value: string): string {
    return createHmac('sha256', this.fingerprintKey).update(value).digest('hex');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));

    return [VERSION, ...parts].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) {
      throw new Error('not a value sealed by this gateway');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));

    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
