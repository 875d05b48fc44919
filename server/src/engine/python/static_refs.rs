//! Serde for the facts' references to static data (the facts cache stores facts): a constructor
//! is stored as its index in [`CONSTRUCTORS`], a word (`OneTuple::keyword`,
//! `EditPoints::newline`) as itself, read back as the static word it must be. Anything else read back is an error, so a stale or damaged cache entry is
//! dropped, never trusted.

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{EditPoints, OneTuple};
use crate::engine::providers::{Constructor, CONSTRUCTORS};
use crate::engine::text::Span;

/// Every static word a fact holds: `OneTuple::keyword` and `EditPoints::newline`.
const WORDS: &[&str] = &["llm_config", "config_list", "\n", "\r\n", ""];

fn index_of(c: &'static Constructor) -> u32 {
    CONSTRUCTORS
        .iter()
        .position(|k| std::ptr::eq(k, c))
        .unwrap_or(u32::MAX as usize) as u32
}

fn by_index<E: Error>(i: u32) -> Result<&'static Constructor, E> {
    CONSTRUCTORS
        .get(i as usize)
        .ok_or_else(|| E::custom("unknown constructor"))
}

pub(super) mod ctor {
    use super::*;

    pub fn serialize<S: Serializer>(c: &&'static Constructor, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(index_of(c))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static Constructor, D::Error> {
        by_index(u32::deserialize(d)?)
    }
}

pub(super) mod ctor_opt {
    use super::*;

    pub fn serialize<S: Serializer>(
        c: &Option<&'static Constructor>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match c {
            Some(c) => s.serialize_some(&index_of(c)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<&'static Constructor>, D::Error> {
        Option::<u32>::deserialize(d)?.map(by_index).transpose()
    }
}

fn word(w: &str) -> Result<&'static str, &'static str> {
    WORDS
        .iter()
        .find(|k| **k == w)
        .copied()
        .ok_or("unknown word")
}

/// [`OneTuple`] as stored: its keyword as a string.
#[derive(Serialize, Deserialize)]
pub struct OneTupleRepr {
    keyword: String,
    use_span: Span,
    span: Span,
    element: Span,
    comma: Span,
}

impl From<OneTuple> for OneTupleRepr {
    fn from(t: OneTuple) -> Self {
        OneTupleRepr {
            keyword: t.keyword.to_string(),
            use_span: t.use_span,
            span: t.span,
            element: t.element,
            comma: t.comma,
        }
    }
}

impl TryFrom<OneTupleRepr> for OneTuple {
    type Error = &'static str;
    fn try_from(t: OneTupleRepr) -> Result<Self, Self::Error> {
        Ok(OneTuple {
            keyword: word(&t.keyword)?,
            use_span: t.use_span,
            span: t.span,
            element: t.element,
            comma: t.comma,
        })
    }
}

impl<'de> Deserialize<'de> for OneTuple {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        OneTupleRepr::deserialize(d)?
            .try_into()
            .map_err(D::Error::custom)
    }
}

/// [`EditPoints`] as stored: its line ending as a string.
#[derive(Serialize, Deserialize)]
pub struct EditPointsRepr {
    has_import_os: bool,
    load_dotenv_name: Option<String>,
    after_imports: usize,
    newline: String,
}

impl From<EditPoints> for EditPointsRepr {
    fn from(e: EditPoints) -> Self {
        EditPointsRepr {
            has_import_os: e.has_import_os,
            load_dotenv_name: e.load_dotenv_name,
            after_imports: e.after_imports,
            newline: e.newline.to_string(),
        }
    }
}

impl TryFrom<EditPointsRepr> for EditPoints {
    type Error = &'static str;
    fn try_from(e: EditPointsRepr) -> Result<Self, Self::Error> {
        Ok(EditPoints {
            has_import_os: e.has_import_os,
            load_dotenv_name: e.load_dotenv_name,
            after_imports: e.after_imports,
            newline: word(&e.newline)?,
        })
    }
}

impl<'de> Deserialize<'de> for EditPoints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        EditPointsRepr::deserialize(d)?
            .try_into()
            .map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constructor_has_its_own_index() {
        for (i, c) in CONSTRUCTORS.iter().enumerate() {
            assert_eq!(index_of(c) as usize, i);
            assert!(std::ptr::eq(
                by_index::<serde::de::value::Error>(i as u32).unwrap(),
                c
            ));
        }
        assert!(by_index::<serde::de::value::Error>(CONSTRUCTORS.len() as u32).is_err());
    }
}
