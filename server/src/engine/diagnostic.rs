//! What the engine reports: findings with byte spans, related locations and fixes as byte-range
//! edits. Front ends (CLI, language server) convert these; nothing here knows about LSP.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::rules::registry::Rule;
pub use super::severity::Severity;
use super::text::Span;

/// A location in another file (or elsewhere in the same file) that explains a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub path: PathBuf,
    pub span: Span,
    pub message: String,
    /// As [`Finding::within`], for a location in a notebook cell.
    #[serde(skip)]
    pub within: Option<Within>,
}

/// One text replacement. `span` is a byte range into `path`'s current text; an edit on a file
/// that does not exist yet has an empty span at 0 and `create` set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub path: PathBuf,
    pub span: Span,
    pub new_text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create: bool,
}

/// A named set of edits that repairs a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Safe to apply without review (`--fix`, fix-all). Unsafe fixes are offered one at a time.
    pub safe: bool,
    /// The edits carry a secret (moving a key into .env): front ends never print them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub path: PathBuf,
    pub span: Span,
    pub message: String,
    pub related: Vec<Related>,
    /// The first fix is the preferred one.
    pub fixes: Vec<Fix>,
    /// Where the span is inside a part of the file that users count on their own (a notebook
    /// cell), for front ends that show it; `span` stays an offset into the whole file text.
    pub within: Option<Within>,
}

/// A location inside a numbered part of a file: `label number` (`cell 3`) and 1-based lines and
/// columns (in Unicode scalar values) of both ends of the span inside that part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Within {
    pub label: &'static str,
    /// 1-based.
    pub number: usize,
    pub start: (usize, usize),
    pub end: (usize, usize),
}

impl Within {
    /// The label of a notebook cell.
    pub const CELL: &'static str = "cell";
}

impl Finding {
    pub fn new(
        rule: Rule,
        path: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: rule.meta().severity,
            rule,
            path: path.into(),
            span,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
            within: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn related(
        mut self,
        path: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            path: path.into(),
            span,
            message: message.into(),
            within: None,
        });
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    /// The fix a bulk fix (`keywire check --fix`, `source.fixAll.keywire`) may apply: the first
    /// one with edits that is safe (or any, with `unsafe_fixes`). Only warnings and errors:
    /// fixes of hints and infos are applied one at a time, never in bulk.
    pub fn bulk_fix(&self, unsafe_fixes: bool) -> Option<&Fix> {
        if self.severity < Severity::Warning {
            return None;
        }
        self.fixes
            .iter()
            .find(|f| !f.edits.is_empty() && (f.safe || unsafe_fixes))
    }

    /// A bulk fix needs `--unsafe-fixes`: no safe one applies, an unsafe one would.
    pub fn has_only_unsafe_bulk_fix(&self) -> bool {
        self.bulk_fix(false).is_none() && self.bulk_fix(true).is_some()
    }
}

/// `noun` with its indefinite article, for messages: "an OpenAI key", "a Groq key".
pub fn with_article(noun: &str) -> String {
    let vowel_sound = noun
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c) || (c == 'x' && !noun.starts_with("xy")));
    format!("{} {noun}", if vowel_sound { "an" } else { "a" })
}
