//! The check driver: runs the enabled rules over one file of a workspace (a Python module, a
//! .env file, an `OAI_CONFIG_LIST` file, a compose file, a Dockerfile or a GitHub Actions
//! workflow) and turns their
//! findings into what a front end shows (rule selection and the test-code policy, suppression
//! comments, severities from the configuration, no fix on a file that does not parse, order).
//! The workspace (`workspace.rs`) holds the data; the rules (`rules/`) know nothing of the
//! configuration beyond what their context gives them.

use std::path::Path;

use super::config_json;
use super::diagnostic::Finding;
use super::resolve::config_source::env_config_lists;
use super::rules::Rule;
use super::rules::{self, ConfigJsonCtx, DeployCtx, EnvCtx, PyCtx};
use super::text::LineIndex;
use super::workspace::{file_kind, ConfigListFile, EnvFile, FileKind, Workspace};

/// What a check may rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The whole workspace: imports, other modules, every `.env` file.
    Workspace,
    /// Only what no other file can change (see [`rules::check_python_local`]): what is known
    /// before the workspace is indexed.
    Local,
}

impl Workspace {
    /// Findings for one file of any kind, given its current text: the one entry point of both
    /// front ends, so a new file kind needs no change in them.
    pub fn check_file(&self, path: &Path, text: &str, reach: Reach) -> Vec<Finding> {
        match file_kind(path) {
            FileKind::Python => self.check_python_with(path, text, reach == Reach::Local),
            FileKind::Notebook => self.check_notebook(path, text, reach),
            // .env rules read only the file itself and the modules' facts already indexed.
            FileKind::Env | FileKind::EnvTemplate => self.check_env(path),
            // Config list rules read only the file and what the workspace already holds.
            FileKind::ConfigJson { .. } => self.check_config_json(path),
            // Compose files and Dockerfiles: the file and what the workspace already holds.
            FileKind::Compose | FileKind::Dockerfile => self.check_deploy(path),
            FileKind::Workflow => self.check_workflow(path),
            FileKind::Manifest => self.check_manifest(path, text),
            // A `pyproject.toml` is a run file and a manifest.
            FileKind::RunFile if self.packages().manifest(path).is_some() => {
                self.check_manifest(path, text)
            }
            // A file of another name that code names as its config list.
            FileKind::Other if self.config_json(path).is_some() => self.check_config_json(path),
            // Run files are facts for the Python rules (runners); no rule reads them alone.
            FileKind::RunFile | FileKind::DockerIgnore | FileKind::Other => Vec::new(),
        }
    }

    /// Findings for one Python module, given its current text (facts come from the model).
    pub fn check_python(&self, path: &Path, text: &str) -> Vec<Finding> {
        self.check_python_with(path, text, false)
    }

    /// The findings of [`Workspace::check_python`] that no other file can change (see
    /// [`rules::check_python_local`]): what is known before the workspace is indexed.
    pub fn check_python_local(&self, path: &Path, text: &str) -> Vec<Finding> {
        self.check_python_with(path, text, true)
    }

    pub(super) fn check_python_with(&self, path: &Path, text: &str, local: bool) -> Vec<Finding> {
        let Some(module) = self.python_module(path) else {
            return Vec::new();
        };
        let ctx = PyCtx::new(self, path, text, &module.facts);
        let test = self.is_test_code(path, text);
        let enabled = |r| self.config.enabled(r) && (!test || self.config.tests.reports(r));
        let findings = if local {
            rules::check_python_local(&ctx, enabled)
        } else {
            rules::check_python(&ctx, enabled)
        };
        self.finish(
            findings,
            |line, code| {
                module.facts.suppressions.iter().any(|s| {
                    s.line == line && (s.codes.is_empty() || s.codes.iter().any(|c| c == code))
                })
            },
            text,
        )
    }

    /// Findings for one .env file.
    pub fn check_env(&self, path: &Path) -> Vec<Finding> {
        let Some(file) = self.env_file(path) else {
            return Vec::new();
        };
        let ctx = EnvCtx {
            ws: self,
            path,
            file,
        };
        let test = self.is_test_code(path, "");
        let enabled = |r| self.config.enabled(r) && (!test || self.config.tests.reports(r));
        let mut findings = rules::check_env(&ctx, enabled);
        findings.extend(self.env_config_lists(path, file, enabled));
        self.finish(
            findings,
            |line, code| {
                file.suppressions.iter().any(|(l, codes)| {
                    *l == line && (codes.is_empty() || codes.iter().any(|c| c == code))
                })
            },
            &file.text,
        )
    }

    /// Findings for one GitHub Actions workflow (from the text the workspace holds).
    pub fn check_workflow(&self, path: &Path) -> Vec<Finding> {
        let Some(file) = self.workflow(path) else {
            return Vec::new();
        };
        let mut findings = Vec::new();
        let rule = Rule::KW504;
        if self.config.enabled(rule) {
            rules::kw504_workflow_missing_variable::check(
                self,
                path,
                &file.text,
                file.facts(),
                &mut findings,
            );
        }
        self.finish(
            findings,
            |line, code| {
                file.suppressions.iter().any(|(l, codes)| {
                    *l == line && (codes.is_empty() || codes.iter().any(|c| c == code))
                })
            },
            &file.text,
        )
    }

    /// Findings for one dependency manifest (`requirements.txt`, `pyproject.toml`…), given its
    /// current text (for `#` suppression comments).
    pub fn check_manifest(&self, path: &Path, text: &str) -> Vec<Finding> {
        let Some(manifest) = self.packages().manifest(path) else {
            return Vec::new();
        };
        let mut findings = Vec::new();
        if self.config.enabled(Rule::KW602) {
            rules::kw602_openai_version_mismatch::check(self, path, manifest, &mut findings);
        }
        if self.config.enabled(Rule::KW603) {
            rules::kw603_environment_out_of_sync::check(self, path, manifest, &mut findings);
        }
        let suppressions = super::workspace::comment_suppressions(text);
        self.finish(
            findings,
            |line, code| {
                suppressions.iter().any(|(l, codes)| {
                    *l == line && (codes.is_empty() || codes.iter().any(|c| c == code))
                })
            },
            text,
        )
    }

    /// Findings for one `OAI_CONFIG_LIST` file. JSON has no comments: nothing in it can be
    /// suppressed but by the configuration.
    pub fn check_config_json(&self, path: &Path) -> Vec<Finding> {
        let Some(file) = self.config_json(path) else {
            return Vec::new();
        };
        let facts = rules::config_list_facts(file);
        let ctx = ConfigJsonCtx::new(self, path, file, &facts);
        let test = self.is_test_code(path, "");
        let findings = rules::check_config_json(&ctx, |r| {
            self.config.enabled(r) && (!test || self.config.tests.reports(r))
        });
        self.finish(findings, |_, _| false, &file.text)
    }

    /// Findings for one compose file or Dockerfile. `# keywire: ignore[...]` comments work as
    /// in a `.env` file (a Dockerfile's only on a line of their own, above nothing: Docker reads
    /// no comment after an instruction).
    pub fn check_deploy(&self, path: &Path) -> Vec<Finding> {
        let Some(file) = self.deploy_file(path) else {
            return Vec::new();
        };
        let ctx = DeployCtx {
            ws: self,
            path,
            file,
        };
        let test = self.is_test_code(path, "");
        let findings = rules::check_deploy(&ctx, |r| {
            self.config.enabled(r) && (!test || self.config.tests.reports(r))
        });
        let suppressions = super::workspace::comment_suppressions(&file.text);
        self.finish(
            findings,
            |line, code| {
                suppressions.iter().any(|(l, codes)| {
                    *l == line && (codes.is_empty() || codes.iter().any(|c| c == code))
                })
            },
            &file.text,
        )
    }

    /// The config list rules on the config lists this .env's values hold
    /// (`OAI_CONFIG_LIST='[...]'`, read by `config_list_from_json`), at positions inside the
    /// values. Not KW104 (a key in a .env is where it belongs) nor KW308 (which judges the
    /// .env file itself).
    fn env_config_lists(
        &self,
        path: &Path,
        file: &EnvFile,
        enabled: impl Fn(Rule) -> bool,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for (entry, offset) in env_config_lists(self, path) {
            let Some(json) = entry
                .value
                .as_deref()
                .and_then(|v| file.text.get(offset..offset + v.len()))
            else {
                continue;
            };
            let list = ConfigListFile {
                text: file.text.clone(),
                parsed: config_json::read_embedded(json, offset),
                template: false,
                git: file.git.clone(),
            };
            let facts = rules::config_list_facts(&list);
            let ctx = ConfigJsonCtx::new(self, path, &list, &facts);
            out.extend(rules::check_config_json(&ctx, |r| {
                enabled(r) && !matches!(r, Rule::KW104 | Rule::KW308)
            }));
        }
        out
    }

    fn finish(
        &self,
        mut findings: Vec<Finding>,
        suppressed: impl Fn(usize, &str) -> bool,
        text: &str,
    ) -> Vec<Finding> {
        if findings.is_empty() {
            // Most modules: no line index to build.
            return findings;
        }
        let index = LineIndex::new(text);
        findings.retain(|f| !suppressed(index.line_of(f.span.start), f.rule.code()));
        for f in &mut findings {
            f.severity = self.config.severity_for(f.rule, f.severity);
            // Like ruff, no fix edits a Python file that does not parse: where the parser
            // recovered, an inserted line can land in the error and change nothing, so the same
            // fix would be offered (and applied by --fix) again and again.
            f.fixes.retain(|fx| {
                !fx.edits.iter().any(|e| {
                    self.python_module(&e.path)
                        .is_some_and(|m| m.facts.has_syntax_errors)
                })
            });
        }
        findings.sort_by_key(|a| (a.span.start, a.rule));
        findings.dedup_by(|a, b| a.span == b.span && a.rule == b.rule && a.message == b.message);
        findings
    }
}
