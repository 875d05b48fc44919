//! `--statistics`: how many findings each rule has, most first, instead of the findings.
//!
//! ```text
//!   3  KW101  missing-api-key  [*]
//!   1  KW305  empty-value
//! ```
//!
//! `[*]` marks a rule with a finding the fix flags given (`--unsafe-fixes` or not) could fix. As
//! JSON: `[{"code","name","count","fixable"}]`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Diag;
use crate::engine::Rule;

#[derive(Debug, Serialize)]
pub struct Row {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    pub fixable: bool,
}

/// One row per rule with findings: most findings first, then by code.
pub fn rows(diags: &[Diag], unsafe_fixes: bool) -> Vec<Row> {
    let mut by_rule: BTreeMap<Rule, (usize, bool)> = BTreeMap::new();
    for d in diags {
        let entry = by_rule.entry(d.finding.rule).or_default();
        entry.0 += 1;
        entry.1 |= d.finding.bulk_fix(unsafe_fixes).is_some();
    }
    let mut rows: Vec<Row> = by_rule
        .into_iter()
        .map(|(rule, (count, fixable))| Row {
            code: rule.code(),
            name: rule.name(),
            count,
            fixable,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

pub fn text(rows: &[Row]) -> String {
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(0)
        .max(3);
    let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rows {
        let line = format!(
            "{:>count_width$}  {}  {:name_width$}  {}",
            r.count,
            r.code,
            r.name,
            if r.fixable { "[*]" } else { "" }
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

pub fn json(rows: &[Row]) -> String {
    let mut out = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}
