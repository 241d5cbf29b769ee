// Serves a real OpenID provider (oidc-provider) on a loopback port for one test file. It runs in
// its own process because oidc-provider is an ES module, which Jest's CommonJS sandbox cannot
// load. argv[2] is a JSON object { clientId, clientSecret, redirectUris }. It prints its issuer
// URL, and exits when its parent goes away.
//
// Interactions complete by themselves: the account named by the authorization request's
// `login_hint` is signed in and granted every scope asked for. Accounts are added by the test
// with `POST /test/accounts` and a JSON body of claims (sub, email, email_verified, name).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { clientId, clientSecret, redirectUris } = JSON.parse(process.argv[2]);
const accounts = new Map();

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims go into the ID token too, so that tests can use it as a bearer token.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const claims = accounts.get(sub);
    return claims && { accountId: sub, claims: async () => claims };
  },
});
provider.on('server_error', (_ctx, error) => process.stderr.write(`${error.stack}\n`));

async function completeInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const accountId = details.params.login_hint;
  if (!accounts.has(accountId)) {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'unknown test account',
    });
    return;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } });
}

async function addAccount(req, res) {
  let body = '';
  for await (const chunk of req) body += chunk;
  const claims = JSON.parse(body);
  accounts.set(claims.sub, claims);
  res.writeHead(204).end();
}

const handleProvider = provider.callback();
server.on('request', (req, res) => {
  const route = req.url.startsWith('/interaction/')
    ? completeInteraction
    : req.method === 'POST' && req.url === '/test/accounts'
      ? addAccount
      : null;
  if (!route) return handleProvider(req, res);
  route(req, res).catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    res.writeHead(500).end();
  });
});

process.stdout.write(`${issuer}\n`);
const stop = () => server.close(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
