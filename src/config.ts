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
}

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
  };
}
