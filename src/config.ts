import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATA_DIR: z.string().min(1).default('.data'),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Identity Gateway <no-reply@localhost>'),
  INVITATION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).default(2_000),
  JWT_PRIVATE_KEY: z.string().optional(),
  TRUST_PROXY: z.string().optional(),
  SIGN_IN_RETURN_URLS: z
    .string()
    .refine(
      (value) => splitList(value).every(isHttpOrigin),
      'must be a comma-separated list of http(s) origins, e.g. https://app.example.com',
    )
    .optional(),
  // OWASP's baseline for Argon2id: 19 MiB, 2 passes, 1 lane.
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(64).max(4_194_304).default(19_456),
  ARGON2_ITERATIONS: z.coerce.number().int().min(1).max(100).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  /** Unset means: run on the embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  port: number;
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  nodeEnv: 'development' | 'production' | 'test';
  dataDir: string;
  /** Encrypts stored secrets; unset outside production means a key kept under `dataDir`. */
  secretKey?: string;
  smtpUrl?: string;
  mailFrom: string;
  invitationTtlHours: number;
  mailMaxAttempts: number;
  mailRetryBaseMs: number;
  /** Signs access tokens (PKCS8 PEM); unset outside production means a key kept under `dataDir`. */
  jwtPrivateKey?: string;
  argon2: Argon2Settings;
  /** Unset: the socket's address is the client's. A hop count, `true`, or addresses/subnets. */
  trustProxy: boolean | number | string;
  /** Origins a browser sign-in may send its session back to (in the URL fragment). */
  signInReturnUrls: string[];
}

/** Argon2id cost; hashes keep the parameters they were made with, so raising them is safe. */
export interface Argon2Settings {
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

/** The signing algorithms the gateway supports, by the kind of key configured. */
export type SigningAlgorithm = 'ES256' | 'EdDSA';

export class ConfigError extends Error {}

/** Parses the environment; the error names the first bad variable and what it must be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`invalid configuration: ${name} ${issue.message}`);
  }
  const raw = parsed.data;
  if (raw.NODE_ENV === 'production' && !raw.SECRET_KEY) {
    throw new ConfigError(
      'invalid configuration: SECRET_KEY is required in production (32 or more random characters)',
    );
  }
  if (raw.NODE_ENV === 'production' && !raw.JWT_PRIVATE_KEY) {
    throw new ConfigError(
      'invalid configuration: JWT_PRIVATE_KEY is required in production (a PKCS8 PEM key; ' +
        'create one with `openssl genpkey -algorithm ed25519`)',
    );
  }
  // Secret stores and env files often carry a PEM on one line, with its newlines as `\\n`.
  const jwtPrivateKey = raw.JWT_PRIVATE_KEY?.replaceAll('\\n', '\n');
  if (jwtPrivateKey) signingAlgorithmOf(jwtPrivateKey);

  return {
    databaseUrl: raw.DATABASE_URL,
    port: raw.PORT,
    publicUrl: (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, ''),
    logLevel: raw.LOG_LEVEL,
    nodeEnv: raw.NODE_ENV,
    dataDir: raw.DATA_DIR,
    secretKey: raw.SECRET_KEY,
    smtpUrl: raw.SMTP_URL,
    mailFrom: raw.MAIL_FROM,
    invitationTtlHours: raw.INVITATION_TTL_HOURS,
    mailMaxAttempts: raw.MAIL_MAX_ATTEMPTS,
    mailRetryBaseMs: raw.MAIL_RETRY_BASE_MS,
    jwtPrivateKey,
    trustProxy: parseTrustProxy(raw.TRUST_PROXY),
    signInReturnUrls: splitList(raw.SIGN_IN_RETURN_URLS ?? '').map((url) => new URL(url).origin),
    argon2: {
      memoryKib: raw.ARGON2_MEMORY_KIB,
      iterations: raw.ARGON2_ITERATIONS,
      parallelism: raw.ARGON2_PARALLELISM,
    },
  };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function isHttpOrigin(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Express's forms: `true`, a number of hops, or a comma-separated list of addresses. */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;

  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * The JWS algorithm for a private key: ES256 for an EC P-256 key, EdDSA for Ed25519. Anything
 * else, or text that is not a private key, is a configuration error that says what to supply.
 */
export function signingAlgorithmOf(pem: string): SigningAlgorithm {
  const expected =
    'must be a PKCS8 PEM private key of type EC P-256 (ES256) or Ed25519 (EdDSA), ' +
    'e.g. from `openssl genpkey -algorithm ed25519`';
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError(`invalid configuration: JWT_PRIVATE_KEY ${expected}`);
  }
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  const received = [key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve].filter(Boolean);
  throw new ConfigError(
    `invalid configuration: JWT_PRIVATE_KEY ${expected}; received a ${received.join(' ')} key`,
  );
}
