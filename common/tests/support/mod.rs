//! What the workspace's checks of its own files share: where the
//! workspace is, and which Markdown documents a reader meets.
#![allow(dead_code)] // not every check reads the documents

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Every document a reader meets: the Markdown files at the root
/// (README.md, WORKSHOP.md, SECURITY.md, GLOSSARY.md…) and each crate's
/// README.md. Found, not listed, so that a new one is checked too.
pub fn docs() -> Vec<PathBuf> {
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(root()).expect("the workspace root") {
        let path = entry.expect("an entry").path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden || path.ends_with("target") {
            continue;
        }
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        } else if path.join("README.md").is_file() {
            docs.push(path.join("README.md"));
        }
    }
    docs.sort();
    docs
}
