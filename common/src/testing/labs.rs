//! Driving a lab's page (`/__lab`) from a test, as its buttons would.

use super::{location, Browser, StageRoutes};
use bytes::Bytes;
use http::Response;

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

/// Presses the button of step `step` on `/__lab`: the page with what
/// happened.
pub async fn play<F: StageRoutes>(browser: &mut Browser<F>, step: &str) -> Response<Bytes> {
    let response = browser
        .send("POST", "/__lab/attack", &[FORM], &format!("step={step}"))
        .await;
    assert_eq!(response.status(), 200, "step {step}: {:?}", response.body());
    response
}

/// Switches one of the lab's defences on or off.
pub async fn switch<F: StageRoutes>(browser: &mut Browser<F>, defence: &str, on: bool) {
    let response = browser
        .send(
            "POST",
            "/__lab/defences",
            &[FORM],
            &format!("defence={defence}&on={on}"),
        )
        .await;
    assert_eq!(response.status(), 303, "{:?}", response.body());
}

/// Follows a link the attacker made (`/__lab/link/<name>`) and the
/// redirect it answers: the response at its end.
pub async fn follow<F: StageRoutes>(browser: &mut Browser<F>, name: &str) -> Response<Bytes> {
    let link = browser.get(&format!("/__lab/link/{name}")).await;
    assert_eq!(link.status(), 303, "{:?}", link.body());
    let target = location(&link);
    browser.get(&target).await
}

/// The outcome box of a lab page, as text: its headline and lines.
pub fn outcome(page: &Response<Bytes>) -> String {
    let html = String::from_utf8_lossy(page.body());
    let Some(start) = html.find("<section id=\"outcome\"") else {
        return String::new();
    };
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    html[start..end].to_string()
}
