//! Finding an exercise's region in a source file, taking it out and putting
//! it back. Pure text in, text out: the files are [`crate::exercise`]'s.
//!
//! A region is the whole lines between `// >>> exercise: <slug>` and
//! `// <<< exercise: <slug>`. Line endings are kept as the file has them
//! (a Windows checkout may have `\r\n`).

use std::fmt;

/// What is wrong with a file's markers.
#[derive(Debug, PartialEq)]
pub enum MarkerError {
    /// No `>>>` marker, or no `<<<` after it.
    Missing { slug: String },
    /// A marker twice: the region would be ambiguous.
    Repeated { slug: String },
}

impl fmt::Display for MarkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkerError::Missing { slug } => write!(
                f,
                "the markers `{}` and `{}` are not both there, in that order: put them back around the exercise's code",
                begin(slug),
                end(slug)
            ),
            MarkerError::Repeated { slug } => {
                write!(f, "the markers of exercise `{slug}` appear more than once")
            }
        }
    }
}

fn begin(slug: &str) -> String {
    format!("// >>> exercise: {slug}")
}

fn end(slug: &str) -> String {
    format!("// <<< exercise: {slug}")
}

/// A file split around one region.
struct Split<'a> {
    before: String,
    region: String,
    after: String,
    /// The begin marker's indentation, which the region's code shares.
    indent: &'a str,
    newline: &'static str,
}

fn split<'a>(text: &'a str, slug: &str) -> Result<Split<'a>, MarkerError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is = |line: &str, marker: &str| line.trim() == marker;
    let (begin, end) = (begin(slug), end(slug));
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| is(lines[i], &begin)).collect();
    let ends: Vec<usize> = (0..lines.len()).filter(|&i| is(lines[i], &end)).collect();
    let missing = || MarkerError::Missing { slug: slug.into() };
    match (starts.as_slice(), ends.as_slice()) {
        ([start], [stop]) if start < stop => {
            let indent_len = lines[*start].len() - lines[*start].trim_start().len();
            Ok(Split {
                before: lines[..=*start].concat(),
                region: lines[start + 1..*stop].concat(),
                after: lines[*stop..].concat(),
                indent: &lines[*start][..indent_len],
                newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
            })
        }
        ([_], [_]) | ([], _) | (_, []) => Err(missing()),
        _ => Err(MarkerError::Repeated { slug: slug.into() }),
    }
}

/// The lines between the markers, as they are now.
pub fn region(text: &str, slug: &str) -> Result<String, MarkerError> {
    Ok(split(text, slug)?.region)
}

/// The text with the region replaced by `code` (one or more lines, each
/// indented as the markers are), and the region that was there.
pub fn replace(text: &str, slug: &str, code: &str) -> Result<(String, String), MarkerError> {
    let split = split(text, slug)?;
    let code: String = code
        .lines()
        .map(|line| format!("{}{line}{}", split.indent, split.newline))
        .collect();
    Ok((split.before + &code + &split.after, split.region))
}

/// The text with the region put back exactly as `original` was.
pub fn restore(text: &str, slug: &str, original: &str) -> Result<String, MarkerError> {
    let split = split(text, slug)?;
    Ok(split.before + original + &split.after)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "fn f() -> bool {\n    // >>> exercise: a\n    let x = 1;\n    x == 1\n    // <<< exercise: a\n}\n";

    #[test]
    fn a_region_is_taken_out_and_put_back_byte_for_byte() {
        let (taken, original) = replace(FILE, "a", "todo!(\"a\")").unwrap();
        assert_eq!(original, "    let x = 1;\n    x == 1\n");
        assert_eq!(
            taken,
            "fn f() -> bool {\n    // >>> exercise: a\n    todo!(\"a\")\n    // <<< exercise: a\n}\n"
        );
        assert_eq!(region(&taken, "a").unwrap(), "    todo!(\"a\")\n");
        assert_eq!(restore(&taken, "a", &original).unwrap(), FILE);
    }

    #[test]
    fn windows_line_endings_stay_windows_line_endings() {
        let crlf = FILE.replace('\n', "\r\n");
        let (taken, original) = replace(&crlf, "a", "todo!()").unwrap();
        assert!(taken.contains("    todo!()\r\n"));
        assert_eq!(restore(&taken, "a", &original).unwrap(), crlf);
    }

    #[test]
    fn missing_misordered_or_repeated_markers_are_named() {
        let missing = MarkerError::Missing { slug: "a".into() };
        assert_eq!(
            region(FILE, "b"),
            Err(MarkerError::Missing { slug: "b".into() })
        );
        let no_end = FILE.replace("// <<< exercise: a", "");
        assert_eq!(region(&no_end, "a"), Err(missing));
        let reversed = "// <<< exercise: a\nx\n// >>> exercise: a\n";
        assert_eq!(
            region(reversed, "a"),
            Err(MarkerError::Missing { slug: "a".into() })
        );
        let twice = format!("{FILE}{FILE}");
        assert_eq!(
            region(&twice, "a"),
            Err(MarkerError::Repeated { slug: "a".into() })
        );
        assert!(MarkerError::Missing { slug: "a".into() }
            .to_string()
            .contains("// >>> exercise: a"));
    }
}
