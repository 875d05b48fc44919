//! `verify DIR…`: the prefilter's light facts against the full extractor on every Python file of
//! real trees (the differential test does the same on the test corpora, in CI).

use std::path::{Path, PathBuf};
use std::time::Instant;

use keywire::engine::config::Config;
use keywire::engine::notebook::Notebook;
use keywire::engine::notebook_facts;
use keywire::engine::python::{self, Relevance};
use keywire::engine::test_code::TestCode;

pub fn python_files(dir: &Path) -> Vec<PathBuf> {
    files_with(dir, &["py", "pyi"])
}

/// Files under `dir` with one of these extensions, sorted (caches and `.git` skipped).
pub fn files_with(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                let name = e.file_name();
                if name != "__pycache__" && name != ".git" && name != "site-packages" {
                    stack.push(p);
                }
            } else if t.is_file()
                && p.extension()
                    .is_some_and(|x| extensions.iter().any(|e| x == *e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The texts of the Python files under `dir` the prefilter sends to the parser.
pub fn parsed_texts(dir: &Path) -> Vec<String> {
    python_files(dir)
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| python::prefilter(t).relevance == Relevance::Full)
        .collect()
}

pub fn run(dirs: &[PathBuf]) -> bool {
    let mut ok = true;
    for dir in dirs {
        let files = python_files(dir);
        let (mut quiet, mut env_only, mut full, mut fallback) = (0, 0, 0, 0);
        let (mut quiet_bytes, mut env_bytes, mut full_bytes) = (0usize, 0usize, 0usize);
        let mut syntax_errors = 0;
        let mut mismatches = 0;
        let mut shown = 0;
        let mut reasons = std::collections::BTreeMap::new();
        let (mut t_full, mut t_pre) = (0f64, 0f64);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let t = Instant::now();
            let pre = python::prefilter(&text);
            t_pre += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let facts = python::extract(&text);
            t_full += t.elapsed().as_secs_f64();
            match pre.relevance {
                Relevance::Quiet => {
                    quiet += 1;
                    quiet_bytes += text.len();
                }
                Relevance::EnvOnly => {
                    env_only += 1;
                    env_bytes += text.len();
                }
                Relevance::Full => {
                    full += 1;
                    full_bytes += text.len();
                    *reasons.entry(pre.reason).or_insert(0usize) += 1;
                    if std::env::var_os("SHOW_FULL").is_some() {
                        eprintln!("full ({}): {}", pre.reason, path.display());
                    }
                    if pre.reason == "scan" {
                        fallback += 1;
                        if std::env::var_os("SHOW_FALLBACK").is_some() {
                            eprintln!("gave up: {}", path.display());
                        }
                    }
                }
            }
            let Some(light) = pre.light else { continue };
            if facts.has_syntax_errors {
                syntax_errors += 1;
                continue;
            }
            let mut expected = facts.clone();
            // What the light scan leaves out by design.
            if pre.relevance == Relevance::EnvOnly {
                if expected.env_writes.iter().any(|w| {
                    w.value
                        .as_ref()
                        .is_some_and(|v| keywire::engine::secrets::looks_like_key(&v.value))
                }) {
                    eprintln!("KEY WRITTEN IN AN ENV-ONLY FILE {}", path.display());
                    mismatches += 1;
                    ok = false;
                }
                expected.env_reads.clear();
                expected.env_writes.clear();
            }
            expected.has_syntax_errors = false;
            // Only KW104 reads secret constants, and only those whose value looks like a key.
            expected
                .secret_constants
                .retain(|c| keywire::engine::secrets::looks_like_key(&c.value.value));
            if light != expected {
                mismatches += 1;
                ok = false;
                if shown < 5 {
                    shown += 1;
                    eprintln!("MISMATCH {}", path.display());
                    for (a, b) in light.imports.iter().zip(&expected.imports) {
                        if a != b {
                            eprintln!("  light {a:?}\n  full  {b:?}");
                            break;
                        }
                    }
                    if light.imports.len() != expected.imports.len() {
                        eprintln!(
                            "  {} light imports, {} full",
                            light.imports.len(),
                            expected.imports.len()
                        );
                    }
                    if light.edit_points != expected.edit_points {
                        eprintln!(
                            "  light {:?}\n  full  {:?}",
                            light.edit_points, expected.edit_points
                        );
                    }
                    if light.secret_constants != expected.secret_constants
                        || light.suppressions != expected.suppressions
                        || light.entries != expected.entries
                        || light.loads != expected.loads
                    {
                        eprintln!("  other facts differ");
                    }
                }
            }
        }
        let mb = |b: usize| b as f64 / 1e6;
        println!(
            "{}: {} files; quiet {} ({:.1} MB), env-only {} ({:.1} MB), full {} ({:.1} MB, {} of them because the light scan gave up); \
             {} light files skipped (syntax errors); {} mismatches; prefilter {:.3} s, full extraction {:.3} s",
            dir.display(),
            files.len(),
            quiet,
            mb(quiet_bytes),
            env_only,
            mb(env_bytes),
            full,
            mb(full_bytes),
            fallback,
            syntax_errors,
            mismatches,
            t_pre,
            t_full
        );
        println!("  full because: {reasons:?}");
    }
    ok
}

/// `scan DIR [N]`: prefilter throughput on files held in memory (N passes), single-threaded.
pub fn scan(dir: &Path, passes: usize) {
    let texts: Vec<String> = python_files(dir)
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut best = f64::MAX;
    for _ in 0..passes {
        let t = Instant::now();
        let mut n = 0;
        for text in &texts {
            if python::prefilter(text).relevance != Relevance::Full {
                n += 1;
            }
        }
        let s = t.elapsed().as_secs_f64();
        best = best.min(s);
        std::hint::black_box(n);
    }
    println!(
        "prefilter: {} files, {:.1} MB, best of {passes}: {:.3} s = {:.0} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        best,
        bytes as f64 / 1e6 / best
    );
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for text in &texts {
        let p = python::prefilter(text);
        let key = match p.relevance {
            Relevance::Full => format!("parsed ({})", p.reason),
            other => format!("{other:?}"),
        };
        *counts.entry(key).or_default() += 1;
    }
    for (kind, n) in counts {
        println!("  {kind}: {n}");
    }
}

/// `phases DIR`: where the time of one check goes, in process: load (walk, read, prefilter,
/// extract), the workspace indexes (import graph), the rules.
pub fn phases(dir: &Path, prefilter: keywire::project::Prefilter) {
    use keywire::project::{self, LoadOptions};
    let t = Instant::now();
    let opts = LoadOptions {
        prefilter,
        ..LoadOptions::default()
    };
    let loaded = project::load(&[dir.to_path_buf()], &opts).expect("load");
    let t_load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    if let Some(first) = loaded.python.first() {
        let _ = keywire::engine::resolve::ModuleScope::new(&loaded.workspace, &first.path);
    }
    let t_index = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let findings = keywire::cli::check::check_all(&loaded);
    let t_check = t.elapsed().as_secs_f64();
    let t = Instant::now();
    drop(loaded);
    let t_drop = t.elapsed().as_secs_f64();
    println!(
        "{}: load {t_load:.3} s, import graph {t_index:.3} s, rules {t_check:.3} s ({} findings), drop {t_drop:.3} s",
        dir.display(),
        findings.len()
    );
}

/// `mask DIR…`: on every Python file the prefilter sends to the parser, the bytes the mask
/// leaves to tree-sitter, the time of a masked and an unmasked extraction, and whether their
/// facts agree (files whose text does not parse as written are counted apart: the mask does
/// not see errors in the statements it blanks).
pub fn mask(dirs: &[PathBuf]) -> bool {
    let mut ok = true;
    for dir in dirs {
        let (mut files, mut masked, mut broken, mut mismatches) = (0, 0, 0, 0);
        let (mut bytes, mut nonblank, mut kept) = (0usize, 0usize, 0usize);
        let (mut t_masked, mut t_full, mut t_mask) = (0f64, 0f64, 0f64);
        let (mut test_kept, mut t_test, mut test_mismatches) = (0usize, 0f64, 0usize);
        let tests = TestCode::new(dir, &Config::default());
        // Python files as read; notebooks as the module their code cells make (magics blanked).
        let (mut nb_files, mut nb_kept, mut t_nb) = (0usize, 0usize, 0f64);
        let mut fallbacks = 0usize;
        let sources = python_files(dir).into_iter().filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, text, false))
        });
        let notebooks = files_with(dir, &["ipynb"]).into_iter().filter_map(|path| {
            let json = std::fs::read_to_string(&path).ok()?;
            if !notebook_facts::may_hold_fact(&json) {
                return None;
            }
            let text = Notebook::parse_code(&json).ok()?.module().text;
            Some((path, text, true))
        });
        for (path, text, notebook) in sources.chain(notebooks) {
            // As the walk judges it (by the path), under the default test policy.
            let test = !notebook && tests.contains(&path, "");
            let p = match test {
                true => python::prefilter_test(&text, false),
                false => python::prefilter(&text),
            };
            if !notebook && p.relevance != Relevance::Full {
                continue;
            }
            files += 1;
            bytes += text.len();
            let solid = |t: &str| t.bytes().filter(|c| !c.is_ascii_whitespace()).count();
            nonblank += solid(&text);
            let t = Instant::now();
            let m = python::masked_text(&text);
            t_mask += t.elapsed().as_secs_f64();
            let k = match m {
                Some(m) => {
                    masked += 1;
                    if masked_broken(&m) {
                        fallbacks += 1;
                        if fallbacks <= 5 {
                            eprintln!("masked parse has errors: {}", path.display());
                        }
                    }
                    solid(&m)
                }
                None => solid(&text),
            };
            kept += k;
            if std::env::var_os("SHOW_KEPT").is_some() {
                eprintln!("kept {k} {} {}", test as u8, path.display());
            }
            let t = Instant::now();
            let facts = python::extract(&text);
            let dt = t.elapsed().as_secs_f64();
            t_masked += dt;
            if test {
                test_kept += k;
                t_test += dt;
            }
            if notebook {
                nb_files += 1;
                nb_kept += k;
                t_nb += dt;
            }
            let t = Instant::now();
            let full = python::extract_unmasked(&text);
            t_full += t.elapsed().as_secs_f64();
            if full.has_syntax_errors {
                broken += 1;
                continue;
            }
            let unpruned = python::extract_unpruned(&text);
            if facts != unpruned {
                mismatches += 1;
                if mismatches <= 5 {
                    eprintln!("facts differ: {}", path.display());
                }
            }
            // As test code is read (its configurations left out), whatever the path says.
            let without = python::configs_left_out(python::extract_without_configs(&text));
            if without != python::configs_left_out(unpruned) {
                test_mismatches += 1;
                if test_mismatches <= 5 {
                    eprintln!("facts without configurations differ: {}", path.display());
                }
            }
        }
        let all: usize = python_files(dir)
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|t| t.bytes().filter(|c| !c.is_ascii_whitespace()).count())
            .sum();
        println!(
            "{}: {files} parsed files ({:.1} MB), {masked} masked; non-blank bytes parsed: {:.1}% of theirs, {:.1}% of the tree's; extract {:.0} ms masked (the mask {:.0} ms) vs {:.0} ms as written; {broken} with syntax errors ({fallbacks} masked ones parsed again unmasked); {mismatches} with different facts ({test_mismatches} without configurations); test code: {:.1}% of the bytes parsed, {:.0} ms; {nb_files} notebooks: {:.1}% of the bytes parsed, {:.0} ms",
            dir.display(),
            bytes as f64 / 1e6,
            100.0 * kept as f64 / nonblank.max(1) as f64,
            100.0 * kept as f64 / all.max(1) as f64,
            t_masked * 1e3,
            t_mask * 1e3,
            t_full * 1e3,
            100.0 * test_kept as f64 / kept.max(1) as f64,
            t_test * 1e3,
            100.0 * nb_kept as f64 / kept.max(1) as f64,
            t_nb * 1e3,
        );
        ok &= mismatches == 0 && test_mismatches == 0;
    }
    ok
}

/// Whether the masked text parses with errors (the extractor then parses the text as written).
fn masked_broken(masked: &str) -> bool {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("the Python grammar loads");
    parser
        .parse(masked, None)
        .is_none_or(|t| t.root_node().has_error())
}
