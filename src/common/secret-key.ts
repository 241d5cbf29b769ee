import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';

/**
 * SECRET_KEY when set. Otherwise (never in production, which config refuses) a random key kept
 * in the data directory, so a fresh clone works and encrypted values survive restarts.
 */
export function resolveSecretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, 'secret-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64url');
    try {
      writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process (the CLI beside the server) wrote it first: use theirs.
      return readFileSync(file, 'utf8').trim();
    }

    return key;
  }
}
