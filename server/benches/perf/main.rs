//! keywire's benchmark harness (a `harness = false` bench). See docs/performance.md.
//!
//! ```text
//! cargo bench -p keywire --bench perf -- gen --files 1000 --out /tmp/kw-1k
//! cargo bench -p keywire --bench perf -- verify DIR…
//! ```

mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: perf (verify DIR… | gen --files N --out DIR [--seed S])");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; drop it.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(cmd) = args.first() else {
        return usage();
    };
    match cmd.as_str() {
        "verify" => {
            let dirs: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
            if verify::run(&dirs) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        _ => usage(),
    }
}
