//! The `scope` parameter (RFC 6749 §3.3): space-separated, order kept,
//! repeats dropped, each scope one the personality knows.
//!
//! Offline, the mock shares its process with the stage it serves, so no
//! request may make it work harder than reading the request. The old
//! parser compared each new scope with every earlier one: 100,000
//! distinct short scopes (they fit in a request head) took seconds of CPU,
//! and two such requests stalled every worker, the stage's too. Now the
//! parameter is capped before it is split, and each scope is looked up in
//! the personality's short fixed list before it is kept, so at most that
//! many are ever compared: the work grows with the length, never faster.

/// Discord documents 29 scopes; no real request asks for more than that.
pub const MAX_SCOPES: usize = 64;
/// Every scope Discord knows, space-separated, is under 700 bytes.
pub const MAX_SCOPE_BYTES: usize = 2048;

/// Why a `scope` parameter is refused.
#[derive(Debug, PartialEq)]
pub enum ScopeProblem {
    /// Over [`MAX_SCOPES`] scopes, or [`MAX_SCOPE_BYTES`] bytes.
    TooMany,
    /// The first scope not in the known list.
    Unknown(String),
}

impl ScopeProblem {
    /// The sentence a refusal carries for [`ScopeProblem::TooMany`].
    pub fn too_many() -> String {
        format!("Too many scopes: at most {MAX_SCOPES} scopes and {MAX_SCOPE_BYTES} bytes.")
    }
}

/// The scopes of a `scope` parameter, each one of `known`, in order,
/// without repeats.
pub fn parse(scope: &str, known: &[&str]) -> Result<Vec<String>, ScopeProblem> {
    let words = || scope.split(' ').filter(|s| !s.is_empty());
    if scope.len() > MAX_SCOPE_BYTES || words().nth(MAX_SCOPES).is_some() {
        return Err(ScopeProblem::TooMany);
    }
    let mut scopes: Vec<String> = Vec::new();
    for word in words() {
        if !known.contains(&word) {
            return Err(ScopeProblem::Unknown(word.to_string()));
        }
        // Only known scopes are kept, so this list is never longer than
        // `known`.
        if !scopes.iter().any(|kept| kept == word) {
            scopes.push(word.to_string());
        }
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["identify", "email", "guilds"];

    #[test]
    fn scopes_keep_their_order_without_repeats() {
        assert_eq!(
            parse("email  identify email", KNOWN).unwrap(),
            ["email", "identify"]
        );
        assert_eq!(parse("", KNOWN).unwrap(), Vec::<String>::new());
        assert_eq!(
            parse("identify bogus", KNOWN),
            Err(ScopeProblem::Unknown("bogus".into()))
        );
    }

    #[test]
    fn too_many_or_too_long_is_refused_before_parsing() {
        let at_most = vec!["identify"; MAX_SCOPES].join(" ");
        assert_eq!(parse(&at_most, KNOWN).unwrap(), ["identify"]);
        let one_more = vec!["identify"; MAX_SCOPES + 1].join(" ");
        assert_eq!(parse(&one_more, KNOWN), Err(ScopeProblem::TooMany));
        let long = "x".repeat(MAX_SCOPE_BYTES + 1);
        assert_eq!(parse(&long, KNOWN), Err(ScopeProblem::TooMany));
    }
}
