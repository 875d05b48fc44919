//! `--diff`: what `--fix` would change, as a unified diff (`--- a/path`, `+++ b/path`, hunks
//! with three lines of context; `--- /dev/null` for a file it would create).
//!
//! Lines are matched on the real texts and shown from their redacted copies
//! ([`crate::cli::redact`]: same lines, same lengths, key-like values masked), so a diff shows
//! no more of a secret than a code frame does.

use std::fmt::Write as _;

use crate::cli::redact::redact;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Above this many cells (changed lines of one side times the other's), the changed middle is
/// shown as removed, then added, rather than matched line by line.
const MAX_MATCH_CELLS: usize = 4_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// The unified diff of one file (empty when the texts are equal). `path` is shown after `a/`
/// and `b/`; `old` is `None` for a file to create; `env` selects the .env redaction.
pub fn unified(path: &str, old: Option<&str>, new: &str, env: bool) -> String {
    let old_text = old.unwrap_or_default();
    if old == Some(new) {
        return String::new();
    }
    let a: Vec<&str> = old_text.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let shown_old = redact(old_text, env);
    let shown_new = redact(new, env);
    let ra: Vec<&str> = shown_old.split_inclusive('\n').collect();
    let rb: Vec<&str> = shown_new.split_inclusive('\n').collect();

    let ops = script(&a, &b);
    let mut out = String::new();
    let old_label = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    let _ = writeln!(out, "--- {old_label}\n+++ b/{path}");

    // Positions in `a` and `b` before each op.
    let mut pos = Vec::with_capacity(ops.len() + 1);
    let (mut i, mut j) = (0, 0);
    for op in &ops {
        pos.push((i, j));
        match op {
            Op::Equal => (i, j) = (i + 1, j + 1),
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    pos.push((i, j));

    let changes: Vec<usize> = (0..ops.len()).filter(|&k| ops[k] != Op::Equal).collect();
    let mut k = 0;
    while k < changes.len() {
        // A hunk: changes less than two contexts apart, with context around.
        let first = changes[k];
        let mut last = first;
        while k + 1 < changes.len() && changes[k + 1] - last <= 2 * CONTEXT {
            k += 1;
            last = changes[k];
        }
        k += 1;
        let from = first.saturating_sub(CONTEXT);
        let to = (last + 1 + CONTEXT).min(ops.len());
        let (a0, b0) = pos[from];
        let (a1, b1) = pos[to];
        let _ = writeln!(out, "@@ -{} +{} @@", range(a0, a1 - a0), range(b0, b1 - b0));
        for (op, &(i, j)) in ops[from..to].iter().zip(&pos[from..to]) {
            let (sign, line) = match op {
                Op::Equal => (' ', ra.get(i)),
                Op::Delete => ('-', ra.get(i)),
                Op::Insert => ('+', rb.get(j)),
            };
            let line = line.copied().unwrap_or_default();
            out.push(sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// `start,count` of a hunk side (1-based start; the line before when the side is empty; a
/// count of 1 left out, as diff does).
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        n => format!("{},{n}", start + 1),
    }
}

/// An edit script from `a` to `b`: the common head and tail, and a longest common subsequence
/// of lines in between (or all of it removed and added when that is too big to match).
fn script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops = vec![Op::Equal; head];
    if ma.len().saturating_mul(mb.len()) > MAX_MATCH_CELLS {
        ops.extend(std::iter::repeat_n(Op::Delete, ma.len()));
        ops.extend(std::iter::repeat_n(Op::Insert, mb.len()));
    } else {
        // lcs[i][j]: length of a longest common subsequence of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                ops.push(Op::Equal);
                (i, j) = (i + 1, j + 1);
            } else if j == mb.len() || (i < ma.len() && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                ops.push(Op::Delete);
                i += 1;
            } else {
                ops.push(Op::Insert);
                j += 1;
            }
        }
    }
    ops.extend(std::iter::repeat_n(Op::Equal, tail));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_have_three_lines_of_context_and_merge_when_close() {
        let old: String = (1..=20).map(|n| format!("l{n}\n")).collect();
        let new = old.replace("l5\n", "L5\n").replace("l9\n", "L9\n");
        let diff = unified("x.py", Some(&old), &new, false);
        assert_eq!(
            diff,
            "--- a/x.py\n+++ b/x.py\n@@ -2,11 +2,11 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n-l9\n+L9\n l10\n l11\n l12\n"
        );
        let new = old.replace("l2\n", "").replace("l19\n", "l19\nx\n");
        let diff = unified("x.py", Some(&old), &new, false);
        assert!(diff.contains("@@ -1,5 +1,4 @@\n l1\n-l2\n l3\n"), "{diff}");
        assert!(
            diff.contains("@@ -17,4 +16,5 @@\n l17\n l18\n l19\n+x\n l20\n"),
            "{diff}"
        );
        assert_eq!(unified("x.py", Some(&old), &old, false), "");
    }

    #[test]
    fn new_files_and_missing_final_newlines() {
        assert_eq!(
            unified(".gitignore", None, ".env\n", false),
            "--- /dev/null\n+++ b/.gitignore\n@@ -0,0 +1 @@\n+.env\n"
        );
        assert_eq!(
            unified("a", Some("x"), "y", false),
            "--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn shown_lines_are_redacted() {
        let key = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
        let old = format!("OPENAI_API_KEY={key}\nA=\" b\"\n");
        let new = format!("OPENAI_API_KEY={key}\nA=\"b\"\n");
        let diff = unified(".env", Some(&old), &new, true);
        assert!(!diff.contains("Ab3dEf6"), "{diff}");
        assert!(diff.contains("-A=\" b\"\n+A=\"b\"\n"), "{diff}");
    }
}
