// openid-client, an OpenID Certified relying party nobody here wrote,
// logging in at the mock's Google in mock-discord/tests/certified_client.rs.
// It knows only the issuer (discovery does the rest) and checks what a
// careful client checks: state, PKCE, `iss` in the callback, the ID
// token's signature and claims (nonce included), userinfo's `sub`.
//
//   node interop/rp.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// A dialogue of JSON lines: for each login it prints {"authorize": url};
// the test answers with the callback URL on stdin; it prints
// {"refused": …} or, when the login holds, {"claims": …}, {"userinfo": …},
// {"refreshed": …}, {"revoked": true} and what a refresh with the revoked
// token got. It stops when stdin closes.
import * as client from 'openid-client';
import { createInterface } from 'node:readline';

const [issuer, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!redirectUri) {
  console.error('usage: node rp.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI');
  process.exit(2);
}
const say = (line) => console.log(JSON.stringify(line));
// The mock serves plain HTTP on loopback: allowed here, and only here.
// openid-client skips the ID token's signature when the token comes
// straight from the token endpoint over TLS (OpenID Connect Core §3.1.3.7
// allows it); here the signature is checked all the same, against the
// keys discovery named.
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, {
  execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
});

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
for (;;) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  say({
    authorize: client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      access_type: 'offline',
    }).href,
  });
  const answer = await lines.next();
  if (answer.done) break;
  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(config, new URL(answer.value), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
  } catch (error) {
    // What was wrong, as the library says: its code, and why.
    say({
      refused: error.code ?? error.name,
      message: error.message,
      cause: error.cause instanceof Error ? error.cause.message : undefined,
    });
    continue;
  }
  const claims = tokens.claims();
  say({ claims });
  say({ userinfo: await client.fetchUserInfo(config, tokens.access_token, claims.sub) });
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  say({
    refreshed: {
      new_access_token: refreshed.access_token !== tokens.access_token,
      refresh_token_rotated: refreshed.refresh_token !== undefined,
      sub: refreshed.claims()?.sub,
    },
  });
  await client.tokenRevocation(config, tokens.refresh_token);
  say({ revoked: true });
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
    say({ refresh_after_revocation: 'accepted' });
  } catch (error) {
    say({ refresh_after_revocation: error.error ?? error.code });
  }
}
