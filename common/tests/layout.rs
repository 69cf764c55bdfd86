//! The house rules of the workspace's layout, checked on every test run:
//!
//! * no import cycle between the files of one crate: a file that takes a
//!   name from another never gets one back, directly or around a circle
//!   (DESIGN.md: "inside each crate, no two files import each other");
//! * no file in a crate's `src/` passes 350 lines, inline tests counted;
//! * each crate's `lib.rs` opens with a tour that names every module it
//!   declares (and so does each folder's `mod.rs`);
//! * each README links only files that exist.
//!
//! The checks read the sources as text: a `use` or a path through
//! `crate::`, `super::`, `self::` or a child module is an import of the
//! file that defines the module it names. Comments (doc links included)
//! and inline `#[cfg(test)]` modules do not count.

use std::collections::{BTreeMap, BTreeSet};
mod support;

use std::path::{Path, PathBuf};
use support::{docs, root};

const CRATES: &[&str] = &[
    "mock-discord",
    "common",
    "basic",
    "sessions",
    "permissions",
    "workshop",
];
const MAX_LINES: usize = 350;

/// A module path inside a crate: `["personalities", "google", "token"]`.
type ModPath = Vec<String>;

/// The files of a crate's library, by module path. Binaries (`main.rs`,
/// `bin/`) are roots of their own and import the library by name.
fn library_files(src: &Path) -> BTreeMap<ModPath, PathBuf> {
    let mut files = BTreeMap::new();
    walk(src, src, &mut files);
    files
}

fn walk(src: &Path, dir: &Path, files: &mut BTreeMap<ModPath, PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let relative = path.strip_prefix(src).expect("inside src");
        if relative == Path::new("main.rs") || relative.starts_with("bin") {
            continue;
        }
        if path.is_dir() {
            walk(src, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut module: ModPath = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|l| l == "mod" || l == "lib") {
                module.pop();
            }
            files.insert(module, path);
        }
    }
}

/// The code of a file without comments, string contents or inline test
/// modules: what can import.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            break;
        }
        let without_comment = match trimmed.find("//") {
            Some(at) => &trimmed[..at],
            None => trimmed,
        };
        code.push_str(&strip_strings(without_comment));
        code.push('\n');
    }
    code
}

fn strip_strings(line: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                out.push('"');
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
    }
    out
}

/// The modules a file declares: `mod x;` and `pub mod x;` (any visibility).
fn declared_modules(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.split("mod ").nth(1)?;
            let before = &line[..line.len() - rest.len() - 4];
            let is_declaration =
                before.is_empty() || before.starts_with("pub") || before.starts_with("#[");
            let name = rest.strip_suffix(';')?;
            (is_declaration && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .then(|| name.to_string())
        })
        .collect()
}

/// Every path the code names, with `use` groups (`a::{b, c::d}`) expanded.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if starts_word && (chars[i].is_alphabetic() || chars[i] == '_') {
            let (found, end) = path_at(&chars, i);
            if found.iter().any(|p| p.len() > 1) {
                paths.extend(found);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    paths
}

/// The path (or group of paths) starting at `i`, and where it ends.
fn path_at(chars: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        if start == i {
            break;
        }
        prefix.push(chars[start..i].iter().collect::<String>());
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
            if chars.get(i) == Some(&'{') {
                let (groups, end) = group_at(chars, i + 1);
                let paths = groups
                    .into_iter()
                    .map(|tail| prefix.iter().cloned().chain(tail).collect())
                    .collect();
                return (paths, end);
            }
        } else {
            break;
        }
    }
    (vec![prefix], i)
}

/// The paths of a `{…}` group that starts at `i` (after the brace).
fn group_at(chars: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut paths = Vec::new();
    while i < chars.len() {
        match chars[i] {
            '}' => return (paths, i + 1),
            c if c.is_alphabetic() || c == '_' => {
                let (found, end) = path_at(chars, i);
                paths.extend(found);
                i = end;
            }
            _ => i += 1,
        }
    }
    (paths, i)
}

/// The names each folder root (`lib.rs`, a `mod.rs`) re-exports, by
/// folder: its `pub use child::Name` lines are its façade, not imports.
type Reexports = BTreeMap<ModPath, BTreeMap<String, ModPath>>;

/// Which library file a path names, seen from the file of `module`.
fn resolve(
    path: &[String],
    module: &ModPath,
    children: &[String],
    files: &BTreeMap<ModPath, PathBuf>,
    reexports: &Reexports,
) -> Option<ModPath> {
    let (mut base, rest): (ModPath, &[String]) = match path[0].as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (module.clone(), &path[1..]),
        "super" => {
            let mut base = module.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        child if children.iter().any(|c| c == child) => (module.clone(), path),
        _ => return None,
    };
    let mut found = files.contains_key(&base).then(|| base.clone());
    for segment in rest {
        // `folder::Name`: a name the folder re-exports, from its file.
        if let Some(from) = reexports.get(&base).and_then(|names| names.get(segment)) {
            return Some(from.clone());
        }
        base.push(segment.clone());
        if files.contains_key(&base) {
            found = Some(base.clone());
        } else {
            break;
        }
    }
    found
}

fn is_reexport(line: &str) -> bool {
    line.trim().starts_with("pub use ")
}

/// `pub use a::b::Name;` in a folder root: the names `folder::Name` stands
/// for, resolved from the folder root's own place.
fn reexports_of(
    code: &str,
    folder: &ModPath,
    files: &BTreeMap<ModPath, PathBuf>,
) -> BTreeMap<String, ModPath> {
    let children = declared_modules(code);
    let mut names = BTreeMap::new();
    for line in code.lines().filter(|l| is_reexport(l)) {
        for path in paths_in(line.trim().trim_start_matches("pub use ")) {
            let Some((name, module)) = path.split_last() else {
                continue;
            };
            if module.is_empty() {
                continue;
            }
            let none = Reexports::new();
            if let Some(from) = resolve(module, folder, &children, files, &none) {
                names.insert(name.clone(), from);
            }
        }
    }
    names
}

/// The import graph of one crate: file -> the files it takes names from.
fn imports(krate: &str) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let src = root().join(krate).join("src");
    let files = library_files(&src);
    let code: BTreeMap<&ModPath, String> = files
        .iter()
        .map(|(m, p)| {
            (
                m,
                code_of(&std::fs::read_to_string(p).expect("a source file")),
            )
        })
        .collect();
    let is_folder_root = |module: &ModPath| module.is_empty() || files[module].ends_with("mod.rs");
    let reexports: Reexports = files
        .keys()
        .filter(|m| is_folder_root(m))
        .map(|m| (m.clone(), reexports_of(&code[m], m, &files)))
        .collect();
    let mut graph = BTreeMap::new();
    for (module, path) in &files {
        let children = declared_modules(&code[module]);
        let own_code: String = code[module]
            .lines()
            .filter(|line| !(is_folder_root(module) && is_reexport(line)))
            .collect::<Vec<_>>()
            .join("\n");
        let mut edges = BTreeSet::new();
        for named in paths_in(&own_code) {
            if let Some(target) = resolve(&named, module, &children, &files, &reexports) {
                // A file is not its own import, nor is the crate root:
                // lib.rs declares modules and re-exports names.
                if &target != module && !target.is_empty() {
                    edges.insert(files[&target].clone());
                }
            }
        }
        graph.insert(path.clone(), edges);
    }
    graph
}

/// The circles of a graph: each strongly connected set of two or more
/// files (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on_stack: BTreeSet<&'a PathBuf>,
        found: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a PathBuf) {
        let n = walk.index.len();
        walk.index.insert(node, n);
        walk.low.insert(node, n);
        walk.stack.push(node);
        walk.on_stack.insert(node);
        for next in &walk.graph[node] {
            if !walk.index.contains_key(next) {
                visit(walk, next);
                let low = walk.low[node].min(walk.low[next]);
                walk.low.insert(node, low);
            } else if walk.on_stack.contains(next) {
                let low = walk.low[node].min(walk.index[next]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let mut set = Vec::new();
            while let Some(top) = walk.stack.pop() {
                walk.on_stack.remove(top);
                set.push(top.clone());
                if top == node {
                    break;
                }
            }
            if set.len() > 1 {
                set.sort();
                walk.found.push(set);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node) {
            visit(&mut walk, node);
        }
    }
    walk.found
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn no_two_files_of_a_crate_import_each_other_even_around_a_circle() {
    let mut found = Vec::new();
    for krate in CRATES {
        let graph = imports(krate);
        for circle in cycles(&graph) {
            let names: Vec<String> = circle.iter().map(|p| shown(p)).collect();
            found.push(names.join(" ⇄ "));
        }
    }
    assert!(
        found.is_empty(),
        "import cycles (each file takes a name from another of the set):\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn the_cycle_finder_sees_a_circle_and_a_re_export() {
    // A small crate on paper: a -> b -> c -> a, and d -> lib's re-export of c.
    let files: BTreeMap<ModPath, PathBuf> = ["", "a", "b", "c", "d"]
        .iter()
        .map(|m| {
            let module = if m.is_empty() {
                vec![]
            } else {
                vec![m.to_string()]
            };
            (module, PathBuf::from(format!("{m}.rs")))
        })
        .collect();
    let lib = "mod a;\nmod c;\npub use c::Thing;\npub use crate::a::{Other};\n";
    let names = reexports_of(lib, &vec![], &files);
    assert_eq!(names["Thing"], vec!["c".to_string()]);
    assert_eq!(names["Other"], vec!["a".to_string()]);
    let reexports = Reexports::from([(vec![], names)]);
    let from = |m: &str, code: &str| -> BTreeSet<PathBuf> {
        let module = vec![m.to_string()];
        paths_in(&code_of(code))
            .iter()
            .filter_map(|p| resolve(p, &module, &[], &files, &reexports))
            .filter(|t| t != &module && !t.is_empty())
            .map(|t| files[&t].clone())
            .collect()
    };
    let mut graph = BTreeMap::new();
    graph.insert(files[&vec![]].clone(), BTreeSet::new());
    graph.insert("a.rs".into(), from("a", "use crate::b::{x, y::z};"));
    graph.insert("b.rs".into(), from("b", "fn f() { super::c::go() }"));
    graph.insert(
        "c.rs".into(),
        from("c", "// crate::d::not_an_import\nuse crate::a;"),
    );
    graph.insert(
        "d.rs".into(),
        from("d", "use crate::Thing;\nlet s = \"crate::a::x\";"),
    );
    assert_eq!(graph[Path::new("d.rs")], BTreeSet::from(["c.rs".into()]));
    let found = cycles(&graph);
    let expected: Vec<PathBuf> = vec!["a.rs".into(), "b.rs".into(), "c.rs".into()];
    assert_eq!(found, vec![expected]);
}

#[test]
fn no_source_file_passes_350_lines() {
    let mut long = Vec::new();
    for krate in CRATES {
        let mut all = BTreeMap::new();
        walk_all(&root().join(krate).join("src"), &mut all);
        for (path, lines) in all {
            if lines > MAX_LINES {
                long.push(format!("{} ({lines} lines)", shown(&path)));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines; split them by concept:\n  {}",
        long.join("\n  ")
    );
}

fn walk_all(dir: &Path, found: &mut BTreeMap<PathBuf, usize>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            walk_all(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("a source file");
            found.insert(path, text.lines().count());
        }
    }
}

/// The `//!` text of a file.
fn tour_of(text: &str) -> String {
    text.lines()
        .map(str::trim_start)
        .take_while(|l| l.starts_with("//!") || l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a tour names `module` as code: `` `module` ``, [`module`], or
/// a path ending in it.
fn names(tour: &str, module: &str) -> bool {
    tour.split('`')
        .skip(1)
        .step_by(2)
        .any(|quoted| quoted == module || quoted.ends_with(&format!("::{module}")))
}

#[test]
fn every_tour_names_every_module_it_declares() {
    let mut missing = Vec::new();
    for krate in CRATES {
        let files = library_files(&root().join(krate).join("src"));
        for (module, path) in &files {
            let is_root_of_folder = module.is_empty() || path.ends_with("mod.rs");
            if !is_root_of_folder {
                continue;
            }
            let text = std::fs::read_to_string(path).expect("a source file");
            let tour = tour_of(&text);
            for declared in declared_modules(&code_of(&text)) {
                if declared != "tests" && !names(&tour, &declared) {
                    missing.push(format!("{}: `{declared}`", shown(path)));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "modules the file's tour (its //! text) does not name:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_tour_check_sees_a_missing_module() {
    let text =
        "//! * [`kept`]: a module\n//! * `a::shown`\n\npub mod kept;\nmod shown;\nmod forgotten;\n";
    let tour = tour_of(text);
    let declared = declared_modules(&code_of(text));
    assert_eq!(declared, ["kept", "shown", "forgotten"]);
    let missing: Vec<_> = declared.iter().filter(|m| !names(&tour, m)).collect();
    assert_eq!(missing, ["forgotten"]);
}

/// The anchor GitHub gives a Markdown heading: lower case, spaces as
/// hyphens, punctuation dropped (`## Access token, refresh token` is
/// `#access-token-refresh-token`).
fn slug(heading: &str) -> String {
    heading
        .trim_start_matches('#')
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The relative links of a Markdown text, with their line numbers.
fn local_links(markdown: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    for (n, line) in markdown.lines().enumerate() {
        for part in line.split("](").skip(1) {
            let Some(target) = part.split(')').next() else {
                continue;
            };
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            links.push((n + 1, target.to_string()));
        }
    }
    links
}

#[test]
fn every_readme_links_only_files_that_exist() {
    let mut broken = Vec::new();
    for readme in docs() {
        let text = std::fs::read_to_string(&readme).expect("a README");
        let dir = readme.parent().expect("a folder");
        for (line, link) in local_links(&text) {
            let (target, anchor) = match link.split_once('#') {
                Some((target, anchor)) => (target, Some(anchor)),
                None => (link.as_str(), None),
            };
            let path = if target.is_empty() {
                readme.clone()
            } else {
                dir.join(target)
            };
            if !path.exists() {
                broken.push(format!("{}:{line}: {link}", shown(&readme)));
            } else if let Some(anchor) =
                anchor.filter(|_| target.is_empty() || target.ends_with(".md"))
            {
                let headings = std::fs::read_to_string(&path).unwrap_or_default();
                if !headings
                    .lines()
                    .any(|h| h.starts_with('#') && slug(h) == anchor)
                {
                    broken.push(format!(
                        "{}:{line}: {link} (no such heading)",
                        shown(&readme)
                    ));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to files or headings that do not exist:\n  {}",
        broken.join("\n  ")
    );
}
