//! Every route the workspace's own documents (README.md, WORKSHOP.md,
//! SECURITY.md, GLOSSARY.md) name is one a crate's README names too, and
//! each crate's tests check that every route its README names is served
//! (`every_route_the_readme_names_is_served`). So a route in any document
//! is served, or a test fails with the file and line that names it.

mod support;

#[path = "../src/testing/documented.rs"]
#[allow(dead_code)]
mod documented;

use documented::named_routes;
use support::{docs, root};

#[test]
fn every_route_a_workspace_document_names_is_a_crate_readmes() {
    let (crate_readmes, workspace_docs): (Vec<_>, Vec<_>) = docs()
        .into_iter()
        .partition(|doc| doc.ends_with("README.md") && doc.parent() != Some(&root()));
    let served: Vec<String> = crate_readmes
        .iter()
        .flat_map(|readme| named_routes(&std::fs::read_to_string(readme).expect("a README")))
        .map(|route| route.path)
        .collect();
    // Equal to a route a crate's README names, or a prefix of one.
    let named_by_a_crate = |path: &str| {
        let prefix = path.trim_end_matches('/');
        served.iter().any(|s| {
            s == path
                || s.strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let mut checked = 0;
    let mut unknown = Vec::new();
    for doc in workspace_docs {
        let text = std::fs::read_to_string(&doc).expect("a doc");
        for route in named_routes(&text) {
            checked += 1;
            if !named_by_a_crate(&route.path) {
                let shown = doc.strip_prefix(root()).unwrap_or(&doc).display();
                unknown.push(format!("{shown}:{}: {}", route.line, route.path));
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} routes found: is the reader blind?"
    );
    assert!(
        unknown.is_empty(),
        "routes no crate's README names (so no test checks they are served):\n  {}",
        unknown.join("\n  ")
    );
}
