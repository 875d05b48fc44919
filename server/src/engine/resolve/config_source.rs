//! Where the list of a `config_list_from_json` call comes from, resolved as AutoGen does
//! (`autogen/oai/openai_utils.py`): when the environment variable named `env_or_file` is set
//! and not empty, its value is a path to a file if that file exists, else the JSON itself;
//! otherwise the file `file_location/env_or_file`, relative to the working directory (tried in
//! the calling module's folder, then at the workspace root).
//!
//! The variable counts as set when a `.env` loaded for the module (or listed in `env-files`)
//! defines it, or a module of the same program writes it. It may be set where keywire cannot
//! see (the shell, `assume-defined`, a computed `.env` path, a computed value): then nothing is
//! claimed about the list ([`Origin::Outside`]).

use std::path::{Path, PathBuf};

use super::config_filter::{code_entries, json_entries, kept, ListEntry, Verdict};
use super::scope::{normalize, Lookup, ModuleScope};
use crate::engine::dotenv::{Entry, Quote};
use crate::engine::json;
use crate::engine::python::{Arg, ConfigSource, ConfigWrite, StrLit, WriteTarget};
use crate::engine::text::Span;
use crate::engine::workspace::{file_kind, FileKind, Workspace};

/// Which working directory a file was found from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// The calling module's folder (`python app.py` run from there).
    ModuleDir,
    /// The workspace root.
    Root,
    /// An absolute path.
    Absolute,
}

/// Where the variable that names the list is set.
#[derive(Clone, Debug, PartialEq)]
pub enum VarSetter<'a> {
    /// A `.env` key loaded for the module.
    Env { env: &'a Path, entry: &'a Entry },
    /// `os.environ[...] = ...` in a module of the same program.
    Code { module: &'a Path, span: Span },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Origin<'a> {
    /// The variable holds the JSON itself.
    VarJson(VarSetter<'a>),
    /// The variable holds the path of a file that exists.
    VarPath(VarSetter<'a>, PathBuf, Base),
    /// The file `file_location/env_or_file`.
    File(PathBuf, Base),
    /// The file `file_location/env_or_file`, which the module writes (`json.dump(...)`) before it
    /// loads it: the call at `span` of `module` wrote it.
    Written {
        path: PathBuf,
        module: &'a Path,
        span: Span,
    },
    /// The variable may be set outside what keywire sees, or to a value it cannot read.
    Outside(&'static str),
    /// Neither the variable nor the file: AutoGen raises `FileNotFoundError`.
    Missing(Missing),
}

/// What is known about a missing source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Missing {
    /// The paths AutoGen would open, by working directory.
    pub tried: Vec<PathBuf>,
    /// Something mentions the variable (a template, a `.env` nothing loads, a file sourced by
    /// the shell): it may be set at run time.
    pub var_mentioned: bool,
    /// Config files of the same name elsewhere in the workspace (the program may run there).
    pub elsewhere: Vec<PathBuf>,
    /// Config files with a close name next to a tried path (`OAI_CONFIG_LIST.json`).
    pub near: Vec<PathBuf>,
    /// Templates to copy (`OAI_CONFIG_LIST_sample`).
    pub templates: Vec<PathBuf>,
    /// keywire reads every file of this name: absence from the workspace means absence.
    pub name_is_read: bool,
    /// A tried path lies outside the workspace.
    pub outside_root: bool,
}

/// A resolved source.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution<'a> {
    pub name: &'a StrLit,
    pub origin: Origin<'a>,
    /// The entries, when every one is known; their spans point into `holder`.
    pub entries: Option<Vec<ListEntry>>,
    /// The file holding the entries (a config file, the `.env`, the module).
    pub holder: Option<PathBuf>,
}

/// Resolve `source` (a call in `module`); None when its name or `file_location` is computed.
pub fn resolve_source<'a>(
    ws: &'a Workspace,
    module: &'a Path,
    source: &'a ConfigSource,
) -> Option<Resolution<'a>> {
    let name = source.name.as_ref()?;
    let location = source.file_location.known()?;
    let scope = ModuleScope::new(ws, module);
    let lookup = scope.lookup(&name.value);
    let mut res = Resolution {
        name,
        origin: Origin::Outside(""),
        entries: None,
        holder: None,
    };
    // The winning definition, as `Lookup::value` picks it.
    let def = lookup
        .configured
        .first()
        .copied()
        .or_else(|| lookup.loaded.first().map(|(d, _)| *d));
    let value = def.and_then(|d| Some((d.entry.value.as_deref()?, d)));
    if let Some((value, def)) = value.filter(|(v, _)| !v.is_empty()) {
        let setter = VarSetter::Env {
            env: def.env,
            entry: def.entry,
        };
        from_value(
            ws,
            module,
            &mut res,
            setter,
            value,
            env_value_offset(ws, def.env, def.entry),
        );
        return Some(res);
    }
    if let Some(found) = from_code(ws, module, &lookup, &mut res) {
        return found.then_some(res);
    }
    if lookup.assumed {
        res.origin = Origin::Outside("assumed defined (`assume-defined`)");
        return Some(res);
    }
    if lookup.unknown_load && !lookup.unloaded.is_empty() {
        res.origin = Origin::Outside("may be set by a `load_dotenv()` of a computed path");
        return Some(res);
    }
    let tried = candidates(ws, module, location, &name.value);
    if let Some((path, write)) = written_file(ws, module, source, &tried) {
        if write.complete {
            res.entries = code_entries(&write.entries);
            res.holder = Some(module.to_path_buf());
        }
        res.origin = Origin::Written {
            path,
            module,
            span: write.span,
        };
        return Some(res);
    }
    if let Some((path, base)) = tried
        .iter()
        .find(|(p, _)| ws.config_json(p).is_some())
        .cloned()
    {
        res.entries = file_entries(ws, &path);
        res.holder = Some(path.clone());
        res.origin = Origin::File(path, base);
        return Some(res);
    }
    res.origin = Origin::Missing(missing(ws, &lookup, &name.value, tried));
    Some(res)
}

/// A variable's value: a path to an existing file, else JSON (whose text starts at `offset` of
/// the holder, when known).
fn from_value<'a>(
    ws: &Workspace,
    module: &Path,
    res: &mut Resolution<'a>,
    setter: VarSetter<'a>,
    value: &str,
    offset: Option<(PathBuf, usize)>,
) {
    let tried = candidates(ws, module, "", value);
    if let Some((path, base)) = tried.into_iter().find(|(p, _)| ws.config_json(p).is_some()) {
        res.entries = file_entries(ws, &path);
        res.holder = Some(path.clone());
        res.origin = Origin::VarPath(setter, path, base);
        return;
    }
    if !value.trim_start().starts_with('[') {
        // A path keywire has not read, or not JSON at all.
        res.origin = Origin::Outside("set to a value keywire cannot read as a list");
        return;
    }
    res.origin = Origin::VarJson(setter);
    let Ok(parsed) = json::parse(value) else {
        return;
    };
    match offset {
        Some((holder, at)) => {
            res.entries = json_entries(&parsed, at);
            res.holder = Some(holder);
        }
        // Values known, spans not: enough for the filter, not for going to an entry.
        None => res.entries = json_entries(&parsed, 0),
    }
}

/// The variable written by code: Some(true) when that decides the origin, Some(false) when it
/// cannot be resolved (no claim), None when no module writes it.
fn from_code<'a>(
    ws: &'a Workspace,
    module: &Path,
    lookup: &Lookup<'a>,
    res: &mut Resolution<'a>,
) -> Option<bool> {
    let (path, write) = match lookup.written.as_slice() {
        [] => return None,
        [one] => *one,
        _ => {
            res.origin = Origin::Outside("written by code in several places");
            return Some(true);
        }
    };
    let setter = VarSetter::Code {
        module: path,
        span: write.span,
    };
    let facts = &ws.python_module(path)?.facts;
    if let Some(cw) = facts
        .config_writes
        .iter()
        .find(|c| c.span == write.span && c.target == WriteTarget::Env)
    {
        res.origin = Origin::VarJson(setter);
        if cw.complete {
            res.entries = code_entries(&cw.entries);
            res.holder = Some(path.to_path_buf());
        }
        return Some(true);
    }
    match &write.value {
        Some(lit) => {
            // The JSON's own offsets are the module's when the literal has no escape.
            let raw = literal_body_start(lit);
            let offset = raw.map(|start| (path.to_path_buf(), start));
            from_value(ws, module, res, setter, &lit.value, offset);
        }
        None => res.origin = Origin::Outside("set by code to a computed value"),
    }
    Some(true)
}

/// The last config file write of `module` before `source` to one of the `tried` paths (both
/// relative to the same working directory).
fn written_file<'a>(
    ws: &'a Workspace,
    module: &Path,
    source: &ConfigSource,
    tried: &[(PathBuf, Base)],
) -> Option<(PathBuf, &'a ConfigWrite)> {
    let facts = &ws.python_module(module)?.facts;
    facts
        .config_writes
        .iter()
        .filter(|w| w.target == WriteTarget::File && w.span.end <= source.span.start)
        .filter_map(|w| {
            let written = candidates(ws, module, "", &w.name);
            tried
                .iter()
                .zip(&written)
                .find(|((t, tb), (p, pb))| t == p && tb == pb)
                .map(|((t, _), _)| (t.clone(), w))
                .or_else(|| {
                    // Absolute on either side: compare the paths alone.
                    let abs = written.first().filter(|(_, b)| *b == Base::Absolute)?;
                    tried
                        .iter()
                        .find(|(t, _)| *t == abs.0)
                        .map(|(t, _)| (t.clone(), w))
                })
        })
        .last()
}

/// Where a string literal's value starts in its module, when the value is its text verbatim
/// (no prefix other than `r`/`u`, no escape, one piece).
fn literal_body_start(lit: &StrLit) -> Option<usize> {
    let len = lit.span.end - lit.span.start;
    let extra = len.checked_sub(lit.value.len())?;
    let quote_len = extra / 2;
    if extra % 2 != 0 {
        return None;
    }
    // Only `'...'`, `"..."` and the triple forms: the value's length fixes the quotes'.
    (quote_len == 1 || quote_len == 3).then(|| lit.span.start + quote_len)
}

/// Where a `.env` value's text starts, when it is the raw text (unquoted or single-quoted,
/// which python-dotenv passes on unchanged apart from `\\` and `\'`).
fn env_value_offset(ws: &Workspace, env: &Path, entry: &Entry) -> Option<(PathBuf, usize)> {
    let raw = entry.raw_span?;
    let text = &ws.env_file(env)?.text;
    let value = entry.value.as_deref()?;
    let skip = match entry.quote {
        None => 0,
        Some(Quote::Single) | Some(Quote::Double) => 1,
    };
    let start = raw.start + skip;
    text.get(start..start + value.len())
        .filter(|t| *t == value)
        .map(|_| (env.to_path_buf(), start))
}

/// The paths AutoGen opens for `location/name`, by working directory.
pub fn candidates(
    ws: &Workspace,
    module: &Path,
    location: &str,
    name: &str,
) -> Vec<(PathBuf, Base)> {
    let rel = Path::new(location).join(name);
    if rel.is_absolute() {
        return vec![(normalize(&rel), Base::Absolute)];
    }
    let mut out = Vec::new();
    if let Some(dir) = module.parent() {
        out.push((normalize(&dir.join(&rel)), Base::ModuleDir));
    }
    let at_root = normalize(&ws.root.join(&rel));
    if !out.iter().any(|(p, _)| *p == at_root) {
        out.push((at_root, Base::Root));
    }
    out
}

fn file_entries(ws: &Workspace, path: &Path) -> Option<Vec<ListEntry>> {
    let file = ws.config_json(path)?;
    json_entries(&json::parse(&file.text).ok()?, 0)
}

fn missing(ws: &Workspace, lookup: &Lookup, name: &str, tried: Vec<(PathBuf, Base)>) -> Missing {
    let file_name = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tried: Vec<PathBuf> = tried.into_iter().map(|(p, _)| p).collect();
    let mut out = Missing {
        var_mentioned: !lookup.unloaded.is_empty()
            || !lookup.templates.is_empty()
            || lookup.template_provided
            || lookup.shell_sourced
            || lookup.unknown_load,
        name_is_read: matches!(
            file_kind(Path::new(&file_name)),
            FileKind::ConfigJson { template: false }
        ),
        outside_root: tried.iter().any(|p| !p.starts_with(&ws.root)),
        ..Default::default()
    };
    for (path, file) in ws.config_json_files() {
        let Some(other) = path.file_name().map(|n| n.to_string_lossy()) else {
            continue;
        };
        let beside = tried.iter().any(|t| t.parent() == path.parent());
        if file.template {
            if other.starts_with(&file_name)
                && (beside
                    || tried
                        .iter()
                        .any(|t| path.starts_with(t.parent().unwrap_or(t))))
            {
                out.templates.push(path.clone());
            }
        } else if other == file_name {
            out.elsewhere.push(path.clone());
        } else if beside
            && strsim::normalized_damerau_levenshtein(
                &other.to_ascii_lowercase(),
                &file_name.to_ascii_lowercase(),
            ) >= 0.75
        {
            out.near.push(path.clone());
        }
    }
    out.tried = tried;
    out
}

impl Resolution<'_> {
    /// What the call's filters (`filter_dict`, then `.where(...)`) say of each known entry:
    /// every entry kept without a filter; None when a filter is not a literal or the entries
    /// are not known.
    pub fn verdicts(&self, source: &ConfigSource) -> Option<Vec<Verdict>> {
        let entries = self.entries.as_ref()?;
        let mut filters = Vec::new();
        for f in [&source.filter, &source.where_filter] {
            match f {
                Arg::Known(Some(f)) => filters.push(f),
                Arg::Known(None) => {}
                Arg::Unknown => return None,
            }
        }
        Some(entries.iter().map(|e| kept(&filters, e)).collect())
    }
}

/// The values of the `.env` file at `env` that code reads as a config list (a variable named by
/// a `config_list_from_json` call, holding the JSON itself), with the byte offset where each
/// value's text starts in the file. A value whose text is not verbatim in the file (escapes in
/// double quotes) is left out: positions inside it would be wrong. Test code's calls do not
/// count (`Workspace::reads_configs_of`).
pub fn env_config_lists<'a>(ws: &'a Workspace, env: &Path) -> Vec<(&'a Entry, usize)> {
    let mut out: Vec<(&Entry, usize)> = Vec::new();
    // Most .env files hold no list: nothing to resolve.
    let Some(file) = ws.env_file(env) else {
        return out;
    };
    let lists: Vec<&str> = file
        .parsed
        .entries
        .iter()
        .filter(|e| {
            e.value
                .as_deref()
                .is_some_and(|v| v.trim_start().starts_with('['))
        })
        .map(|e| e.key.as_str())
        .collect();
    if lists.is_empty() {
        return out;
    }
    let reads_configs_of = ws.reads_configs_of();
    for (module, m) in ws.python_modules() {
        if !reads_configs_of(module) {
            continue;
        }
        for source in &m.facts.config_sources {
            if !source
                .name
                .as_ref()
                .is_some_and(|n| lists.contains(&n.value.as_str()))
            {
                continue;
            }
            let Some(res) = resolve_source(ws, module, source) else {
                continue;
            };
            let Origin::VarJson(VarSetter::Env { env: at, entry }) = res.origin else {
                continue;
            };
            if at != env || out.iter().any(|(e, _)| e.key_span == entry.key_span) {
                continue;
            }
            if let Some((_, offset)) = env_value_offset(ws, at, entry) {
                out.push((entry, offset));
            }
        }
    }
    out.sort_by_key(|(e, _)| e.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;
    use crate::engine::workspace::GitStatus;

    const LIST: &str = "[{\"model\": \"gpt-4\"}]";

    fn ws(config: Config, files: &[(&str, &str)]) -> Workspace {
        let mut ws = Workspace::new("/p", config);
        for (path, text) in files {
            let path = PathBuf::from("/p").join(path);
            match file_kind(&path) {
                FileKind::Python => {
                    ws.set_python(path, text);
                }
                FileKind::Env => ws.set_env(path, text, GitStatus::Unknown),
                _ => ws.set_config_json(path, text, GitStatus::Unknown),
            }
        }
        ws
    }

    /// The origin of the first config source of `module`, as a short label.
    fn origin(ws: &Workspace, module: &str) -> String {
        let path = PathBuf::from("/p").join(module);
        let m = ws.python_module(&path).unwrap();
        let source = &m.facts.config_sources[0];
        match resolve_source(ws, &path, source).map(|r| r.origin) {
            None => "computed".into(),
            Some(Origin::File(p, base)) => format!("file {} {base:?}", ws.display_path(&p)),
            Some(Origin::VarPath(_, p, base)) => {
                format!("var path {} {base:?}", ws.display_path(&p))
            }
            Some(Origin::VarJson(VarSetter::Env { .. })) => "var json .env".into(),
            Some(Origin::VarJson(VarSetter::Code { .. })) => "var json code".into(),
            Some(Origin::Written { path, .. }) => format!("written {}", ws.display_path(&path)),
            Some(Origin::Outside(_)) => "outside".into(),
            Some(Origin::Missing(m)) => format!("missing outside_root={}", m.outside_root),
        }
    }

    #[test]
    fn the_module_folder_first_then_the_root() {
        let call = "import autogen\nc = autogen.config_list_from_json(\"OAI_CONFIG_LIST\")\n";
        let w = ws(
            Config::default(),
            &[
                ("a/app.py", call),
                ("a/OAI_CONFIG_LIST", LIST),
                ("b/app.py", call),
                ("OAI_CONFIG_LIST", LIST),
            ],
        );
        assert_eq!(origin(&w, "a/app.py"), "file a/OAI_CONFIG_LIST ModuleDir");
        assert_eq!(origin(&w, "b/app.py"), "file OAI_CONFIG_LIST Root");
    }

    #[test]
    fn a_variable_set_where_keywire_cannot_see_wins_over_the_file() {
        let call = "import autogen\nc = autogen.config_list_from_json(\"OAI_CONFIG_LIST\")\n";
        let config = Config {
            assume_defined: vec!["OAI_CONFIG_LIST".into()],
            ..Config::default()
        };
        let w = ws(config, &[("app.py", call), ("OAI_CONFIG_LIST", LIST)]);
        assert_eq!(origin(&w, "app.py"), "outside");
        // Set by code to something computed: no claim either.
        let code = "import os, autogen\nos.environ[\"OAI_CONFIG_LIST\"] = read()\nc = autogen.config_list_from_json(\"OAI_CONFIG_LIST\")\n";
        let w = ws(
            Config::default(),
            &[("app.py", code), ("OAI_CONFIG_LIST", LIST)],
        );
        assert_eq!(origin(&w, "app.py"), "outside");
    }

    #[test]
    fn a_loaded_variable_holds_a_path_or_the_json() {
        let call = "import autogen\nfrom dotenv import load_dotenv\nload_dotenv()\nc = autogen.config_list_from_json(\"CFG\")\n";
        let w = ws(
            Config::default(),
            &[
                ("app.py", call),
                (".env", "CFG=conf/OAI_CONFIG_LIST_x\n"),
                ("conf/OAI_CONFIG_LIST_x", LIST),
            ],
        );
        assert_eq!(
            origin(&w, "app.py"),
            "var path conf/OAI_CONFIG_LIST_x ModuleDir"
        );
        let w = ws(
            Config::default(),
            &[("app.py", call), (".env", &format!("CFG='{LIST}'\n"))],
        );
        assert_eq!(origin(&w, "app.py"), "var json .env");
        // An empty value counts as unset: the file is read.
        let w = ws(
            Config::default(),
            &[("app.py", call), (".env", "CFG=\n"), ("CFG", LIST)],
        );
        assert_eq!(origin(&w, "app.py"), "file CFG ModuleDir");
    }

    #[test]
    fn computed_names_and_paths_outside_the_workspace_make_no_claim() {
        let computed = "import autogen\nc = autogen.config_list_from_json(\"OAI_CONFIG_LIST\", file_location=KEY_LOC)\n";
        let above = "import autogen\nc = autogen.config_list_from_json(\"OAI_CONFIG_LIST\", file_location=\"../..\")\n";
        let w = ws(
            Config::default(),
            &[("app.py", computed), ("x/app.py", above)],
        );
        assert_eq!(origin(&w, "app.py"), "computed");
        assert_eq!(origin(&w, "x/app.py"), "missing outside_root=true");
    }

    #[test]
    fn a_file_the_module_writes_before_loading_it() {
        let load = "c = autogen.config_list_from_json(\"OAI_CONFIG_LIST\", filter_dict={\"model\": [\"gpt-4\"]})\n";
        let head = "import json, os, autogen\nfrom pathlib import Path\n";
        let writes = [
            "json.dump([{\"model\": \"gpt-4\"}], open(\"OAI_CONFIG_LIST\", \"w\"))\n",
            "cfg = [{\"model\": \"gpt-4\"}]\nwith open(\"OAI_CONFIG_LIST\", mode=\"w\") as f:\n    json.dump(cfg, f, indent=2)\n",
            "with open(\"x.txt\") as g, open(\"./OAI_CONFIG_LIST\", \"w\") as f:\n    f.write(json.dumps([{\"model\": \"gpt-4\"}]))\n",
            "Path(\"OAI_CONFIG_LIST\").write_text(json.dumps([{\"model\": \"gpt-4\"}]))\n",
        ];
        for write in writes {
            let code = format!("{head}{write}{load}");
            let w = ws(Config::default(), &[("app.py", &code)]);
            assert_eq!(origin(&w, "app.py"), "written OAI_CONFIG_LIST", "{write}");
            let path = PathBuf::from("/p/app.py");
            let m = w.python_module(&path).unwrap();
            let source = &m.facts.config_sources[0];
            let res = resolve_source(&w, &path, source).unwrap();
            assert_eq!(res.entries.as_ref().map(Vec::len), Some(1), "{write}");
        }
        // Read mode, another file, or written after the load: not the source.
        for write in [
            "json.dump([{\"model\": \"gpt-4\"}], open(\"OAI_CONFIG_LIST\"))\n",
            "json.dump([{\"model\": \"gpt-4\"}], open(\"OTHER\", \"w\"))\n",
        ] {
            let code = format!("{head}{write}{load}");
            let w = ws(Config::default(), &[("app.py", &code)]);
            assert_eq!(
                origin(&w, "app.py"),
                "missing outside_root=false",
                "{write}"
            );
        }
        let code = format!("{head}{load}{}", writes[0]);
        let w = ws(Config::default(), &[("app.py", &code)]);
        assert_eq!(origin(&w, "app.py"), "missing outside_root=false");
        // A list that is not all literal entries: written, entries unknown.
        let code = format!("{head}json.dump([{{\"model\": \"gpt-4\"}}, extra], open(\"OAI_CONFIG_LIST\", \"w\"))\n{load}");
        let w = ws(Config::default(), &[("app.py", &code)]);
        let path = PathBuf::from("/p/app.py");
        let source = &w.python_module(&path).unwrap().facts.config_sources[0];
        let res = resolve_source(&w, &path, source).unwrap();
        assert!(matches!(res.origin, Origin::Written { .. }));
        assert_eq!(res.entries, None);
    }
}
