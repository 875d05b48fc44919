//! GitHub Actions workflows (`.github/workflows/*.yml`): the facts keywire reads from one,
//! through the YAML tree of `engine/yaml.rs`. Triggers (whether it runs on `pull_request`),
//! `env:` at workflow, job and step level (names and spans; a value is a secret, a variable,
//! another expression or a literal, never kept as text), jobs' and steps' `run:` scripts,
//! `uses:` and `working-directory`. Pure: text in, facts out; an invalid document has none.

use super::text::Span;
use super::yaml::{self, Node, NodeKind};

/// A workflow's facts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workflow {
    /// It runs on `pull_request` (whose runs from forks get no secrets).
    pub pull_request: bool,
    pub env: EnvBlock,
    /// `defaults.run.working-directory` of the workflow.
    pub working_directory: Option<String>,
    pub jobs: Vec<Job>,
}

/// An `env:` mapping.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum EnvBlock {
    #[default]
    None,
    /// A block mapping of names to values (`flow`: written `{A: b}`).
    Vars { vars: Vec<EnvVar>, flow: bool },
    /// An expression (`env: ${{ fromJSON(…) }}`) or something else: any name may be set.
    Unknown,
}

impl EnvBlock {
    pub fn vars(&self) -> &[EnvVar] {
        match self {
            EnvBlock::Vars { vars, .. } => vars,
            _ => &[],
        }
    }

    /// Whether it sets `name` (or may: an [`EnvBlock::Unknown`]).
    pub fn may_set(&self, name: &str) -> bool {
        match self {
            EnvBlock::None => false,
            EnvBlock::Vars { vars, .. } => vars.iter().any(|v| v.name == name),
            EnvBlock::Unknown => true,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvVar {
    pub name: String,
    pub name_span: Span,
    pub value_span: Span,
    pub value: EnvValue,
}

/// What an `env:` value is. A literal's text is never kept: it may be a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    /// `${{ secrets.X }}`.
    Secret(String),
    /// `${{ vars.X }}`.
    Var(String),
    /// Another `${{ … }}` expression.
    Expression,
    Literal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: String,
    pub id_span: Span,
    pub env: EnvBlock,
    /// A reusable workflow (`uses:` at job level): its steps are elsewhere.
    pub uses: bool,
    /// `defaults.run.working-directory` of the job.
    pub working_directory: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The step's mapping.
    pub span: Span,
    /// The column (in bytes) of the step's keys.
    pub indent: usize,
    pub uses: Option<String>,
    /// The `run:` key, and the script.
    pub run: Option<(Span, String)>,
    pub env: EnvBlock,
    pub working_directory: Option<String>,
}

/// Whether `path` is a GitHub Actions workflow: `.github/workflows/*.yml` or `*.yaml`.
pub fn is_workflow(path: &std::path::Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str());
    let Some(dir) = path.parent() else {
        return false;
    };
    matches!(ext, Some("yml" | "yaml"))
        && dir.file_name().is_some_and(|n| n == "workflows")
        && dir
            .parent()
            .and_then(|d| d.file_name())
            .is_some_and(|n| n == ".github")
}

/// Read a workflow. An invalid document, or one that is no workflow (no `jobs:` mapping),
/// holds nothing.
pub fn read(text: &str) -> Workflow {
    let Ok(root) = yaml::parse(text) else {
        return Workflow::default();
    };
    let Some(jobs) = root.get("jobs").and_then(Node::entries) else {
        return Workflow::default();
    };
    Workflow {
        pull_request: root.get("on").is_some_and(runs_on_pull_request),
        env: env_block(root.get("env"), text),
        working_directory: default_directory(&root),
        jobs: jobs
            .iter()
            .filter_map(|entry| {
                let id = entry.key.as_str()?.to_string();
                job(id, entry.key.span, &entry.value, text)
            })
            .collect(),
    }
}

fn runs_on_pull_request(on: &Node) -> bool {
    match &on.kind {
        NodeKind::Scalar(s) => s.value == "pull_request",
        NodeKind::Seq(items) => items.iter().any(|i| i.as_str() == Some("pull_request")),
        NodeKind::Map(_) => on.get_entry("pull_request").is_some(),
        NodeKind::Alias => false,
    }
}

/// `defaults.run.working-directory` of a workflow or job.
fn default_directory(node: &Node) -> Option<String> {
    node.get("defaults")?
        .get("run")?
        .get("working-directory")?
        .as_str()
        .map(str::to_string)
}

fn job(id: String, id_span: Span, node: &Node, text: &str) -> Option<Job> {
    node.entries()?;
    let steps = node
        .get("steps")
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| step(s, text))
        .collect();
    // A container job's `container.env` reaches every step too: whatever it sets, keywire
    // does not track it name by name.
    let container_env = node
        .get("container")
        .and_then(|c| c.get("env"))
        .is_some_and(|e| !e.is_null());
    Some(Job {
        id,
        id_span,
        env: if container_env {
            EnvBlock::Unknown
        } else {
            env_block(node.get("env"), text)
        },
        uses: node.get("uses").is_some(),
        working_directory: default_directory(node),
        steps,
    })
}

fn step(node: &Node, text: &str) -> Option<Step> {
    let first = node.entries()?.first()?;
    let line_start = text[..first.key.span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let run = node.get_entry("run").and_then(|e| {
        let script = e.value.as_str()?;
        Some((e.key.span, script.to_string()))
    });
    Some(Step {
        span: node.span,
        indent: first.key.span.start - line_start,
        uses: node.get("uses").and_then(Node::as_str).map(str::to_string),
        run,
        env: env_block(node.get("env"), text),
        working_directory: node
            .get("working-directory")
            .and_then(Node::as_str)
            .map(str::to_string),
    })
}

fn env_block(node: Option<&Node>, text: &str) -> EnvBlock {
    let Some(node) = node else {
        return EnvBlock::None;
    };
    if node.is_null() {
        return EnvBlock::None;
    }
    let Some(entries) = node.entries() else {
        return EnvBlock::Unknown;
    };
    let mut vars = Vec::new();
    for e in entries {
        let Some(name) = e.key.as_str() else {
            return EnvBlock::Unknown;
        };
        if name.contains("${{") {
            return EnvBlock::Unknown;
        }
        vars.push(EnvVar {
            name: name.to_string(),
            name_span: e.key.span,
            value_span: e.value.span,
            value: env_value(e.value.as_str().unwrap_or_default()),
        });
    }
    let flow = text.as_bytes().get(node.span.start) == Some(&b'{');
    EnvBlock::Vars { vars, flow }
}

fn env_value(value: &str) -> EnvValue {
    let Some(inner) = value
        .trim()
        .strip_prefix("${{")
        .and_then(|v| v.strip_suffix("}}"))
    else {
        return if value.contains("${{") {
            EnvValue::Expression
        } else {
            EnvValue::Literal
        };
    };
    let inner = inner.trim();
    let name = |prefix: &str| {
        inner
            .strip_prefix(prefix)
            .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string)
    };
    if let Some(n) = name("secrets.") {
        EnvValue::Secret(n)
    } else if let Some(n) = name("vars.") {
        EnvValue::Var(n)
    } else {
        EnvValue::Expression
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = "name: CI\non:\n  push:\n  pull_request:\nenv:\n  MODEL: gpt-4o\njobs:\n  test:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: app\n    env:\n      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n    steps:\n      - uses: actions/checkout@v4\n      - name: Run\n        env: { AZURE_KEY: \"${{ vars.AZURE }}\", OTHER: \"x-${{ github.sha }}\" }\n        run: |\n          python main.py\n  reuse:\n    uses: org/repo/.github/workflows/x.yml@main\n";

    #[test]
    fn reads_triggers_env_jobs_and_steps() {
        let w = read(WORKFLOW);
        assert!(w.pull_request);
        assert_eq!(w.env.vars()[0].name, "MODEL");
        assert_eq!(w.env.vars()[0].value, EnvValue::Literal);
        assert_eq!(w.jobs.len(), 2);
        let job = &w.jobs[0];
        assert_eq!(job.working_directory.as_deref(), Some("app"));
        assert_eq!(
            job.env.vars()[0].value,
            EnvValue::Secret("OPENAI_API_KEY".into())
        );
        assert_eq!(job.steps.len(), 2);
        assert_eq!(job.steps[0].uses.as_deref(), Some("actions/checkout@v4"));
        let run = &job.steps[1];
        assert_eq!(run.indent, 8);
        let (key, script) = run.run.as_ref().unwrap();
        assert_eq!(&WORKFLOW[key.start..key.end], "run");
        assert_eq!(script, "python main.py\n");
        assert!(matches!(run.env, EnvBlock::Vars { flow: true, .. }));
        assert_eq!(run.env.vars()[0].value, EnvValue::Var("AZURE".into()));
        assert_eq!(run.env.vars()[1].value, EnvValue::Expression);
        assert!(w.jobs[1].uses);
    }

    #[test]
    fn triggers_in_every_form() {
        assert!(read("on: pull_request\njobs: {}\n").pull_request);
        assert!(read("on: [push, pull_request]\njobs: {}\n").pull_request);
        assert!(!read("on: [push, pull_request_target]\njobs: {}\n").pull_request);
    }

    #[test]
    fn unknown_env_and_bad_documents() {
        let w = read("jobs:\n  a:\n    env: ${{ fromJSON(inputs.env) }}\n    steps: []\n");
        assert_eq!(w.jobs[0].env, EnvBlock::Unknown);
        let w = read("jobs:\n  a:\n    container:\n      image: python\n      env:\n        A: b\n    steps: []\n");
        assert_eq!(w.jobs[0].env, EnvBlock::Unknown);
        for bad in [
            "",
            "jobs:",
            "jobs: [1]",
            "[",
            "jobs:\n  a: 1\n",
            "\t- :",
            "jobs:\n  a:\n    steps:\n      - 1\n      - {}\n",
        ] {
            let _ = read(bad);
        }
        assert!(is_workflow(std::path::Path::new(
            "/p/.github/workflows/ci.yml"
        )));
        assert!(!is_workflow(std::path::Path::new("/p/workflows/ci.yml")));
        assert!(!is_workflow(std::path::Path::new(
            "/p/.github/workflows/ci.json"
        )));
    }
}
