//! `# keywire: ignore[...]` comments: the one grammar of a suppression, read by the Python
//! extractor, the .env checks and the editor's quick fixes. A leaf: it uses nothing of the engine.

/// Parse a `keywire: ignore` / `keywire: ignore[KW101, KW104]` comment body (text after `#`).
/// Returns the codes (empty = all rules), or None when the comment is no suppression.
pub fn parse_suppression(comment: &str) -> Option<Vec<String>> {
    let rest = comment.trim_start_matches('#').trim_start();
    let rest = rest.strip_prefix("keywire:")?.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    if let Some(list) = rest.strip_prefix('[') {
        let list = list.split(']').next()?;
        Some(
            list.split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect(),
        )
    } else if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        Some(Vec::new())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comments() {
        assert_eq!(parse_suppression("# keywire: ignore"), Some(vec![]));
        assert_eq!(
            parse_suppression("# keywire: ignore[kw101, KW104]"),
            Some(vec!["KW101".into(), "KW104".into()])
        );
        assert_eq!(parse_suppression("# keywire: ignored"), None);
        assert_eq!(parse_suppression("# noqa"), None);
    }
}
