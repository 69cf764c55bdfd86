//! Discord's personality: its OAuth2 provider and the slice of its REST
//! API that a login uses, at the mock's base URL, strict where Discord is.
//!
//! * [`authorization`]: its rules for the authorization request, and its
//!   consent dialog;
//! * [`scopes`]: the scopes Discord documents, and what the dialog says of
//!   each;
//! * [`token`]: the token endpoint (codes, refresh-token rotation) and
//!   revocation;
//! * [`api`]: `/users/@me`, `/oauth2/@me`, `/users/@me/guilds`;
//! * [`metadata`]: the RFC 8414 document that describes the above;
//! * [`ratelimit`]: Discord's rate limits, and its 429s.

pub mod api;
pub mod authorization;
pub mod metadata;
pub mod ratelimit;
pub mod scopes;
pub mod token;
