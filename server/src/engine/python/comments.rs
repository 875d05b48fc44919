//! Where a Python module's comments are, from a byte scan that knows strings (so `"#"` inside
//! a literal or a docstring is no comment). Used on the current text by rules that look at
//! comments, which facts do not keep.

use crate::engine::secrets;

/// Whether some comment of `text` holds a secret ([`secrets::comment_secrets`]).
pub fn has_comment_secret(text: &str) -> bool {
    secrets::may_hold_comment_secret(text)
        && comments(text)
            .iter()
            .any(|&(s, e)| !secrets::comment_secrets(&text[s..e]).is_empty())
}

/// Byte ranges of the comments in `text`, `#` included, in order.
pub fn comments(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                let end = memchr_newline(b, i);
                out.push((i, end));
                i = end;
            }
            q @ (b'"' | b'\'') => {
                let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        c if c == q => {
                            if !triple {
                                i += 1;
                                break;
                            }
                            if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                                i += 3;
                                break;
                            }
                            i += 1;
                        }
                        // An unclosed one-line string ends at the line (a syntax error).
                        b'\n' if !triple => break,
                        _ => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn memchr_newline(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        comments(text).iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn finds_comments_and_skips_strings() {
        let text =
            "x = '#no'  # yes 1\n\"\"\"doc # no\n# no\"\"\"\ny = \"a\\\"#\" # yes 2\r\n# yes 3";
        assert_eq!(texts(text), ["# yes 1", "# yes 2", "# yes 3"]);
    }

    #[test]
    fn unclosed_strings_end_at_the_line() {
        assert_eq!(texts("x = 'open\n# yes\n"), ["# yes"]);
        assert!(comments("s = '''never closed # no").is_empty());
    }
}
