//! `keywire rules` and `keywire rule CODE`.

use std::io::{self, Write};

use crate::engine::config::suggest_rule;
use crate::engine::Rule;

use super::{print_error, EXIT_CLEAN, EXIT_ERROR};

/// One line per rule: code, name, default severity, summary.
pub fn list() -> u8 {
    let width = Rule::ALL.iter().map(|r| r.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in Rule::ALL {
        let meta = rule.meta();
        let line = format!(
            "{}  {:width$}  {:7}  {}",
            meta.code,
            meta.name,
            meta.severity.as_str(),
            meta.summary()
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    write_stdout(&out)
}

/// The documentation of one rule, by code or name (any case).
pub fn show(query: &str) -> u8 {
    let q = query.trim();
    let rule = Rule::from_code_or_name(q).or_else(|| Rule::from_code_or_name(&q.to_lowercase()));
    let Some(rule) = rule else {
        let mut message = format!("unknown rule \"{q}\"");
        if let Some(s) = suggest_rule(q) {
            message.push_str(&format!("; did you mean {} ({})?", s.code(), s.name()));
        }
        message.push_str(" (`keywire rules` lists them)");
        print_error(&message);
        return EXIT_ERROR;
    };
    let meta = rule.meta();
    let mut out = format!(
        "{} {} (default severity: {})\n\n",
        meta.code,
        meta.name,
        meta.severity.as_str()
    );
    out.push_str(meta.doc().trim_end());
    out.push('\n');
    write_stdout(&out)
}

fn write_stdout(text: &str) -> u8 {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => EXIT_CLEAN,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            print_error(&format!("cannot write to stdout: {e}"));
            EXIT_ERROR
        }
    }
}
