//! Readers of dependency manifests and lock files: text in, [`Manifest`] / [`Lock`] out.
//!
//! Requirements follow PEP 508 (`pep508_rs`); pip's requirement-file syntax around them
//! (comments, options, `-r` / `-c` includes, `--hash`) is read here. Poetry's and Pipfile's
//! version constraints (`^1.2`, `~1.2`, `*`) are turned into PEP 440 specifiers as their tools
//! define them. A file that cannot be read gives a [`Manifest::problem`], never a panic.

use std::collections::BTreeMap;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use toml_edit::{ImDocument, Item, Value};

use super::{normalize_name, Lock, LockKind, Manifest, ManifestKind, Requirement};
use crate::engine::yaml;
use crate::engine::Span;

/// Read a manifest of the kind `kind`.
pub fn manifest(kind: ManifestKind, text: &str) -> Manifest {
    match kind {
        ManifestKind::Requirements => requirements(text),
        ManifestKind::Pyproject => pyproject(text),
        ManifestKind::Pipfile => pipfile(text),
        ManifestKind::SetupCfg => setup_cfg(text),
        ManifestKind::CondaEnv => conda_env(text),
    }
}

/// A PEP 508 requirement string met outside a manifest (a notebook's `%pip install`).
pub fn requirement_text(text: &str) -> Option<Requirement> {
    requirement(text, Span::new(0, text.len()))
}

/// One requirement string at `span` (the string's content in the file).
fn requirement(text: &str, span: Span) -> Option<Requirement> {
    // pep508_rs 0.9 panics on a name that ends in `.`, `-` or `_` before another character
    // (`pyautogen-=1.0`): such a line is no requirement.
    let name_end = text
        .trim_start()
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(text.trim_start().len());
    let trimmed = text.trim_start();
    if trimmed[..name_end].ends_with(['.', '-', '_']) {
        return None;
    }
    // The same for extras (`x[openai-]`).
    if let Some(extras) = trimmed[name_end..].trim_start().strip_prefix('[') {
        let extras = extras.split(']').next().unwrap_or(extras);
        let bad = extras.split(',').any(|e| {
            let e = e.trim();
            e.starts_with(['.', '-', '_']) || e.ends_with(['.', '-', '_'])
        });
        if bad {
            return None;
        }
    }
    // Any other input it cannot take must not end the server either.
    let req = std::panic::catch_unwind(|| {
        pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(text).ok()
    })
    .ok()??;
    let specifiers = match req.version_or_url {
        Some(pep508_rs::VersionOrUrl::VersionSpecifier(s)) => Some(s),
        Some(pep508_rs::VersionOrUrl::Url(_)) => return None,
        None => None,
    };
    // What a fix replaces: the name, extras and specifiers, not the markers.
    let before_marker = text.split(';').next().unwrap_or(text).trim_end();
    Some(Requirement {
        name: normalize_name(req.name.as_ref()),
        extras: req.extras.iter().map(|e| e.to_string()).collect(),
        specifiers,
        span: Span::new(span.start, span.start + before_marker.len()),
        constraint: false,
    })
}

/// pip's requirements file format.
fn requirements(text: &str) -> Manifest {
    let mut out = Manifest::new(ManifestKind::Requirements);
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        // A comment starts at `#` at the line's start or after whitespace.
        let mut end = line.len();
        for (i, _) in line.match_indices('#') {
            if i == 0 || line[..i].ends_with([' ', '\t']) {
                end = i;
                break;
            }
        }
        let content = &line[..end];
        let lead = content.len() - content.trim_start().len();
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        let at = start + lead;
        if let Some(rest) = content.strip_prefix('-') {
            let (flag, value) = rest.split_once([' ', '=', '\t']).unwrap_or((rest, ""));
            let value = value.trim();
            if !value.is_empty() {
                match flag {
                    "r" | "-requirement" => out.includes.push(value.to_string()),
                    "c" | "-constraint" => out.constraints.push(value.to_string()),
                    _ => {}
                }
            }
            continue;
        }
        // Per-requirement options (`--hash=…`) follow the requirement.
        let requirement_text = content
            .find(" --")
            .or_else(|| content.find("\t--"))
            .map_or(content, |i| content[..i].trim_end());
        if let Some(r) = requirement(requirement_text, Span::new(at, at + requirement_text.len())) {
            out.requirements.push(r);
        }
    }
    out
}

/// The content span of a TOML string value whose text in the file has no escapes.
fn string_span(text: &str, value: &Value) -> Option<(String, Span)> {
    let s = value.as_str()?;
    let span = value.span()?;
    let raw = text.get(span.clone())?;
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))?;
    if inner != s {
        return None;
    }
    Some((s.to_string(), Span::new(span.start + 1, span.end - 1)))
}

fn parse_toml(text: &str, out: &mut Manifest) -> Option<ImDocument<String>> {
    match ImDocument::parse(text.to_string()) {
        Ok(doc) => Some(doc),
        Err(e) => {
            out.problem = Some(format!("not valid TOML: {}", first_line(&e.to_string())));
            None
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

/// PEP 508 strings of a TOML array.
fn pep508_array(text: &str, item: Option<&Item>, out: &mut Vec<Requirement>) {
    let Some(array) = item.and_then(Item::as_array) else {
        return;
    };
    for value in array.iter() {
        if let Some((s, span)) = string_span(text, value) {
            if let Some(r) = requirement(&s, span) {
                out.push(r);
            }
        }
    }
}

/// `pyproject.toml`: PEP 621 `[project]` (dependencies, optional dependencies), PEP 735
/// `[dependency-groups]`, and Poetry's `[tool.poetry.*dependencies]`.
fn pyproject(text: &str) -> Manifest {
    let mut out = Manifest::new(ManifestKind::Pyproject);
    let Some(doc) = parse_toml(text, &mut out) else {
        return out;
    };
    let root = doc.as_table();
    if let Some(project) = root.get("project").and_then(Item::as_table_like) {
        out.own_name = project
            .get("name")
            .and_then(Item::as_str)
            .map(normalize_name);
        pep508_array(text, project.get("dependencies"), &mut out.requirements);
        if let Some(optional) = project
            .get("optional-dependencies")
            .and_then(Item::as_table_like)
        {
            for (_, group) in optional.iter() {
                pep508_array(text, Some(group), &mut out.requirements);
            }
        }
    }
    if let Some(groups) = root.get("dependency-groups").and_then(Item::as_table_like) {
        for (_, group) in groups.iter() {
            pep508_array(text, Some(group), &mut out.requirements);
        }
    }
    if let Some(poetry) = root
        .get("tool")
        .and_then(Item::as_table_like)
        .and_then(|t| t.get("poetry"))
        .and_then(Item::as_table_like)
    {
        if out.own_name.is_none() {
            out.own_name = poetry
                .get("name")
                .and_then(Item::as_str)
                .map(normalize_name);
        }
        out.tool = Some(Tool::Poetry);
        for key in ["dependencies", "dev-dependencies"] {
            constraint_table(text, poetry.get(key), &mut out.requirements);
        }
        if let Some(groups) = poetry.get("group").and_then(Item::as_table_like) {
            for (_, group) in groups.iter() {
                let deps = group.as_table_like().and_then(|g| g.get("dependencies"));
                constraint_table(text, deps, &mut out.requirements);
            }
        }
    }
    out
}

pub use super::Tool;

/// A table of `name = "constraint"` / `name = { version = "constraint", extras = [...] }`
/// (Poetry, Pipfile). The span of a requirement is its constraint string.
fn constraint_table(text: &str, item: Option<&Item>, out: &mut Vec<Requirement>) {
    let Some(table) = item.and_then(Item::as_table_like) else {
        return;
    };
    for (name, value) in table.iter() {
        let name = normalize_name(name);
        if name == "python" {
            continue;
        }
        let (version, extras) = match value {
            Item::Value(Value::InlineTable(t)) => (
                t.get("version"),
                t.get("extras")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            Item::Table(t) => (t.get("version").and_then(Item::as_value), Vec::new()),
            Item::Value(v) => (Some(v), Vec::new()),
            _ => (None, Vec::new()),
        };
        let Some(version) = version else {
            // A path, git or URL dependency.
            continue;
        };
        let Some((constraint, span)) = string_span(text, version) else {
            continue;
        };
        let Some(specifiers) = poetry_constraint(&constraint) else {
            continue;
        };
        out.push(Requirement {
            name,
            extras,
            specifiers,
            span,
            constraint: true,
        });
    }
}

/// Poetry's constraint syntax as PEP 440 (`None` when it does not parse; `Some(None)` for any
/// version): `^1.2.3` is `>=1.2.3,<2.0.0` (the first non-zero part is kept), `~1.2.3` is
/// `>=1.2.3,<1.3.0`, `1.2.*` and `1.2` are `==1.2.*` / `==1.2`, `*` is anything; several
/// constraints are joined by `,`, alternatives by `||` (the last one is kept: the newest).
pub fn poetry_constraint(text: &str) -> Option<Option<VersionSpecifiers>> {
    let text = text.rsplit("||").next()?.trim();
    if text.is_empty() || text == "*" {
        return Some(None);
    }
    let mut parts = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix('^') {
            let version = Version::from_str(v.trim()).ok()?;
            let release = version.release();
            let idx = release
                .iter()
                .position(|&n| n != 0)
                .unwrap_or(release.len().saturating_sub(1));
            let mut upper: Vec<u64> = release.iter().take(idx + 1).copied().collect();
            *upper.last_mut()? += 1;
            parts.push(format!(">={v},<{}", join(&upper)));
        } else if let Some(v) = part.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            let version = Version::from_str(v.trim()).ok()?;
            let release = version.release();
            let mut upper: Vec<u64> = if release.len() >= 2 {
                release[..2].to_vec()
            } else {
                release.to_vec()
            };
            *upper.last_mut()? += 1;
            parts.push(format!(">={v},<{}", join(&upper)));
        } else if part.starts_with(|c: char| c.is_ascii_digit()) {
            parts.push(format!("=={part}"));
        } else {
            parts.push(part.to_string());
        }
    }
    VersionSpecifiers::from_str(&parts.join(",")).ok().map(Some)
}

fn join(parts: &[u64]) -> String {
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Pipenv's `Pipfile`: `[packages]` and `[dev-packages]`.
fn pipfile(text: &str) -> Manifest {
    let mut out = Manifest::new(ManifestKind::Pipfile);
    out.tool = Some(Tool::Pipenv);
    let Some(doc) = parse_toml(text, &mut out) else {
        return out;
    };
    for key in ["packages", "dev-packages"] {
        constraint_table(text, doc.as_table().get(key), &mut out.requirements);
    }
    out
}

/// setuptools' `setup.cfg`: `install_requires` in `[options]`, one requirement per line of the
/// value, and `[options.extras_require]`.
fn setup_cfg(text: &str) -> Manifest {
    let mut out = Manifest::new(ManifestKind::SetupCfg);
    let mut section = String::new();
    let mut in_list = false;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_string();
            in_list = false;
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let mut value = None;
        if !indented {
            in_list = false;
            if let Some((key, v)) = line.split_once(['=', ':']) {
                let key = key.trim();
                in_list = (section == "options" && key == "install_requires")
                    || section == "options.extras_require";
                if in_list {
                    value = Some((v, start + line.len() - v.len()));
                }
            }
        } else if in_list {
            value = Some((line, start));
        }
        let Some((v, at)) = value else {
            continue;
        };
        let content = v.split(" #").next().unwrap_or(v);
        let lead = content.len() - content.trim_start().len();
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        if let Some(r) = requirement(content, Span::new(at + lead, at + lead + content.len())) {
            out.requirements.push(r);
        }
    }
    out
}

/// conda's `environment.yml`: the `pip:` list under `dependencies` (conda's own packages are
/// another index's names and versions).
fn conda_env(text: &str) -> Manifest {
    let mut out = Manifest::new(ManifestKind::CondaEnv);
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            out.problem = Some(format!("not valid YAML: {}", e.message));
            return out;
        }
    };
    let Some(deps) = root.get("dependencies").and_then(yaml::Node::items) else {
        return out;
    };
    for dep in deps {
        let Some(pip) = dep.get("pip").and_then(yaml::Node::items) else {
            continue;
        };
        for item in pip {
            let Some(scalar) = item.scalar() else {
                continue;
            };
            let span = match scalar.style {
                yaml::Style::Plain => item.span,
                yaml::Style::SingleQuoted | yaml::Style::DoubleQuoted
                    if item.span.end - item.span.start == scalar.value.len() + 2 =>
                {
                    Span::new(item.span.start + 1, item.span.end - 1)
                }
                _ => continue,
            };
            if text.get(span.start..span.end) != Some(scalar.value.as_str()) {
                continue;
            }
            if let Some(r) = requirement(&scalar.value, span) {
                out.requirements.push(r);
            }
        }
    }
    out
}

/// A lock file: the exact version of each package.
pub fn lock(kind: LockKind, text: &str) -> Lock {
    let mut out = Lock {
        kind,
        versions: Default::default(),
        problem: None,
    };
    match kind {
        LockKind::Uv | LockKind::Poetry | LockKind::Pdm => {
            match generated_lock_versions(text).map_or_else(|| toml_lock_versions(text), Ok) {
                Ok(versions) => out.versions = versions,
                Err(problem) => out.problem = Some(problem),
            }
        }
        LockKind::Pipenv => {
            let value: serde_json::Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    out.problem = Some(format!("not valid JSON: {e}"));
                    return out;
                }
            };
            for section in ["default", "develop"] {
                let Some(map) = value.get(section).and_then(|v| v.as_object()) else {
                    continue;
                };
                for (name, entry) in map {
                    let version = entry
                        .get("version")
                        .and_then(|v| v.as_str())
                        .map(|v| v.trim_start_matches("=="));
                    if let Some(Ok(v)) = version.map(Version::from_str) {
                        out.versions.entry(normalize_name(name)).or_insert(v);
                    }
                }
            }
        }
    }
    out
}

/// The `[[package]]` names and versions of a TOML lock file, or why it cannot be read.
#[doc(hidden)]
pub fn toml_lock_versions(text: &str) -> Result<BTreeMap<String, Version>, String> {
    let doc = ImDocument::parse(text.to_string())
        .map_err(|e| format!("not valid TOML: {}", first_line(&e.to_string())))?;
    let mut out = BTreeMap::new();
    let packages = doc
        .as_table()
        .get("package")
        .and_then(Item::as_array_of_tables);
    for p in packages.iter().flat_map(|p| p.iter()) {
        let name = p.get("name").and_then(Item::as_str);
        let version = p.get("version").and_then(Item::as_str);
        if let (Some(name), Some(version)) = (name, version) {
            if let Ok(v) = Version::from_str(version) {
                out.insert(normalize_name(name), v);
            }
        }
    }
    Ok(out)
}

/// The `[[package]]` names and versions of a lock file as uv, Poetry and PDM write it (one
/// `key = "value"` per line, no multi-line strings, no escapes in names and versions), read
/// line by line: a large lock file costs a TOML parse many times over. None for anything
/// else (hand edits, merge conflicts), which the TOML parser reads and judges. The rest of
/// such a file is not validated: these files are written by tools, not by hand.
#[doc(hidden)]
pub fn generated_lock_versions(text: &str) -> Option<BTreeMap<String, Version>> {
    // Some(Some(v)): the key, as a generated file writes it; Some(None): another line;
    // None: the key written some other way (indented, quoted, spaced, commented…).
    let value = |line: &str, key: &str| -> Option<Option<String>> {
        let t = line.trim_start_matches([' ', '\t']);
        let bare = t.trim_start_matches(['"', '\'']);
        let Some(after) = bare.strip_prefix(key) else {
            return Some(None);
        };
        if !after
            .trim_start_matches(['"', '\''])
            .trim_start_matches([' ', '\t'])
            .starts_with('=')
        {
            return Some(None);
        }
        if t.len() != line.len() || bare.len() != t.len() {
            return None;
        }
        let rest = after.strip_prefix(" = ")?;
        let inner = rest.strip_prefix('"')?.strip_suffix('"')?;
        if inner.contains(['"', '\\']) {
            return None;
        }
        Some(Some(inner.to_string()))
    };
    let mut out = BTreeMap::new();
    let mut in_package = false;
    let (mut name, mut version): (Option<String>, Option<String>) = (None, None);
    let mut flush = |name: &mut Option<String>, version: &mut Option<String>| {
        if let (Some(n), Some(v)) = (name.take(), version.take()) {
            if let Ok(v) = Version::from_str(&v) {
                out.insert(normalize_name(&n), v);
            }
        }
    };
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.contains("\"\"\"") || line.contains("'''") || line.starts_with("<<<<<<<") {
            return None;
        }
        if line.starts_with('[') {
            flush(&mut name, &mut version);
            in_package = line == "[[package]]";
            continue;
        }
        if !in_package {
            continue;
        }
        if let Some(n) = value(line, "name")? {
            if name.replace(n).is_some() {
                return None;
            }
        } else if let Some(v) = value(line, "version")? {
            if version.replace(v).is_some() {
                return None;
            }
        }
    }
    flush(&mut name, &mut version);
    Some(out)
}

/// `Name:` and `Version:` of a `*.dist-info/METADATA` file (RFC 822 headers, up to the first
/// blank line).
pub fn metadata(text: &str) -> Option<(String, Version)> {
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Name:") {
            name = Some(normalize_name(v.trim()));
        } else if let Some(v) = line.strip_prefix("Version:") {
            version = Version::from_str(v.trim()).ok();
        }
    }
    Some((name?, version?))
}

#[cfg(test)]
mod tests;
