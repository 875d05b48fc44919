//! Runs the output scanner (KW401) over every output of every notebook under a folder and
//! prints what it finds, for judging by hand: never a value, only the provider, the length,
//! the fingerprint and the 20 characters before the key (other keys in them masked).
//!
//! ```sh
//! KEYWIRE_NOTEBOOKS=/path/to/notebooks cargo test -p keywire --test output_secrets_corpus -- --ignored --nocapture
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use keywire::engine::notebook::Notebook;
use keywire::engine::rules::kw401_secret_in_output;
use keywire::engine::secrets::scan_output;
use keywire::engine::LineIndex;

fn notebooks(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            notebooks(&path, out);
        } else if path.extension().is_some_and(|e| e == "ipynb") {
            out.push(path);
        }
    }
}

/// Up to 20 characters before `at`, every byte of a found key replaced by `*`, one line.
fn context_before(text: &str, at: usize, keys: &[std::ops::Range<usize>]) -> String {
    let mut start = at;
    for _ in 0..20 {
        match text[..start].chars().next_back() {
            Some(c) => start -= c.len_utf8(),
            None => break,
        }
    }
    let mut masked = String::new();
    for (i, c) in text[start..at].char_indices() {
        let offset = start + i;
        if keys.iter().any(|k| k.contains(&offset)) {
            masked.push('*');
        } else {
            masked.extend(c.escape_debug());
        }
    }
    masked
}

#[test]
#[ignore = "needs KEYWIRE_NOTEBOOKS: a folder of notebooks"]
fn print_keys_in_notebook_outputs() {
    let dir = PathBuf::from(std::env::var("KEYWIRE_NOTEBOOKS").expect("set KEYWIRE_NOTEBOOKS"));
    let mut paths = Vec::new();
    notebooks(&dir, &mut paths);
    paths.sort();
    let (mut scanned, mut outputs, mut hits, mut findings) = (0, 0, 0, 0);
    for path in &paths {
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        let Ok(notebook) = Notebook::parse(&text) else {
            println!("{}: not a notebook", path.display());
            continue;
        };
        scanned += 1;
        for cell in &notebook.cells {
            for output in &cell.outputs {
                outputs += 1;
                let found = scan_output(&output.text);
                let spans: Vec<_> = found.iter().map(|s| s.span.clone()).collect();
                for secret in &found {
                    hits += 1;
                    println!(
                        "{} cell {}: {} | {}«key»",
                        path.strip_prefix(&dir).unwrap_or(path).display(),
                        cell.index + 1,
                        secret.description,
                        context_before(&output.text, secret.span.start, &spans),
                    );
                }
            }
        }
        // The rule's findings sit on the key itself in the notebook text.
        let mut found = Vec::new();
        kw401_secret_in_output::check(path, &text, &notebook, &mut found);
        let lines = LineIndex::new(&text);
        for f in &found {
            findings += 1;
            let key = &text[f.span.start..f.span.end];
            let whole = scan_output(key);
            assert!(
                whole.len() == 1 && whole[0].span == (0..key.len()),
                "{}: a finding's span is not one key",
                path.display()
            );
            let line = lines.line_of(f.span.start);
            println!(
                "{}:{}: {}",
                path.strip_prefix(&dir).unwrap_or(path).display(),
                line + 1,
                f.message
            );
        }
    }
    println!("{scanned} notebooks, {outputs} outputs, {hits} keys, {findings} findings");
    assert!(scanned > 0, "no notebook under {}", dir.display());
}
