//! `--format github`: one GitHub Actions workflow command per finding, which GitHub shows as an
//! annotation on the file and line:
//!
//! ```text
//! ::error file=app.py,line=3,col=5,endLine=3,endColumn=12,title=keywire (KW101)::message
//! ```
//!
//! Errors are `::error`, warnings `::warning`, infos and hints `::notice`. Columns count UTF-16
//! code units; a finding inside a notebook cell points into the notebook file's text and names
//! the cell in its message. Values are escaped as GitHub's toolkit does: `%`, CR and LF in the
//! message, and also `:` and `,` in properties.

use std::fmt::Write as _;

use super::{message_with_part, Diag, Sources};
use crate::engine::Severity;

/// Every finding, one line each.
pub fn render(diags: &[Diag], sources: &mut Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let f = &d.finding;
        let (start, end) = sources.range_utf16(&f.path, f.span);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&d.path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("keywire ({})", f.rule.code())),
            escape_data(&message_with_part(f)),
        );
    }
    out
}

/// A command's message: `%`, `\r` and `\n` escaped.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as a message, and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("a,b:c%\n.py"), "a%2Cb%3Ac%25%0A.py");
    }
}
