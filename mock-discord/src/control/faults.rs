//! Fault injection: make the next N requests to one endpoint fail in a
//! chosen way, so that a client's error handling can be tested for real.

use crate::control::fault_answers::{
    dropped_connection, malformed_json, slow_body, status_fault, too_many_requests,
};
use crate::personalities::Endpoint;
use http::{header, HeaderValue};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use warp::reply::Response;

/// What goes wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer this status and body instead (JSON content type unless told).
    Status {
        status: u16,
        #[serde(default)]
        body: String,
        #[serde(default)]
        content_type: Option<String>,
    },
    /// Wait this long, then answer normally.
    Delay { millis: u64 },
    /// 200 with `Content-Type: application/json` and a truncated body.
    MalformedJson,
    /// The real answer, labelled `text/html`.
    WrongContentType,
    /// Send the status line and headers, then cut the connection.
    DropConnection,
    /// Discord's 429, with `Retry-After` (seconds) and its JSON body.
    TooManyRequests { retry_after: u64 },
    /// A redirect (a 3xx `status`) to `location`, which a client of a
    /// token endpoint must not follow.
    Redirect { status: u16, location: String },
    /// 200, JSON, a body sent one byte every `millis`: what a client's
    /// total timeout must cut off (a slow-loris answer).
    SlowBody { millis: u64 },
    /// Google's token endpoint answers normally, but with an ID token
    /// spoiled in one way: what a client's ID-token checks must catch.
    SpoilIdToken { how: IdTokenSpoil },
}

/// One way an ID token can be wrong (OpenID Connect Core §3.1.3.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdTokenSpoil {
    /// The signature does not match the claims.
    BadSignature,
    /// Made for another client (`aud`).
    OtherAudience,
    /// From another issuer (`iss`).
    OtherIssuer,
    /// Expired an hour ago (`exp`).
    Expired,
    /// A `nonce` other than the authorization request's.
    WrongNonce,
    /// No `nonce` at all.
    NoNonce,
}

impl Fault {
    /// The spoiling this fault asks of the next ID token, if any.
    pub fn id_token_spoil(&self) -> Option<IdTokenSpoil> {
        match self {
            Fault::SpoilIdToken { how } => Some(*how),
            _ => None,
        }
    }

    pub fn delay(&self) -> Option<Duration> {
        match self {
            Fault::Delay { millis } => Some(Duration::from_millis(*millis)),
            _ => None,
        }
    }
}

impl Fault {
    /// The answer this fault gives instead of the endpoint's, if it
    /// replaces it (a status, a dropped connection).
    pub fn answer_instead(&self) -> Option<Response> {
        match self {
            Fault::Status {
                status,
                body,
                content_type,
            } => Some(status_fault(*status, body, content_type.as_deref())),
            Fault::DropConnection => Some(dropped_connection()),
            Fault::TooManyRequests { retry_after } => Some(too_many_requests(*retry_after)),
            Fault::Redirect { status, location } => {
                let mut response = status_fault(*status, "", None);
                if let Ok(value) = HeaderValue::from_str(location) {
                    response.headers_mut().insert(header::LOCATION, value);
                }
                Some(response)
            }
            Fault::SlowBody { millis } => Some(slow_body(Duration::from_millis(*millis))),
            _ => None,
        }
    }

    /// The endpoint's answer, spoiled as this fault says (a truncated
    /// body, the wrong content type); other faults leave it alone.
    pub fn spoil(&self, mut response: Response) -> Response {
        match self {
            Fault::MalformedJson => malformed_json(),
            Fault::WrongContentType => {
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                response
            }
            _ => response,
        }
    }
}

/// "The next `times` requests to `endpoint` get `fault`."
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaultRule {
    pub endpoint: Endpoint,
    #[serde(default = "once")]
    pub times: u32,
    pub fault: Fault,
}

fn once() -> u32 {
    1
}

impl FaultRule {
    /// The next request to `endpoint` answers `status`, with an empty body.
    pub fn status_once(endpoint: Endpoint, status: u16) -> FaultRule {
        FaultRule {
            endpoint,
            times: 1,
            fault: Fault::Status {
                status,
                body: String::new(),
                content_type: None,
            },
        }
    }
}

/// Bounds on a rule, so that a rule (which anyone who can reach the mock
/// may post) cannot hang the mock, fill its memory or ask for a status that
/// HTTP does not have.
pub const MAX_TIMES: u32 = 1000;
pub const MAX_DELAY: Duration = Duration::from_secs(60);
pub const MAX_FAULT_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_PENDING_RULES: usize = 100;

impl FaultRule {
    /// What is wrong with this rule, if anything, said for a person.
    pub fn problem(&self) -> Option<String> {
        if self.times > MAX_TIMES {
            return Some(format!("\"times\" must be at most {MAX_TIMES}"));
        }
        match &self.fault {
            Fault::Delay { millis } | Fault::SlowBody { millis }
                if *millis > MAX_DELAY.as_millis() as u64 =>
            {
                Some(format!(
                    "\"millis\" must be at most {}",
                    MAX_DELAY.as_millis()
                ))
            }
            Fault::TooManyRequests { retry_after } if *retry_after > 3600 => {
                Some("\"retry_after\" must be at most 3600 seconds".to_string())
            }
            Fault::Redirect { status, .. } if !(300..=399).contains(status) => {
                Some("\"status\" of a redirect must be 300 to 399".to_string())
            }
            Fault::Redirect { location, .. } if http::HeaderValue::from_str(location).is_err() => {
                Some("\"location\" must be a valid header value".to_string())
            }
            Fault::Status { status, .. } if !(100..=599).contains(status) => {
                Some("\"status\" must be an HTTP status, 100 to 599".to_string())
            }
            Fault::Status { body, .. } if body.len() > MAX_FAULT_BODY_BYTES => Some(format!(
                "\"body\" must be at most {MAX_FAULT_BODY_BYTES} bytes"
            )),
            Fault::Status {
                content_type: Some(content_type),
                ..
            } if http::HeaderValue::from_str(content_type).is_err() => {
                Some("\"content_type\" must be a valid header value".to_string())
            }
            _ => None,
        }
    }
}

#[derive(Default, Debug)]
pub struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    /// Queues a rule, or says why not.
    pub fn add(&mut self, rule: FaultRule) -> Result<(), String> {
        if let Some(problem) = rule.problem() {
            return Err(problem);
        }
        if self.rules.len() >= MAX_PENDING_RULES {
            return Err(format!(
                "at most {MAX_PENDING_RULES} rules may be pending; POST /__mock/reset clears them"
            ));
        }
        if rule.times > 0 {
            self.rules.push(rule);
        }
        Ok(())
    }

    /// The fault for this request, if any; counts it down.
    pub fn take(&mut self, endpoint: Endpoint) -> Option<Fault> {
        let index = self.rules.iter().position(|r| r.endpoint == endpoint)?;
        let rule = &mut self.rules[index];
        rule.times -= 1;
        let fault = rule.fault.clone();
        if rule.times == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }

    pub fn pending(&self) -> &[FaultRule] {
        &self.rules
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_fires_exactly_times_times() {
        let mut faults = Faults::default();
        faults
            .add(FaultRule {
                endpoint: Endpoint::Token,
                times: 2,
                fault: Fault::MalformedJson,
            })
            .unwrap();
        assert_eq!(faults.take(Endpoint::UsersMe), None);
        assert_eq!(faults.take(Endpoint::Token), Some(Fault::MalformedJson));
        assert_eq!(faults.take(Endpoint::Token), Some(Fault::MalformedJson));
        assert_eq!(faults.take(Endpoint::Token), None);
    }

    #[test]
    fn rules_out_of_bounds_are_refused() {
        let mut faults = Faults::default();
        let refused = [
            r#"{"endpoint":"token","times":1001,"fault":{"kind":"malformed_json"}}"#,
            r#"{"endpoint":"token","fault":{"kind":"delay","millis":60001}}"#,
            r#"{"endpoint":"token","fault":{"kind":"status","status":99}}"#,
            r#"{"endpoint":"token","fault":{"kind":"status","status":600}}"#,
            r#"{"endpoint":"token","fault":{"kind":"status","status":500,"content_type":"a\nb"}}"#,
        ];
        for rule in refused {
            let rule: FaultRule = serde_json::from_str(rule).unwrap();
            assert!(faults.add(rule.clone()).is_err(), "{rule:?}");
        }
        let huge = FaultRule {
            endpoint: Endpoint::Token,
            times: 1,
            fault: Fault::Status {
                status: 200,
                body: "x".repeat(MAX_FAULT_BODY_BYTES + 1),
                content_type: None,
            },
        };
        assert!(faults.add(huge).is_err());
        for _ in 0..MAX_PENDING_RULES {
            faults
                .add(FaultRule::status_once(Endpoint::Token, 500))
                .unwrap();
        }
        assert!(faults
            .add(FaultRule::status_once(Endpoint::Token, 500))
            .is_err());
    }

    #[test]
    fn rules_parse_from_json() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"endpoint":"token","fault":{"kind":"status","status":503,"body":"down"}}"#,
        )
        .unwrap();
        assert_eq!(rule.times, 1);
        assert_eq!(
            rule.fault,
            Fault::Status {
                status: 503,
                body: "down".into(),
                content_type: None
            }
        );
    }
}
