//! What a base URL from configuration may be: `PUBLIC_URL`,
//! `DISCORD_BASE_URL`, stage 3's `GOOGLE_ISSUER`. An http(s) URL with
//! nothing after its path, and plain http only on this machine.

use super::error::{problem, ConfigError};
use url::Url;

/// Is this URL's host this machine (127.0.0.0/8, ::1, localhost)?
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// Plain http is allowed only where nothing crosses a network: loopback.
pub fn https_unless_loopback(
    variable: &'static str,
    url: Url,
    why: &str,
) -> Result<Url, ConfigError> {
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(problem(
            variable,
            format!("must be https:// unless it is a loopback address ({url}): {why}"),
        ));
    }
    Ok(url)
}

/// An http(s) URL with nothing after the path, stored without its
/// trailing slash so that `{base}/path` joins cleanly.
pub fn parse_base_url(variable: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value.trim())
        .map_err(|e| problem(variable, format!("is not a URL ({e}): {value:?}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(problem(
            variable,
            format!("must start with http:// or https:// (got {value:?})"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
        return Err(problem(
            variable,
            format!("must not have a query or fragment (got {value:?})"),
        ));
    }
    let trimmed = url.as_str().trim_end_matches('/').to_string();
    Url::parse(&trimmed).map_err(|e| problem(variable, e.to_string()))
}
