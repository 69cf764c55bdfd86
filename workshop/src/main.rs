//! `cargo run -p workshop -- prepare`: see the library's documentation.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("prepare") => workshop::prepare(&args[1..]),
        _ => {
            eprintln!("usage: cargo run -p workshop -- prepare [--offline]");
            eprintln!(
                "  builds everything a workshop day runs, so that nothing compiles on the day"
            );
            ExitCode::from(2)
        }
    }
}
