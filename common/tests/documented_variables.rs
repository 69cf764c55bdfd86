//! Every environment variable the docs name is read somewhere: by a
//! crate's code (a `"NAME"` string in Rust) or by one of the scripts
//! (`$NAME` or `${NAME` in shell). A variable renamed in the code, or
//! invented in a README, fails here with its file and line. A variable
//! a document both sets and reads in its own shell commands (`CODE=$(…)`,
//! then `$CODE`) is the reader's, not the code's.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use support::{docs, root};

/// Words that look like variables in the docs but stand for "any name".
const PLACEHOLDERS: [&str; 1] = ["NAME"];

/// The variables a Markdown text names, each with the line it is first
/// named on. A variable is an upper-case word with an underscore
/// (`DATABASE_URL`), or an upper-case word being set (`LAB=no-state`,
/// PowerShell's `$env:LAB`). A word right after `=` is a value, not a
/// name (`code=PASTE_IT_HERE`).
fn variables(markdown: &str) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for (n, line) in markdown.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let word_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mut i = 0;
        while i < chars.len() {
            let starts_word = chars[i].is_ascii_uppercase() && (i == 0 || !word_char(chars[i - 1]));
            if !starts_word {
                i += 1;
                continue;
            }
            let end = (i..chars.len())
                .find(|&j| !word_char(chars[j]))
                .unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            let all_upper = word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            let is_value = i > 0 && chars[i - 1] == '=';
            let is_set = chars.get(end) == Some(&'=') || line[..byte(line, i)].ends_with("$env:");
            if all_upper
                && !is_value
                && (word.contains('_') || is_set)
                && !PLACEHOLDERS.contains(&word.as_str())
            {
                found.entry(word).or_insert(n + 1);
            }
            i = end;
        }
    }
    found
}

/// The byte offset of the `index`th character of `line`.
fn byte(line: &str, index: usize) -> usize {
    line.char_indices()
        .nth(index)
        .map_or(line.len(), |(at, _)| at)
}

/// Every Rust file of every crate, and every shell script: what "the
/// code" is when asking who reads a variable.
fn code() -> String {
    fn walk(dir: &Path, into: &mut String) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("an entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name == "target" || name == ".git" || name == "node_modules" {
                continue;
            }
            if path.is_dir() {
                walk(&path, into);
            } else if name.ends_with(".rs") || name.ends_with(".sh") || name == "run" {
                into.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
                into.push('\n');
            }
        }
    }
    let mut code = String::new();
    walk(&root(), &mut code);
    code
}

fn read_by(code: &str, variable: &str) -> bool {
    [
        format!("\"{variable}\""),
        format!("${{{variable}"),
        format!("${variable}"),
    ]
    .iter()
    .any(|reader| code.contains(reader.as_str()))
}

#[test]
fn every_documented_variable_is_read_by_the_code() {
    let code = code();
    let mut checked = 0;
    let mut unread = Vec::new();
    for doc in docs() {
        let text = std::fs::read_to_string(&doc).expect("a doc");
        for (variable, line) in variables(&text) {
            // Set and then read by the document's own shell commands
            // (`CODE=$(…)`, then `"$CODE"`): a shell variable, not the
            // environment's.
            if read_by(&text, &variable) {
                continue;
            }
            checked += 1;
            if !read_by(&code, &variable) {
                let shown = doc.strip_prefix(root()).unwrap_or(&doc).display();
                unread.push(format!("{shown}:{line}: {variable} is read nowhere"));
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} variables found: is the scanner blind?"
    );
    assert!(
        unread.is_empty(),
        "variables the docs name that no code reads:\n  {}",
        unread.join("\n  ")
    );
}

#[test]
fn the_scanner_tells_names_from_values() {
    let found = |markdown: &str| variables(markdown).into_keys().collect::<Vec<_>>();
    assert_eq!(found("`LAB=no-state cargo run -p basic`"), ["LAB"]);
    assert_eq!(found("set `DATABASE_URL` first"), ["DATABASE_URL"]);
    assert_eq!(found("`$env:LAB = \"no-state\"`"), ["LAB"]);
    assert_eq!(found("-d code=PASTE_IT_HERE"), Vec::<String>::new());
    assert_eq!(
        found("a `NAME=value` line; S256, HTTPS"),
        Vec::<String>::new()
    );
    assert!(!read_by("env::var(\"PORT\")", "HOST"));
    assert!(read_by(
        "[ -x \"${CHROMIUM:-/usr/bin/chromium}\" ]",
        "CHROMIUM"
    ));
}
