//! How a running lab shows itself: a red banner on every page of the
//! stage, and the attack's steps in the start-up banner. (The labs and
//! their switches are in [`crate::lab`]; their page is
//! [`crate::lab_page`].)

use crate::lab::{LabSwitches, Lesson};
use crate::problem::Answer;
use http::header;

/// The red banner every page carries while a lab runs.
pub fn banner_html(lesson: &Lesson) -> String {
    format!(
        "<div role=\"alert\" style=\"background:#cf222e;color:#fff;padding:.6rem 1rem;\
         font:bold 1.1rem system-ui,sans-serif\">LAB {}: {}. A defence is switched off \
         on purpose; see <a style=\"color:#fff\" href=\"/__lab\">/__lab</a>.</div>",
        lesson.lab.name(),
        lesson.title
    )
}

/// Adds the lab's banner to an HTML page, right after `<body>`. Other
/// answers pass unchanged, and so does everything when no lab runs.
pub async fn mark_pages(switches: LabSwitches, answer: Answer) -> Answer {
    let Some(lesson) = switches.lesson() else {
        return answer;
    };
    let response = answer?;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return Ok(response);
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = http_body_util::BodyExt::collect(body).await else {
        return Err(crate::Problem::new(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be read",
        ));
    };
    let html = String::from_utf8_lossy(&bytes.to_bytes()).into_owned();
    let marked = match html.find("<body>") {
        Some(at) => {
            let after = at + "<body>".len();
            format!(
                "{}{}{}",
                &html[..after],
                banner_html(lesson),
                &html[after..]
            )
        }
        None => format!("{}{html}", banner_html(lesson)),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(http::Response::from_parts(parts, marked.into()))
}

/// The start-up banner's lines for a running lab.
pub fn startup_lines(lesson: &Lesson, public_url: &str) -> Vec<String> {
    let off: Vec<&str> = lesson.switched_off.iter().map(|d| d.name()).collect();
    let mut lines = vec![
        format!("LAB={}: {}.", lesson.lab.name(), lesson.title),
        if off.is_empty() {
            "  No defence is switched off: this lab compares stage 2 with stage 3.".to_string()
        } else {
            format!("  Switched off: {}.", off.join(", "))
        },
        format!("  Run the attack step by step at {public_url}/__lab, then switch the defence back on there and run it again."),
    ];
    lines.extend(
        lesson
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| format!("  {}. {step}", i + 1)),
    );
    lines
}
