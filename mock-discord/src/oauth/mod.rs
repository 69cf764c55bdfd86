//! The OAuth machinery every personality shares, in the order a login
//! meets it:
//!
//! * [`request`]: strict parsing of a request's query, form and headers.
//! * [`authorize`]: the authorization endpoint, `GET` and `POST`: the
//!   client and its redirect URI first, then the personality's rules
//!   ([`authorization_request`], with its [`scope`]), then the person.
//! * [`consent`]: the consent form, bound to the browser ([`browsers`]) by
//!   a single-use CSRF token.
//! * [`authorization_response`]: back to the client with a code (or an
//!   error), `state` and `iss`.
//! * [`client_auth`]: how a client proves who it is at the token endpoint.
//! * [`codes`] and [`grants`]: what was handed out, single-use codes and
//!   rotating token pairs.
//! * [`pkce`]: RFC 7636's check, which the token endpoints make.
//! * [`signing_keys`]: the key ID tokens are signed with.
//! * [`secrets`]: random values, constant-time comparison, shortening.
//! * [`reply`]: the shapes of the answers (OAuth errors, API errors,
//!   pages).

pub mod authorization_request;
pub mod authorization_response;
pub mod authorize;
pub mod browsers;
pub mod client_auth;
pub mod codes;
pub mod consent;
pub mod grants;
pub mod pkce;
pub mod reply;
pub mod request;
pub mod scope;
pub mod secrets;
pub mod signing_keys;
