import { randomUUID } from 'node:crypto';
import { type Algorithm, hash, hashSync, parseOptions, verify } from '@node-rs/argon2';
import type { Argon2Settings } from '../config';

/** `Algorithm.Argon2id`; the package declares its enum `const`, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

/** The cost used when nothing is configured: OWASP's baseline for Argon2id. */
export const DEFAULT_ARGON2: Argon2Settings = { memoryKib: 19_456, iterations: 2, parallelism: 1 };

/**
 * Hashes and verifies passwords with Argon2id. The PHC string it stores carries its own salt and
 * parameters, so hashes made before a change of cost still verify.
 */
export class PasswordHasher {
  /**
   * A hash of a password nobody knows, made with the configured cost. Verifying against it when
   * no account matches costs what verifying a real password does, so the answer's timing does
   * not tell whether the account exists.
   */
  private readonly decoy: string;

  constructor(private readonly settings: Argon2Settings = DEFAULT_ARGON2) {
    this.decoy = hashSync(randomUUID(), this.options());
  }

  hash(password: string): Promise<string> {
    return hash(normalize(password), this.options());
  }

  /** Whether `password` matches `stored`; without a stored hash, spends the same time on a decoy. */
  async verify(stored: string | null, password: string): Promise<boolean> {
    const matches = await verify(stored ?? this.decoy, normalize(password));

    return stored !== null && matches;
  }

  /** Whether a stored hash was made with a lower cost than the one configured now. */
  isOutdated(stored: string): boolean {
    const used = parseOptions(stored);

    return (
      used.memoryCost < this.settings.memoryKib ||
      used.timeCost < this.settings.iterations ||
      used.parallelism !== this.settings.parallelism
    );
  }

  private options() {
    return {
      algorithm: ARGON2ID,
      memoryCost: this.settings.memoryKib,
      timeCost: this.settings.iterations,
      parallelism: this.settings.parallelism,
    };
  }
}

/**
 * The same password typed on two keyboards can arrive as different code points (a precomposed
 * "é" or "e" plus an accent); compatibility normalisation makes them one password.
 */
export function normalize(password: string): string {
  return password.normalize('NFKC');
}
