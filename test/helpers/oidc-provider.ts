import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TestAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
}

export interface TestProviderClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** A real OpenID provider on loopback, in a child process (see oidc-provider-server.mjs). */
export class TestOidcProvider {
  private constructor(
    readonly issuer: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(client: TestProviderClient): Promise<TestOidcProvider> {
    const script = join(__dirname, 'oidc-provider-server.mjs');
    const child = spawn(process.execPath, [script, JSON.stringify(client)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // The provider warns about its development defaults on every start; only errors matter.
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (!line.startsWith('oidc-provider WARNING')) process.stderr.write(`${line}\n`);
    });
    const [issuer] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];

    return new TestOidcProvider(issuer, child);
  }

  get jwksUri(): string {
    return `${this.issuer}/jwks`;
  }

  async addAccount(account: TestAccount): Promise<void> {
    const response = await fetch(`${this.issuer}/test/accounts`, {
      method: 'POST',
      body: JSON.stringify(account),
    });
    if (response.status !== 204) throw new Error(`adding a test account: ${response.status}`);
  }

  async stop(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.stdin?.end();
    await exited;
  }
}

/** A browser's cookie jar, by host; enough for loopback servers on plain http. */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const [name, ...value] = pair.trim().split('=');
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired) jar.delete(name);
      else jar.set(name, value.join('='));
    }
    this.cookies.set(host, jar);
  }

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host) ?? new Map<string, string>();

    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.cookies.set(host, jar);
  }
}

/**
 * Follows redirects as a browser would, carrying cookies, until a response is not a redirect
 * or its Location matches `stopAt`. `rewrite` maps public URLs to where servers really listen.
 */
export async function browse(
  start: string,
  jar: CookieJar,
  options: { rewrite?: (url: string) => string; stopAt?: (url: string) => boolean } = {},
): Promise<{ url: string; response: Response; location?: string }> {
  const rewrite = options.rewrite ?? ((url: string) => url);
  let url = rewrite(start);
  for (let hop = 0; hop < 20; hop += 1) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: jar.header(url) },
    });
    jar.store(url, response);
    const location = response.headers.get('location');
    if (!location || response.status < 300 || response.status >= 400) return { url, response };
    const next = new URL(location, url).toString();
    if (options.stopAt?.(next)) return { url, response, location: next };
    url = rewrite(next);
  }
  throw new Error(`too many redirects from ${start}`);
}
