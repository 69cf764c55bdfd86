//! Who may reach a stage's lab: the guards of [`crate::lab_page`]'s
//! routes. The lab switches a stage's defences off, and its links carry
//! whole codes, so it answers only at this machine's own address, and
//! takes changes only from its own page.

use crate::problem::Problem;
use http::StatusCode;
use mock_discord::control::local_host;
use warp::{Filter, Rejection};

/// A guard for every lab route: answered only at this machine's own
/// address and the stage's port, so that a page that rebound its name to
/// 127.0.0.1 cannot read the lab (its links carry whole codes) or drive
/// it. The rule is the mock's control routes' own
/// ([`mock_discord::control::local_host`]).
pub fn local_host_only(
    public_origin: &str,
) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    let port = url::Url::parse(public_origin)
        .ok()
        .and_then(|url| url.port_or_known_default());
    warp::header::optional::<String>("host")
        .or(warp::any().map(|| None))
        .unify()
        .and_then(move |host: Option<String>| async move {
            let host = host.unwrap_or_default();
            allowed(
                port.is_some_and(|port| local_host::is_local_host(&host, port)),
                "The lab answers only at 127.0.0.1 or localhost, on the stage's port",
            )
        })
        .untuple_one()
}

/// A guard for the lab's control routes: a browser's request is taken only
/// from the lab's own page, so that another site cannot switch a defence
/// off in the room's browsers. An `Origin` other than this server's own is
/// refused. `Sec-Fetch-Site` decides when the browser sends it (it must say
/// `same-origin`); `Origin` otherwise (it must be ours). A request with
/// neither (curl, a test) is not a browser's, and cannot carry another
/// site's intent. Stricter than stage 2's cross-site check, which also
/// takes `none` (a typed URL): nobody types a POST.
///
/// (`Sec-Fetch-Site` comes first, and `Origin: null` is let through to it,
/// because our pages send `Referrer-Policy: no-referrer`, and with it a
/// browser's form POST says `Origin: null`.)
pub fn own_page_only() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<String>("host")
        .and(warp::header::optional::<String>("sec-fetch-site"))
        .and(warp::header::optional::<String>("origin"))
        .map(
            move |host: Option<String>, site: Option<String>, origin: Option<String>| {
                let own = local_host::origin_of(host.as_deref().unwrap_or_default());
                if origin.as_deref().is_some_and(|o| o != "null" && o != own) {
                    return false;
                }
                match (site, origin) {
                    (Some(site), _) => site == "same-origin",
                    (None, Some(origin)) => origin == own,
                    (None, None) => true,
                }
            },
        )
        // A header that is not even text: refused like a foreign one.
        .or(warp::any().map(|| false))
        .unify()
        .and_then(|from_our_page: bool| async move {
            allowed(
                from_our_page,
                "Cross-site lab switch refused: use the lab's own page",
            )
        })
        .untuple_one()
}

/// Lets the request through, or refuses it: 403 and `detail`.
fn allowed(ok: bool, detail: &'static str) -> Result<(), Rejection> {
    if ok {
        Ok(())
    } else {
        Err(warp::reject::custom(Problem::new(
            StatusCode::FORBIDDEN,
            detail,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{local_host_only, own_page_only};
    use warp::Filter;

    /// Each request's headers, what the guard made of them.
    async fn verdicts<F>(guard: F, cases: &[(&[(&str, &str)], &str)])
    where
        F: Filter<Extract = (), Error = warp::Rejection> + Clone + Send + Sync + 'static,
    {
        let guard = guard
            .map(|| "taken")
            .recover(|_| async { Ok::<_, std::convert::Infallible>("refused") });
        for (headers, expected) in cases {
            let mut request = warp::test::request().method("POST");
            for (name, value) in *headers {
                request = request.header(*name, *value);
            }
            let answer = request.reply(&guard).await;
            assert_eq!(answer.body(), expected, "{headers:?}");
        }
    }

    #[tokio::test]
    async fn the_lab_takes_changes_from_its_own_page_only() {
        let ours = "http://127.0.0.1:5000";
        let host = ("host", "127.0.0.1:5000");
        verdicts(
            own_page_only(),
            &[
                (&[host], "taken"),
                (
                    &[host, ("sec-fetch-site", "same-origin"), ("origin", "null")],
                    "taken",
                ),
                (&[host, ("origin", ours)], "taken"),
                (&[host, ("sec-fetch-site", "same-site")], "refused"),
                (
                    &[host, ("sec-fetch-site", "cross-site"), ("origin", ours)],
                    "refused",
                ),
                (&[host, ("sec-fetch-site", "none")], "refused"),
                (&[host, ("origin", "http://evil.example")], "refused"),
                (&[host, ("origin", "null")], "refused"),
                // Rebinding: the browser calls it same-origin, but its
                // origin is the attacker's name.
                (
                    &[
                        host,
                        ("sec-fetch-site", "same-origin"),
                        ("origin", "http://evil.example:5000"),
                    ],
                    "refused",
                ),
            ],
        )
        .await;
    }

    /// DNS rebinding: a page at `evil.example:5000` whose name now points
    /// at 127.0.0.1 sends `Host: evil.example:5000`, whatever else it says.
    #[tokio::test]
    async fn the_lab_answers_at_a_loopback_address_and_its_port_only() {
        let same_origin = ("sec-fetch-site", "same-origin");
        verdicts(
            local_host_only("http://127.0.0.1:5000"),
            &[
                (&[("host", "127.0.0.1:5000")], "taken"),
                (&[("host", "localhost:5000")], "taken"),
                (&[("host", "evil.example:5000"), same_origin], "refused"),
                (&[("host", "127.0.0.1:5001")], "refused"),
                (&[], "refused"),
            ],
        )
        .await;
    }
}
