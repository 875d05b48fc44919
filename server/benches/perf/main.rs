//! keywire's benchmark harness (a `harness = false` bench; not run by `cargo test`). The usual
//! entry point is `bash tests/bench/run.sh`; see docs/performance.md.
//!
//! ```text
//! cargo bench -p keywire --bench perf -- check [--sizes 1000,5000,20000] [--stdlib DIR] [--notebooks DIR] [--runs 5]
//! cargo bench -p keywire --bench perf -- lsp [--runs 1000]
//! cargo bench -p keywire --bench perf -- gen --files 1000 --out DIR [--seed 1]
//! cargo bench -p keywire --bench perf -- verify DIR…    # light facts vs full extraction
//! cargo bench -p keywire --bench perf -- scan DIR       # prefilter throughput
//! cargo bench -p keywire --bench perf -- mask DIR…      # the mask: bytes parsed, time, facts
//! ```

mod check;
mod lsp;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use keywire::engine::python;
use testkit::corpus;

fn usage() -> ExitCode {
    eprintln!(
        "usage: perf check [--sizes N,N…] [--stdlib DIR] [--notebooks DIR] [--runs N] [--work DIR]\n\
         \x20      perf lsp [--edits N] [--work DIR]\n\
         \x20      perf gen --files N --out DIR [--seed S]\n\
         \x20      perf verify DIR…\n\
         \x20      perf scan DIR [PASSES]\n\
         \x20      perf mask DIR…\n\
         \x20      perf mask-show FILE\n\
         \x20      perf mask-time DIR [PASSES]\n\
         \x20      perf parse-cmp DIR\n\
         \x20      perf extract [PASSES]"
    );
    ExitCode::from(2)
}

/// `--name value` from the arguments.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The work directory for generated corpora.
pub fn work_dir(args: &[String]) -> PathBuf {
    flag(args, "--work")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("keywire-bench"))
}

/// A generated corpus of `files` files under the work directory (made once, reused).
pub fn corpus_dir(work: &std::path::Path, files: usize) -> std::io::Result<PathBuf> {
    let dir = work.join(format!("gen-{files}"));
    let marker = dir.join(".generated");
    let stamp = format!("files={files} seed=1 v=1\n");
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(stamp.as_str()) {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let stats = corpus::generate(&dir, files, 1)?;
        eprintln!(
            "generated {}: {} Python files ({:.1} MB, {} touching env/configs), {} .env files",
            dir.display(),
            stats.python_files,
            stats.python_bytes as f64 / 1e6,
            stats.config_files,
            stats.env_files
        );
        std::fs::write(&marker, stamp)?;
    }
    Ok(dir)
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
    let rest = &args[1..];
    match cmd.as_str() {
        "check" => check::run(rest),
        "lsp" => lsp::run(rest),
        "gen" => {
            let (Some(files), Some(out)) = (
                flag(rest, "--files").and_then(|n| n.parse().ok()),
                flag(rest, "--out"),
            ) else {
                return usage();
            };
            let seed = flag(rest, "--seed")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            match corpus::generate(&PathBuf::from(&out), files, seed) {
                Ok(stats) => {
                    println!("{stats:?}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{out}: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        "verify" => {
            let dirs: Vec<PathBuf> = rest.iter().map(PathBuf::from).collect();
            if verify::run(&dirs) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        "mask" => {
            let dirs: Vec<PathBuf> = rest.iter().map(PathBuf::from).collect();
            if verify::mask(&dirs) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        "mask-time" => {
            // For profilers: the mask alone, over a tree's parsed files.
            let Some(dir) = rest.first() else {
                return usage();
            };
            let texts = verify::parsed_texts(&PathBuf::from(dir));
            let passes: usize = rest.get(1).and_then(|n| n.parse().ok()).unwrap_or(10);
            let t = std::time::Instant::now();
            for _ in 0..passes {
                for text in &texts {
                    std::hint::black_box(python::masked_text(text));
                }
            }
            let mb: usize = texts.iter().map(String::len).sum();
            println!(
                "mask: {:.1} ms per pass over {:.1} MB",
                t.elapsed().as_secs_f64() * 1e3 / passes as f64,
                mb as f64 / 1e6
            );
            ExitCode::SUCCESS
        }
        "parse-cmp" => {
            // The masked parse three ways: included ranges (what the extractor does), the
            // blanked text, and the kept lines alone (offsets lost: a bound, not an option).
            let Some(dir) = rest.first() else {
                return usage();
            };
            let mut originals = verify::parsed_texts(&PathBuf::from(dir));
            originals.retain(|t| python::masked_text(t).is_some());
            let texts: Vec<String> = originals
                .iter()
                .filter_map(|t| python::masked_text(t))
                .collect();
            let ranges: Vec<_> = originals
                .iter()
                .filter_map(|t| python::masked_ranges(t))
                .collect();
            let compact: Vec<String> = texts
                .iter()
                .map(|t| {
                    t.split_inclusive('\n')
                        .filter(|l| !l.trim().is_empty())
                        .collect()
                })
                .collect();
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .unwrap();
            let t = std::time::Instant::now();
            let mut nodes = 0;
            for (text, r) in originals.iter().zip(&ranges) {
                parser.set_included_ranges(r).unwrap();
                let tree = parser.parse(text, None).unwrap();
                nodes += tree.root_node().descendant_count();
            }
            parser.set_included_ranges(&[]).unwrap();
            println!(
                "ranges: {:.1} ms, {nodes} nodes, {} ranges",
                t.elapsed().as_secs_f64() * 1e3,
                ranges.iter().map(Vec::len).sum::<usize>()
            );
            for (name, set) in [
                ("blanked", &texts),
                ("compact", &compact),
                ("blanked", &texts),
            ] {
                let t = std::time::Instant::now();
                let mut nodes = 0;
                for text in set.iter() {
                    let tree = parser.parse(text, None).unwrap();
                    nodes += tree.root_node().descendant_count();
                }
                let mb: usize = set.iter().map(String::len).sum();
                println!(
                    "{name}: {:.1} ms over {:.2} MB, {nodes} nodes",
                    t.elapsed().as_secs_f64() * 1e3,
                    mb as f64 / 1e6
                );
            }
            ExitCode::SUCCESS
        }
        "mask-show" => {
            let Some(text) = rest.first().and_then(|p| std::fs::read_to_string(p).ok()) else {
                return usage();
            };
            // A notebook: the module its code cells make.
            let text = if rest[0].ends_with(".ipynb") {
                match keywire::engine::notebook::Notebook::parse_code(&text) {
                    Ok(nb) => nb.module().text.to_string(),
                    Err(_) => return usage(),
                }
            } else {
                text
            };
            // `--tests`: as test code is parsed (its configurations read by no rule).
            let masked = match rest.iter().any(|a| a == "--tests") {
                true => python::masked_text_without_configs(&text),
                false => python::masked_text(&text),
            };
            print!("{}", masked.unwrap_or(text));
            ExitCode::SUCCESS
        }
        "phases" => {
            let mode = match flag(rest, "--prefilter").as_deref() {
                Some("off") => keywire::project::Prefilter::Off,
                Some("facts") => keywire::project::Prefilter::Facts,
                _ => keywire::project::Prefilter::Findings,
            };
            for dir in rest.iter().filter(|a| {
                !a.starts_with("--") && *a != "off" && *a != "facts" && *a != "findings"
            }) {
                verify::phases(&PathBuf::from(dir), mode);
            }
            ExitCode::SUCCESS
        }
        "extract" => {
            // For profilers: fact extraction from a parsed tree, on the keystroke benchmark's
            // 10,000-line module.
            let text = corpus::big_module(10_000, 5);
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .expect("python grammar");
            let tree = parser.parse(&text, None).expect("tree");
            let passes: usize = rest.first().and_then(|n| n.parse().ok()).unwrap_or(50);
            let t = std::time::Instant::now();
            for _ in 0..passes {
                std::hint::black_box(keywire::engine::python::extract_tree(&text, &tree));
            }
            println!(
                "extract_tree, {} KB: {:.2} ms per pass",
                text.len() / 1024,
                t.elapsed().as_secs_f64() * 1e3 / passes as f64
            );
            ExitCode::SUCCESS
        }
        "scan" => {
            let Some(dir) = rest.first() else {
                return usage();
            };
            let passes = rest.get(1).and_then(|n| n.parse().ok()).unwrap_or(5);
            verify::scan(&PathBuf::from(dir), passes);
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}
