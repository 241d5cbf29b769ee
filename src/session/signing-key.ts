import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';

/** A new EC P-256 private key (ES256), as PKCS8 PEM. */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * JWT_PRIVATE_KEY when set. Otherwise (never in production, which config refuses) a key kept in
 * the data directory, so that sessions survive a restart of a development server.
 */
export function resolveSigningKey(config: Pick<Config, 'jwtPrivateKey' | 'dataDir'>): string {
  if (config.jwtPrivateKey) return config.jwtPrivateKey;
  const file = join(config.dataDir, 'jwt-private-key.pem');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const key = generateSigningKey();
    try {
      writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process (the CLI beside the server) wrote it first: use theirs.
      return readFileSync(file, 'utf8');
    }

    return key;
  }
}
