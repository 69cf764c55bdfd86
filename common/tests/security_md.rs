//! SECURITY.md is complete when every attack it must cover has a row, and
//! every row names files that exist and tests that exist in them. A test
//! renamed or removed, or a row that names none, fails here.

mod support;

use support::root;

/// The table's rows: (attack, where, proved by).
fn rows(markdown: &str) -> Vec<(String, String, String)> {
    let table = markdown
        .split("## Attacks, defences and proofs")
        .nth(1)
        .expect("the section with the table");
    table
        .lines()
        .skip_while(|line| !line.starts_with("|---"))
        .skip(1)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 4, "a row of four cells: {line}");
            (
                cells[0].trim().to_string(),
                cells[2].trim().to_string(),
                cells[3].trim().to_string(),
            )
        })
        .collect()
}

/// The `backticked` items of a cell.
fn quoted(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_attack_has_a_row_naming_files_and_tests_that_exist() {
    let markdown = std::fs::read_to_string(root().join("SECURITY.md")).expect("SECURITY.md");
    let rows = rows(&markdown);
    let required = [
        "Login CSRF",
        "Code interception",
        "Code injection",
        "Mix-up",
        "Session fixation",
        "Cookie theft",
        "Cookie replay",
        "Session stamped in the future",
        "DNS rebinding",
        "A database read or changed",
        "Abandoned sessions keep live grants",
        "Offline grants reach online mode",
        "A brief hold on a session",
        "A flood of session ids",
        "Google rotates its signing keys",
        "A provider impersonated over TLS",
        "PKCE downgrade",
        "An ambiguous callback",
        "Redirect URI spoofing",
        "Login CSRF from the inspector",
        "Exhausting the embedded mock",
        "Clickjacking",
        "through logs",
        "through `Referer`",
        "through `Debug`",
        "Refresh-token replay",
        "Provider faults",
    ];
    for attack in required {
        assert!(
            rows.iter().any(|(row, _, _)| row.contains(attack)),
            "no row for {attack}"
        );
    }
    let mut problems = Vec::new();
    for (attack, files, tests) in &rows {
        for file in quoted(files) {
            if !root().join(file).is_file() {
                problems.push(format!("{attack}: no file {file}"));
            }
        }
        let tests = quoted(tests);
        if tests.is_empty() {
            problems.push(format!("{attack}: names no test"));
        }
        for test in tests {
            let Some((file, name)) = test.split_once("::") else {
                problems.push(format!("{attack}: {test} is not file::test"));
                continue;
            };
            let Ok(source) = std::fs::read_to_string(root().join(file)) else {
                problems.push(format!("{attack}: no file {file}"));
                continue;
            };
            let defined = source.lines().any(|line| {
                let line = line.trim_start();
                ["fn ", "async fn "].iter().any(|prefix| {
                    line.strip_prefix(prefix).is_some_and(|rest| {
                        rest.strip_prefix(name)
                            .is_some_and(|after| after.starts_with('(') || after.starts_with('<'))
                    })
                })
            });
            let is_a_test = source.contains(&format!("fn {name}()"))
                || source.contains(&format!("fn {name}(backend: Backend)"));
            if !defined || !is_a_test {
                problems.push(format!("{attack}: no test {name} in {file}"));
            }
        }
    }
    assert!(problems.is_empty(), "SECURITY.md:\n{}", problems.join("\n"));
}
