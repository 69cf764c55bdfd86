//! Fault injection: make the next N requests to one endpoint fail in a
//! chosen way, so that a client's error handling can be tested for real.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The endpoints a fault can target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Authorize,
    Token,
    Revoke,
    UsersMe,
    #[serde(rename = "oauth2_me")]
    OAuth2Me,
    Guilds,
    Metadata,
}

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
}

impl Fault {
    pub fn delay(&self) -> Option<Duration> {
        match self {
            Fault::Delay { millis } => Some(Duration::from_millis(*millis)),
            _ => None,
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

#[derive(Default, Debug)]
pub struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    pub fn add(&mut self, rule: FaultRule) {
        if rule.times > 0 {
            self.rules.push(rule);
        }
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
        faults.add(FaultRule {
            endpoint: Endpoint::Token,
            times: 2,
            fault: Fault::MalformedJson,
        });
        assert_eq!(faults.take(Endpoint::UsersMe), None);
        assert_eq!(faults.take(Endpoint::Token), Some(Fault::MalformedJson));
        assert_eq!(faults.take(Endpoint::Token), Some(Fault::MalformedJson));
        assert_eq!(faults.take(Endpoint::Token), None);
    }

    #[test]
    fn endpoint_names_read_well() {
        let name = serde_json::to_string(&Endpoint::OAuth2Me).unwrap();
        assert_eq!(name, "\"oauth2_me\"");
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
