//! The state every handler of a stage gets (the filter that hands it over
//! is [`crate::filters::with`]).

use crate::clock::Clock;
use crate::cookie_keys::{CookieKeys, CookiePolicy};
use crate::flow_report::FlowReport;
use crate::lab::LabSwitches;
use crate::provider::{OAuthClient, Provider};
use crate::upstream::Upstream;
use std::sync::Arc;

/// The state every handler gets, cheap to clone (warp clones it per
/// request).
#[derive(Clone, Debug)]
pub struct App {
    pub provider: Arc<Provider>,
    /// The `oauth2` client, already pointed at our callback URL.
    pub oauth: Arc<OAuthClient>,
    pub upstream: Upstream,
    pub keys: CookieKeys,
    pub cookies: CookiePolicy,
    /// `scheme://host:port` of this stage, as browsers see it: what an
    /// `Origin` header of our own pages says.
    pub public_origin: Arc<str>,
    /// Every expiry the stage checks reads this clock.
    pub clock: Clock,
    /// Where the stage's decisions are reported: offline, the mock's live
    /// inspector; otherwise nobody.
    pub report: FlowReport,
    /// The attack lab this process runs (`LAB`), if any: which defences
    /// are on. With no lab, all of them, always.
    pub lab: LabSwitches,
}

impl App {
    pub fn new(
        provider: Provider,
        redirect_uri: &str,
        keys: CookieKeys,
        cookies: CookiePolicy,
        upstream: Upstream,
    ) -> Result<App, url::ParseError> {
        let oauth = provider.oauth_client(redirect_uri)?;
        let public_origin = url::Url::parse(redirect_uri)?
            .origin()
            .ascii_serialization();
        Ok(App {
            provider: Arc::new(provider),
            oauth: Arc::new(oauth),
            upstream,
            keys,
            cookies,
            public_origin: public_origin.into(),
            clock: Clock::wall(),
            report: FlowReport::silent(),
            lab: LabSwitches::none(),
        })
    }

    /// Seconds since the Unix epoch, by [`App::clock`].
    pub fn now(&self) -> u64 {
        self.clock.now()
    }
}
