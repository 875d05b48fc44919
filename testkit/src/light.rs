//! What the prefilter's light scan must give: a file's full facts without what the light facts
//! leave out by design (shared by `tests/prefilter.rs` and the fuzz harness).

use keywire::engine::python::{self, PyFacts, Relevance};
use keywire::engine::secrets;

/// The full facts of a file the prefilter did not send to the parser, without what its light
/// facts leave out by design: env facts of an env-only file, secret constants that do not
/// look like keys, `has_syntax_errors`; and for test code ([`python::prefilter_test`]), its
/// model configurations.
pub fn expected(mut full: PyFacts, relevance: Relevance, test: bool) -> PyFacts {
    if relevance == Relevance::EnvOnly {
        // KW104 reads written values: none may look like a key in a file left unparsed.
        assert!(
            !full.env_writes.iter().any(|w| w
                .value
                .as_ref()
                .is_some_and(|v| secrets::looks_like_key(&v.value))),
            "an env write of a key in an env-only file"
        );
        full.env_reads.clear();
        full.env_writes.clear();
        // Config lists set by code are env writes too.
        full.config_writes.clear();
    }
    // Only KW104 reads secret constants, and only those whose value looks like a key.
    full.secret_constants
        .retain(|c| secrets::looks_like_key(&c.value.value));
    full.has_syntax_errors = false;
    if test {
        full = python::configs_left_out(full);
        // A config list written to a file is kept only for the module's own rules.
        full.config_writes.clear();
    }
    full
}

/// For a text that parses: the light facts the prefilter gives (as ordinary code and as test
/// code) are [`expected`] of its full facts. Returns how many of the two were light.
pub fn assert_agrees(text: &str, full: &PyFacts, what: &str) -> usize {
    let mut light_count = 0;
    for test in [false, true] {
        let p = match test {
            true => python::prefilter_test(text, false),
            false => python::prefilter(text),
        };
        if let Some(light) = p.light {
            assert_eq!(
                light,
                expected(full.clone(), p.relevance, test),
                "{what}: light facts differ (as test code: {test})"
            );
            light_count += 1;
        }
    }
    light_count
}
