//! What a document promises, read so that a test can hold it: the routes
//! it names (each must be served: a README that sends a reader to a path
//! the stage does not serve is a broken promise), and the commands it
//! shows with their output (each must print that output).
//!
//! A route is a path in code (between backticks, or in a code block) that
//! begins a word, a method (`GET /login`) or the address of a stage or of
//! the mock (`127.0.0.1:5000/auth`). Paths on other ports are a client's
//! own addresses (`127.0.0.1:8080/callback`), and file paths are not
//! routes. This file is also read by `common/tests`, without the
//! `testing` feature: it uses only std.

use std::future::Future;

/// A route as a document names it.
#[derive(Debug, PartialEq)]
pub struct NamedRoute {
    /// The line it is named on, counting from 1.
    pub line: usize,
    /// `GET` or `POST` when the document says which.
    pub method: Option<&'static str>,
    /// The port when the document gives the address: 5000 is a stage's,
    /// 5001 the mock's.
    pub port: Option<u16>,
    /// The path, without its query, placeholders filled in
    /// (`{provider}` is `discord`, any other `{…}` is `1`).
    pub path: String,
}

/// Where a path starts a route: the start of code, a space, or a stage's
/// or the mock's address.
const STARTS: [&str; 6] = [
    "`",
    " ",
    "127.0.0.1:5000",
    "127.0.0.1:5001",
    "localhost:5000",
    "localhost:5001",
];

/// Directories a file path begins with: never a route.
const FILE_PATHS: [&str; 6] = ["/usr/", "/snap/", "/tmp/", "/etc/", "/dev/", "/bin/"];

/// Every route a Markdown text names, in order.
pub fn named_routes(markdown: &str) -> Vec<NamedRoute> {
    let mut found = Vec::new();
    let mut in_block = false;
    for (n, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        // Code spans are the odd pieces between backticks.
        let pieces: Vec<&str> = if in_block {
            vec![line]
        } else {
            line.split('`').skip(1).step_by(2).collect()
        };
        for code in pieces {
            let code = format!("`{code}");
            for (at, _) in code.match_indices('/') {
                let before = &code[..at];
                let Some(start) = STARTS.iter().find(|s| before.ends_with(**s)) else {
                    continue;
                };
                let rest = &code[at..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "/_-.@{}".contains(c)))
                    .unwrap_or(rest.len());
                let path = rest[..end].trim_end_matches(['.', ':']);
                // `// a comment`, a file, or a unit (`51449 /s`).
                let unit = *start == " "
                    && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit());
                if path.len() < 2
                    || path.starts_with("//")
                    || unit
                    || FILE_PATHS.iter().any(|f| path.starts_with(f))
                {
                    continue;
                }
                let method = ["GET", "POST"]
                    .into_iter()
                    .find(|m| *start == " " && before.ends_with(&format!("{m} ")));
                let port = start
                    .rsplit_once(':')
                    .and_then(|(_, port)| port.parse().ok());
                found.push(NamedRoute {
                    line: n + 1,
                    method,
                    port,
                    path: fill_placeholders(path),
                });
            }
        }
    }
    found
}

fn fill_placeholders(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{provider}" => "discord",
            s if s.starts_with('{') && s.ends_with('}') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Fails, naming `file` and each line, unless every route of `routes`
/// gets an answer other than 404 from `status_of(method, path)`. A route
/// named without a method is asked with `GET`: a 405 still says the
/// route is there.
pub async fn assert_named_routes_served<F, Fut>(file: &str, routes: Vec<NamedRoute>, status_of: F)
where
    F: Fn(&'static str, String) -> Fut,
    Fut: Future<Output = u16>,
{
    assert!(
        !routes.is_empty(),
        "{file} names no route: is the reader blind?"
    );
    let mut served = Vec::new();
    let mut missing = Vec::new();
    for route in routes {
        let method = route.method.unwrap_or("GET");
        match status_of(method, route.path.clone()).await {
            404 => missing.push((method, route)),
            _ => served.push(route.path),
        }
    }
    // A prefix (`/google/`, `/api/v10`) is served when a route under it is.
    let under = |prefix: &str| {
        let prefix = prefix.trim_end_matches('/');
        served.iter().any(|path| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let unserved: Vec<String> = missing
        .into_iter()
        .filter(|(_, route)| !under(&route.path))
        .map(|(method, route)| format!("{file}:{}: {method} {}", route.line, route.path))
        .collect();
    assert!(
        unserved.is_empty(),
        "routes the document names that nothing serves:\n  {}",
        unserved.join("\n  ")
    );
}

/// A `cargo run` a document shows with its output, in a ```` ```console ````
/// block: a `$ cargo run -p PACKAGE [-- ARGS]` line, then what it prints
/// (to be compared with snapbox, so `...` and `[..]` are wildcards).
#[derive(Debug, PartialEq)]
pub struct ShownRun {
    /// The line of the `$` command, counting from 1.
    pub line: usize,
    pub package: String,
    pub args: Vec<String>,
    pub output: String,
}

/// Every `cargo run` shown with its output, in order.
pub fn shown_runs(markdown: &str) -> Vec<ShownRun> {
    let mut runs: Vec<ShownRun> = Vec::new();
    let mut in_console = false;
    for (n, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        if fence {
            in_console = !in_console && line.trim_start() == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ cargo run -p ") {
            let (package, args) = command.split_once(" -- ").unwrap_or((command, ""));
            runs.push(ShownRun {
                line: n + 1,
                package: package.trim().to_string(),
                args: args.split_whitespace().map(str::to_string).collect(),
                output: String::new(),
            });
        } else if let Some(run) = runs.last_mut() {
            run.output.push_str(line);
            run.output.push('\n');
        }
    }
    // A blank line before the next command is the document's, not output.
    for run in &mut runs {
        run.output = format!("{}\n", run.output.trim_end());
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(markdown: &str) -> Vec<(Option<&'static str>, String)> {
        named_routes(markdown)
            .into_iter()
            .map(|r| (r.method, r.path))
            .collect()
    }

    #[test]
    fn shown_runs_are_read_from_console_blocks_only() {
        let markdown = "```sh\n$ cargo run -p a\n```\n```console\n$ cargo run -p b -- users\nada\n\n$ cargo run -p b -- grant x y\ngranted\n```\n";
        let runs = shown_runs(markdown);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!((runs[0].line, runs[0].package.as_str()), (5, "b"));
        assert_eq!(runs[0].args, ["users"]);
        assert_eq!(runs[0].output, "ada\n");
        assert_eq!(runs[1].args, ["grant", "x", "y"]);
        assert_eq!(runs[1].output, "granted\n");
    }

    #[test]
    fn routes_are_found_in_code_only() {
        assert_eq!(
            paths("go to /login, then `/auth?code=x`"),
            [(None, "/auth".into())]
        );
        assert_eq!(
            paths("```\nPOST /admin/users/{id}/permissions\n```"),
            [(Some("POST"), "/admin/users/1/permissions".into())]
        );
        assert_eq!(
            paths("`curl http://127.0.0.1:5001/api/v10/users/@me`"),
            [(None, "/api/v10/users/@me".into())]
        );
        assert_eq!(
            named_routes("`127.0.0.1:5000/auth` `GET /login`")
                .iter()
                .map(|r| r.port)
                .collect::<Vec<_>>(),
            [Some(5000), None]
        );
        assert_eq!(
            paths("`GET /login/{provider}`"),
            [(Some("GET"), "/login/discord".into())]
        );
        assert!(
            paths("`http://127.0.0.1:8080/callback` `./test.sh` `CHROMIUM=/snap/bin/x`").is_empty()
        );
        assert!(paths("`src/lib.rs` `/usr/bin/chromium`").is_empty());
        assert!(paths("```\nx // a comment\n  exchanges: 51449 /s\n```").is_empty());
    }
}
