import { SecretBox } from './common/secret-box';
import type { Config } from './config';
import { MailOutbox } from './mail/outbox';

/** Settings the domain services read; a subset of the configuration. */
export interface Settings {
  publicUrl: string;
  invitationTtlHours: number;
}

/** What the process builds once and every request shares. */
export interface Runtime {
  settings: Settings;
  secrets: SecretBox;
  outbox: MailOutbox;
}

export function createRuntime(
  config: Pick<Config, 'publicUrl' | 'invitationTtlHours'>,
  secretKey: string,
  onMailQueued?: () => void,
): Runtime {
  const secrets = new SecretBox(secretKey);

  return {
    settings: { publicUrl: config.publicUrl, invitationTtlHours: config.invitationTtlHours },
    secrets,
    outbox: new MailOutbox(secrets, onMailQueued),
  };
}
