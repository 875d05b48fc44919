//! AutoGen's `filter_config(config_list, filter_dict)` over the entries keywire knows, in every
//! version's semantics at once (`autogen/oai/openai_utils.py`, 0.2 branch):
//!
//! - an entry is kept when every criterion accepts it;
//! - a criterion is a list, set or tuple of accepted values: a string field is accepted when it
//!   is one of them, a list field (`tags`) when the two intersect;
//! - a missing field (or `null`): up to 0.2.26 (`config.get(key) in values`) it is accepted when
//!   `None` is one of the values; from 0.2.27 (`_satisfies_criteria`: `if value is None: return
//!   False`) never. With `None` among the values the answer depends on the version: unknown;
//! - a lone string instead of a collection is tested with `in`, so any substring of it matches
//!   (AG2's `.where(model="gpt-4")` compares with `==`, which that covers);
//! - a field keywire cannot read (an env read in code, a number, an object) may match.
//!
//! So [`Verdict::Drops`] means "dropped in every version".

use crate::engine::json::{Json, JsonKind};
use crate::engine::python::{ConfigEntry, Criterion, FieldValue, Filter};
use crate::engine::text::Span;

/// A field of an entry as the filter sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    /// A list of strings (`"tags": ["a", "b"]`).
    Strs(Vec<String>),
    /// JSON `null`: `config.get(key)` is None, as for a missing field.
    Null,
    /// Anything else: no claim.
    Other,
}

/// One entry of a resolved config list.
#[derive(Clone, Debug, PartialEq)]
pub struct ListEntry {
    /// Fields in order; for a repeated JSON key the last one wins (as in Python's dict).
    pub fields: Vec<(String, Val)>,
    /// The entry (the object or dict), in the file or text that holds it.
    pub span: Span,
}

impl ListEntry {
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The `model` string, if it is one.
    pub fn model(&self) -> Option<&str> {
        self.str("model")
    }

    /// The value of `key`, if it is a string.
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// The entries of a JSON config list (`json` parsed from a text whose spans are shifted by
/// `offset`); None unless it is a list of objects, as AutoGen needs.
pub fn json_entries(json: &Json, offset: usize) -> Option<Vec<ListEntry>> {
    let shift = |r: &std::ops::Range<usize>| Span::new(r.start + offset, r.end + offset);
    json.items()?
        .iter()
        .map(|item| {
            let members = item.members()?;
            let fields = members
                .iter()
                .map(|m| {
                    let v = match &m.value.kind {
                        JsonKind::String(s) => Val::Str(s.clone()),
                        JsonKind::Null => Val::Null,
                        JsonKind::Array(items) => items
                            .iter()
                            .map(|i| i.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                            .map_or(Val::Other, Val::Strs),
                        _ => Val::Other,
                    };
                    (m.key.clone(), v)
                })
                .collect();
            Some(ListEntry {
                fields,
                span: shift(&item.span),
            })
        })
        .collect()
}

/// The entries of Python dict literals (a list set by code); None when one of them may hold
/// fields keywire cannot see.
pub fn code_entries(entries: &[ConfigEntry]) -> Option<Vec<ListEntry>> {
    entries
        .iter()
        .map(|e| {
            if e.has_splat {
                return None;
            }
            let fields = e
                .fields
                .iter()
                .map(|f| {
                    let v = match &f.value {
                        FieldValue::Str(s) => Val::Str(s.value.clone()),
                        _ => Val::Other,
                    };
                    (f.key.clone(), v)
                })
                .collect();
            Some(ListEntry {
                fields,
                span: e.span,
            })
        })
        .collect()
}

/// Whether the filters keep an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Kept in every AutoGen version.
    Keeps,
    /// Dropped in every AutoGen version.
    Drops,
    /// Depends on the version or on a value keywire cannot read.
    Unknown,
}

impl Verdict {
    fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::Drops, _) | (_, Verdict::Drops) => Verdict::Drops,
            (Verdict::Keeps, Verdict::Keeps) => Verdict::Keeps,
            _ => Verdict::Unknown,
        }
    }
}

/// What one criterion says of one entry.
pub fn accepts(c: &Criterion, value: Option<&Val>) -> Verdict {
    let yes = |b: bool| if b { Verdict::Keeps } else { Verdict::Drops };
    if c.scalar {
        let Some(scalar) = c.values.first().and_then(|v| v.value.as_deref()) else {
            return Verdict::Unknown;
        };
        return match value {
            Some(Val::Str(s)) => yes(scalar.contains(s.as_str())),
            _ => Verdict::Unknown,
        };
    }
    match value {
        None | Some(Val::Null) => {
            if c.values.iter().any(|v| v.value.is_none()) {
                Verdict::Unknown
            } else {
                Verdict::Drops
            }
        }
        Some(Val::Str(s)) => yes(c.values.iter().any(|v| v.value.as_deref() == Some(s))),
        Some(Val::Strs(items)) => yes(items
            .iter()
            .any(|i| c.values.iter().any(|v| v.value.as_deref() == Some(i)))),
        Some(Val::Other) => Verdict::Unknown,
    }
}

/// What all the filters (`filter_dict`, then `.where(...)`) say of one entry.
pub fn kept(filters: &[&Filter], entry: &ListEntry) -> Verdict {
    filters
        .iter()
        .flat_map(|f| &f.criteria)
        .fold(Verdict::Keeps, |acc, c| {
            acc.and(accepts(c, entry.get(&c.key)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::json;
    use crate::engine::python::{extract, Arg};

    fn filter_of(code: &str) -> Filter {
        let text =
            format!("import autogen\nautogen.config_list_from_json(\"X\", filter_dict={code})\n");
        match extract(&text).config_sources.remove(0).filter {
            Arg::Known(Some(f)) => f,
            other => panic!("not a literal filter: {other:?}"),
        }
    }

    fn verdicts(filter: &str, list: &str) -> Vec<Verdict> {
        let f = filter_of(filter);
        let entries = json_entries(&json::parse(list).unwrap(), 0).unwrap();
        entries.iter().map(|e| kept(&[&f], e)).collect()
    }

    use Verdict::*;

    #[test]
    fn strings_lists_and_tags() {
        let list = r#"[{"model": "gpt-4"}, {"model": "gpt-3.5-turbo", "api_type": "azure"},
                       {"model": "gpt-3.5-turbo", "tags": ["gpt35_turbo", "x"]}]"#;
        assert_eq!(
            verdicts(r#"{"model": ["gpt-4"]}"#, list),
            [Keeps, Drops, Drops]
        );
        assert_eq!(
            verdicts(
                r#"{"model": {"gpt-3.5-turbo"}, "api_type": ["azure"]}"#,
                list
            ),
            [Drops, Keeps, Drops]
        );
        assert_eq!(
            verdicts(r#"{"tags": ("gpt35_turbo",)}"#, list),
            [Drops, Drops, Keeps]
        );
        assert_eq!(verdicts(r#"{"model": []}"#, list), [Drops, Drops, Drops]);
    }

    #[test]
    fn a_missing_field_depends_on_the_version_only_when_none_is_accepted() {
        let list = r#"[{"model": "gpt-4"}, {"model": "o1", "api_type": null}]"#;
        assert_eq!(verdicts(r#"{"api_type": ["azure"]}"#, list), [Drops, Drops]);
        assert_eq!(
            verdicts(r#"{"api_type": ["azure", None]}"#, list),
            [Unknown, Unknown]
        );
    }

    #[test]
    fn a_lone_string_matches_its_substrings_and_unreadable_values_may_match() {
        let list = r#"[{"model": "gpt-4"}, {"model": "gpt-4o"}, {"model": 3}]"#;
        assert_eq!(
            verdicts(r#"{"model": "gpt-4"}"#, list),
            [Keeps, Drops, Unknown]
        );
    }
}
