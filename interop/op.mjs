// oidc-provider, an OpenID Certified provider nobody here wrote, standing
// in for Google in permissions/tests/certified_provider.rs. Stage 3 logs
// in with it as its GOOGLE_ISSUER, through its own login and consent pages.
//
//   node interop/op.mjs PORT REDIRECT_URI CLIENT_SECRET
//
// Prints one JSON line per event on stdout: {"listening": issuer} when it
// serves, then the provider's own events the test checks (a grant revoked,
// a token issued, an error).
import Provider from 'oidc-provider';

const [port, redirectUri, clientSecret] = process.argv.slice(2);
if (!port || !redirectUri || !clientSecret) {
  console.error('usage: node op.mjs PORT REDIRECT_URI CLIENT_SECRET');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const say = (line) => console.log(JSON.stringify(line));

// Any login is taken by the development login page; these two have a
// profile. The others are only a `sub`.
const accounts = {
  alice: { name: 'Alice Liddell', email: 'alice@example.org', email_verified: true },
  bob: { name: 'Bob', email: 'bob@example.org', email_verified: false },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'stage-3',
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }],
  // The provider's defaults, except what the test needs: its login pages
  // (development interactions), revocation, and access tokens short enough
  // that the stage's 60-second margin refreshes within seconds.
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(_ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
  },
  cookies: { keys: ['a-cookie-key-for-this-test-only'] },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
  },
  ttl: { AccessToken: 63 },
});

// Every request to the token endpoint, whatever its outcome: the stage
// must refuse a bad callback before it makes one.
provider.use(async (ctx, next) => {
  if (ctx.path === '/token') say({ event: 'token_request' });
  await next();
});
provider.on('grant.revoked', (_ctx, grantId) => say({ event: 'grant.revoked', grantId }));
provider.on('grant.success', () => say({ event: 'grant.success' }));
provider.on('server_error', (_ctx, error) => say({ event: 'server_error', message: String(error) }));
provider.on('grant.error', (_ctx, error) => say({ event: 'grant.error', message: String(error) }));
provider.on('revocation.error', (_ctx, error) => say({ event: 'revocation.error', message: String(error) }));

provider.listen(Number(port), '127.0.0.1', () => say({ listening: issuer }));
