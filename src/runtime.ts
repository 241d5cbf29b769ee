import { SecretBox } from './common/secret-box';
import type { Config } from './config';
import { JwksCache } from './identity-provider/jwks-cache';
import { MailOutbox } from './mail/outbox';
import { DEFAULT_ARGON2, PasswordHasher } from './password/password-hasher';
import { SessionKeys } from './session/session-keys';
import { generateSigningKey } from './session/signing-key';

/** Settings the domain services read; a subset of the configuration. */
export interface Settings {
  publicUrl: string;
  invitationTtlHours: number;
  /** Express's `trust proxy`: which proxies may tell the client's address. */
  trustProxy?: Config['trustProxy'];
  /** Origins a browser sign-in may return its session to; none means it shows the session. */
  signInReturnUrls?: string[];
}

/** What the process builds once and every request shares. */
export interface Runtime {
  settings: Settings;
  secrets: SecretBox;
  outbox: MailOutbox;
  /** Identity providers' key sets, fetched once per process. */
  jwks: JwksCache;
  passwords: PasswordHasher;
  sessionKeys: SessionKeys;
}

export type RuntimeConfig = Pick<Config, 'publicUrl' | 'invitationTtlHours'> &
  Partial<Pick<Config, 'argon2' | 'trustProxy' | 'signInReturnUrls'>>;

/**
 * Without `signingKey`, access tokens are signed with a key made for this process alone, which
 * suits tools that never serve a session (the CLI, benchmarks).
 */
export function createRuntime(
  config: RuntimeConfig,
  secretKey: string,
  onMailQueued?: () => void,
  signingKey: string = generateSigningKey(),
): Runtime {
  const secrets = new SecretBox(secretKey);

  return {
    settings: {
      publicUrl: config.publicUrl,
      invitationTtlHours: config.invitationTtlHours,
      trustProxy: config.trustProxy,
      signInReturnUrls: config.signInReturnUrls ?? [],
    },
    secrets,
    outbox: new MailOutbox(secrets, onMailQueued),
    jwks: new JwksCache(),
    passwords: new PasswordHasher(config.argon2 ?? DEFAULT_ARGON2),
    sessionKeys: new SessionKeys(signingKey, config.publicUrl),
  };
}
