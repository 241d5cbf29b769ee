import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../src/common/errors';
import { ConfigError, loadConfig } from '../src/config';
import {
  COMMON_PASSWORDS_FILE,
  isCommonPassword,
  renderCommonPasswords,
} from '../src/password/common-passwords';
import { PasswordHasher } from '../src/password/password-hasher';
import { assertAcceptablePassword } from '../src/password/password-policy';
import { resolveSigningKey } from '../src/session/signing-key';
import { TEST_ARGON2 } from './helpers/gateway';

/** The rule a password breaks, or null when the policy accepts it. */
function brokenRule(password: string, email = 'ann.lee@acme.test'): string | null {
  try {
    assertAcceptablePassword(password, email, 'password');

    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.code).toBe('WEAK_PASSWORD');
    expect(error.message).not.toContain(password);

    return error.message;
  }
}

describe('the password policy', () => {
  it("accepts a long passphrase that is nobody else's favourite", () => {
    expect(brokenRule('pelican under the stairs')).toBeNull();
    expect(brokenRule('Ünïcödé pässwörd 12')).toBeNull();
  });

  it('refuses fewer than 12 characters, counting characters rather than bytes', () => {
    expect(brokenRule('elevenchars')).toContain('at least 12 characters; it has 11');
    expect(brokenRule('😀'.repeat(11))).toContain('it has 11');
  });

  it('refuses the email, its local part, and the local part followed by digits or symbols', () => {
    expect(brokenRule('Ann.Lee@acme.test')).toContain('must not be your email address');
    expect(brokenRule('ann.lee.2024', 'ann.lee.2024@acme.test')).toContain('email address');
    expect(brokenRule('ann.lee@2024!!')).toContain('email address');
    expect(brokenRule('ann.lee likes tea')).toBeNull();
  });

  it('refuses common passwords whatever their case or spacing', () => {
    for (const password of ['Password1234', 'qwertyuiop123', 'ILOVEYOU2015', 'Football 12345']) {
      expect(brokenRule(password)).toContain('commonly used passwords');
    }
  });

  it('refuses more than 256 characters', () => {
    expect(brokenRule('x'.repeat(257))).toContain('at most 256 characters');
  });
});

describe('the bundled list of common passwords', () => {
  it('is exactly what the generator writes, a few thousand lowercase entries of 12+ characters', () => {
    const committed = readFileSync(COMMON_PASSWORDS_FILE, 'utf8');
    const entries = committed.split('\n').filter((line) => line && !line.startsWith('#'));

    expect(committed).toBe(renderCommonPasswords());
    expect(entries.length).toBeGreaterThan(3_000);
    expect(entries.length).toBeLessThan(20_000);
    expect(entries.every((entry) => entry.length >= 12 && entry === entry.toLowerCase())).toBe(
      true,
    );
    expect(isCommonPassword('P@$$w0rd1234')).toBe(true);
  });
});

describe('password hashes', () => {
  const hasher = new PasswordHasher(TEST_ARGON2);

  it('are Argon2id with the configured cost, and verify the same password in another normal form', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait au lit');

    expect(stored).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(await hasher.verify(stored, 'cafe\u0301 au lait au lit')).toBe(true);
    expect(await hasher.verify(stored, 'cafe au lait au lit')).toBe(false);
  });

  it('never match when there is no stored hash', async () => {
    expect(await hasher.verify(null, '')).toBe(false);
  });

  it('are outdated once the configured cost rises', async () => {
    const stored = await hasher.hash('some long password');
    const stronger = new PasswordHasher({ ...TEST_ARGON2, iterations: 2 });

    expect(hasher.isOutdated(stored)).toBe(false);
    expect(stronger.isOutdated(stored)).toBe(true);
  });
});

describe('session signing configuration', () => {
  const pem = (type: 'ec' | 'ed25519' | 'rsa') => {
    const options = type === 'ec' ? { namedCurve: 'P-256' } : { modulusLength: 2048 };
    const { privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });

    return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  };

  it('accepts EC P-256 and Ed25519 keys, also with escaped newlines', () => {
    expect(loadConfig({ JWT_PRIVATE_KEY: pem('ec') }).jwtPrivateKey).toContain('PRIVATE KEY');
    const escaped = pem('ed25519').replaceAll('\n', '\\n');
    expect(loadConfig({ JWT_PRIVATE_KEY: escaped }).jwtPrivateKey).toContain('\n');
  });

  it('refuses other keys and text that is no key, naming the variable and what to supply', () => {
    expect(() => loadConfig({ JWT_PRIVATE_KEY: pem('rsa') })).toThrow(
      /^invalid configuration: JWT_PRIVATE_KEY must be .* received a rsa key$/,
    );
    expect(() => loadConfig({ JWT_PRIVATE_KEY: 'not a key' })).toThrow(ConfigError);
  });

  it('requires JWT_PRIVATE_KEY in production', () => {
    const secretKey = 'x'.repeat(32);

    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY: secretKey })).toThrow(
      /^invalid configuration: JWT_PRIVATE_KEY is required in production/,
    );
  });

  it('keeps a generated key under DATA_DIR when none is configured', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'igw-keys-'));

    const first = resolveSigningKey({ dataDir });
    const second = resolveSigningKey({ dataDir });

    expect(first).toContain('BEGIN PRIVATE KEY');
    expect(second).toBe(first);
  });

  it('takes Argon2 costs from the environment', () => {
    expect(loadConfig({}).argon2).toEqual({ memoryKib: 19_456, iterations: 2, parallelism: 1 });
    expect(loadConfig({ ARGON2_MEMORY_KIB: '8192', ARGON2_ITERATIONS: '3' }).argon2).toEqual({
      memoryKib: 8_192,
      iterations: 3,
      parallelism: 1,
    });
    expect(() => loadConfig({ ARGON2_ITERATIONS: '0' })).toThrow(/ARGON2_ITERATIONS/);
  });
});
