//! How much of someone else's text a person is shown: a provider's error
//! text, a name from a URL, a secret on a lab's page.
//!
//! At most a given number of characters (counted as characters, so that
//! no input can make the cut fall inside one), an ellipsis where the text
//! was cut, and control characters escaped: a provider's
//! `error_description` holding a newline would otherwise forge a second
//! log line.

/// The most of a provider's (or a visitor's) text shown or logged.
pub const MAX_SHOWN: usize = 200;

/// `text`, at most [`MAX_SHOWN`] characters of it.
pub fn clip(text: &str) -> String {
    clip_to(text, MAX_SHOWN)
}

/// `text` whole, its control characters escaped: what a terminal shows of
/// a name a provider chose (an escape sequence in it could otherwise clear
/// the screen or forge a line).
pub fn escaped(text: &str) -> String {
    clip_to(text, usize::MAX)
}

/// `text`, at most `max` characters of it: what a lab's page shows of a
/// code or a token (its first four).
pub fn clip_to(text: &str, max: usize) -> String {
    let mut clipped = String::with_capacity(text.len().min(max.saturating_add(8)));
    for (n, c) in text.chars().enumerate() {
        if n == max {
            clipped.push('…');
            break;
        }
        if c.is_control() {
            clipped.extend(c.escape_default());
        } else {
            clipped.push(c);
        }
    }
    clipped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_text_is_capped_and_cannot_forge_a_log_line() {
        let forged = "bad\n2026-01-01T00:00:00Z  INFO login succeeded user=admin\r\u{1b}[31m";
        let clipped = clip(forged);
        assert!(!clipped.chars().any(char::is_control), "{clipped:?}");
        assert!(clipped.contains("\\n"), "{clipped}");
        let long = clip(&"x".repeat(10_000));
        assert_eq!(long.chars().count(), 201);
        assert!(long.ends_with('…'));
        assert_eq!(clip("plain words"), "plain words");
    }

    #[test]
    fn a_secret_is_shown_by_its_first_characters() {
        assert_eq!(clip_to("abcdefgh", 4), "abcd…");
        assert_eq!(clip_to("ééééé", 4), "éééé…");
    }
}
