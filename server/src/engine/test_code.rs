//! Which files are test code, for [`TestPolicy`](super::config::TestPolicy): a file under a
//! `test`/`tests` folder (inside the project), `conftest.py`, a `test_*.py` / `*_test.py` module
//! that holds tests, or one matched by the `test-paths` globs.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::config::{Config, TestPolicy};

/// The test-code judgement of one project: its root and its compiled `test-paths`.
pub struct TestCode<'a> {
    root: &'a Path,
    globs: Option<Gitignore>,
}

impl<'a> TestCode<'a> {
    pub fn new(root: &'a Path, config: &Config) -> Self {
        let globs = (!config.test_paths.is_empty()).then(|| {
            let mut builder = GitignoreBuilder::new(root);
            for glob in &config.test_paths {
                // Invalid globs were rejected when the configuration was read.
                let _ = builder.add_line(None, glob);
            }
            builder.build().unwrap_or_else(|_| Gitignore::empty())
        });
        TestCode { root, globs }
    }

    /// Whether the file at `path`, whose text is `text`, is test code. A `test_*.py` /
    /// `*_test.py` module counts only when its text holds tests (`def test…`, pytest,
    /// unittest): scripts named `llm_test.py` that try a model out are not; pass `""` to judge
    /// by the path alone.
    pub fn contains(&self, path: &Path, text: &str) -> bool {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let holds_tests = || {
            ["def test", "pytest", "unittest"]
                .iter()
                .any(|w| text.contains(w))
        };
        let test_file = name == "conftest.py"
            || (((name.starts_with("test_") && name.ends_with(".py"))
                || name.ends_with("_test.py"))
                && holds_tests());
        let test_dir = rel.parent().is_some_and(|dir| {
            dir.components().any(|c| {
                let c = c.as_os_str();
                c == "test" || c == "tests"
            })
        });
        if test_file || test_dir {
            return true;
        }
        self.globs.as_ref().is_some_and(|g| {
            path.starts_with(self.root) && g.matched_path_or_any_parents(path, false).is_ignore()
        })
    }
}

/// The modules whose model configurations no rule reads beyond them: test code, judged by its
/// path alone, unless `tests = "all"`. The walk leaves them unparsed and the rules unread
/// (`Workspace::reads_configs_of`): one answer for both.
pub struct UnreadConfigs<'a>(Option<TestCode<'a>>);

impl<'a> UnreadConfigs<'a> {
    pub fn new(root: &'a Path, config: &Config) -> Self {
        UnreadConfigs((config.tests != TestPolicy::All).then(|| TestCode::new(root, config)))
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.0.as_ref().is_some_and(|t| t.contains(path, ""))
    }
}
