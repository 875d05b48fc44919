//! The `keywire` binary end to end: exit codes, text and JSON output, skipped files, rule
//! selection, `keywire rules` / `keywire rule`. Fixtures live in `tests/cli/`; throwaway projects
//! are built in temp dirs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use testkit::paths::{repo_root, write};
use testkit::process::{keywire, keywire_env};
use testkit::TIMEOUT;

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/cli").join(name)
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(out)))
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort();
    k
}

fn diagnostics(v: &Value) -> &Vec<Value> {
    v["diagnostics"].as_array().expect("diagnostics array")
}

fn codes(v: &Value) -> Vec<String> {
    diagnostics(v)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- exit codes

#[test]
fn clean_project_exits_0() {
    let out = keywire(&fixture("clean"), &["check"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "No problems found in 1 file\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn quiet_drops_the_summary() {
    let out = keywire(&fixture("clean"), &["check", "--quiet"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "");
}

#[test]
fn nonexistent_path_exits_2_with_a_clear_message() {
    let out = keywire(&fixture("clean"), &["check", "app.py", "no/such/dir"]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "keywire: error: no/such/dir: no such file or directory\n"
    );
}

#[test]
fn bad_keywire_toml_exits_2_naming_file_and_key() {
    let out = keywire(&fixture("bad-config"), &["check"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "keywire: error: keywire.toml: select: unknown rule \"KW999\"\n"
    );
}

#[test]
fn bad_pyproject_exits_2_with_did_you_mean() {
    let out = keywire(&fixture("bad-pyproject"), &["check", "app.py"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "keywire: error: pyproject.toml: [tool.keywire] selct: unknown key; did you mean `select`?"
        ),
        "{err}"
    );
}

#[test]
fn config_found_from_a_subdirectory_is_shown_relative() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("keywire.toml"),
        b"[severity]\nKW101 = \"loud\"\n",
    );
    write(&dir.path().join("src/app.py"), b"x = 1\n");
    let out = keywire(&dir.path().join("src"), &["check"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "keywire: error: ../keywire.toml: severity.KW101: expected one of \"error\", \"warning\", \"info\", \"hint\" or \"off\", found \"loud\"\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = fixture("clean");
    let out = keywire(&dir, &["check", "--format", "xml"]);
    assert_eq!(code(&out), 2);
    let out = keywire(&dir, &["check", "--select", "KW101,KW999"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "keywire: error: --select: unknown rule \"KW999\"\n"
    );
    let out = keywire(&dir, &["check", "--ignore", "missing-api-keys"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("did you mean KW101 (missing-api-key)?"));
    let out = keywire(&dir, &["frobnicate"]);
    assert_eq!(code(&out), 2);
    let out = keywire(&dir, &["--help"]);
    assert_eq!(code(&out), 0);
}

// ---------------------------------------------------------------- walking and skipping

#[test]
fn bad_files_are_skipped_and_reported_once_without_aborting() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("good.py"), b"x = 1\n");
    write(&root.join("pkg/binary.py"), b"x = 1\0\0\x01\n");
    write(&root.join("latin1.py"), b"name = 'caf\xe9'\n");
    write(&root.join("notes.txt"), b"\xff\xfe not checked\n");
    let out = keywire(root, &["check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "keywire: skipped latin1.py: not valid UTF-8 (invalid byte at offset 11)\n\
         keywire: skipped pkg/binary.py: binary file (contains NUL bytes)\n"
    );
    assert_eq!(stdout(&out), "No problems found in 1 file\n");

    // JSON output stays clean: the notices go to stderr.
    let out = keywire(root, &["check", "--format", "json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        json(&out),
        serde_json::json!({"version": 1, "diagnostics": []})
    );
    assert_eq!(stderr(&out).lines().count(), 2);
}

#[test]
fn large_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = b"# ".to_vec();
    big.resize(10 * 1024 * 1024 + 10, b'x');
    write(&dir.path().join("big.py"), &big);
    let out = keywire(dir.path(), &["check", "."]);
    assert_eq!(code(&out), 0);
    assert_eq!(stderr(&out), "keywire: skipped big.py: larger than 10 MB\n");
    assert_eq!(stdout(&out), "No problems found in 0 files\n");
}

#[test]
fn gitignored_env_files_are_read_but_virtualenvs_and_excludes_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    write(&root.join(".gitignore"), b".env\nbuild/\n");
    write(&root.join(".env"), b"MODEL=gpt-4o\n");
    write(&root.join("app.py"), b"x = 1\n");
    write(&root.join("build/gen.py"), b"x = 1\n");
    write(&root.join(".venv/lib/site.py"), b"x = 1\n");
    write(&root.join("node_modules/pkg/x.py"), b"x = 1\n");
    write(&root.join("generated/out.py"), b"x = 1\n");
    write(&root.join("keywire.toml"), b"exclude = [\"generated/\"]\n");
    let out = keywire(root, &["check"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    // app.py and the (gitignored) .env.
    assert_eq!(stdout(&out), "No problems found in 2 files\n");
    // A file named on the command line is checked even when excluded.
    let out = keywire(root, &["check", "generated/out.py", "app.py"]);
    assert_eq!(stdout(&out), "No problems found in 2 files\n");
    let out = keywire(root, &["check", ".", "generated/out.py", "build/gen.py"]);
    assert_eq!(stdout(&out), "No problems found in 4 files\n");
}

/// A .env above the checked paths is loaded (modules may load it) but not reported on.
/// Needs KW303 to be meaningful.
#[test]
fn env_files_above_the_paths_are_context_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("keywire.toml"), b"");
    write(&root.join(".env"), b"K=\"abc\"def\n");
    write(&root.join("src/app.py"), b"x = 1\n");
    let out = keywire(root, &["check", "src"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out), "No problems found in 1 file\n");
    let out = keywire(root, &["check", "src/app.py", "--format", "json"]);
    assert_eq!(codes(&json(&out)), Vec::<String>::new());
    let out = keywire(root, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1);
    assert!(codes(&json(&out)).contains(&"KW303".to_string()));
}

#[test]
fn output_paths_are_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("proj/ok.py"), b"x = 1\n");
    write(&dir.path().join("proj/bad.py"), b"\0");
    write(&dir.path().join("elsewhere/.keep"), b"");
    let out = keywire(&dir.path().join("elsewhere"), &["check", "../proj"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        stderr(&out),
        "keywire: skipped ../proj/bad.py: binary file (contains NUL bytes)\n"
    );
}

// ---------------------------------------------------------------- rules

#[test]
fn rules_lists_every_rule() {
    let out = keywire(&fixture("clean"), &["rules"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 38, "{text}");
    assert!(lines[0].starts_with("KW101  missing-api-key "), "{text}");
    assert!(lines[0].contains(" warning "), "{text}");
    for (line, code) in lines.iter().zip([
        "KW101", "KW102", "KW103", "KW104", "KW105", "KW106", "KW107", "KW108", "KW109", "KW110",
        "KW111", "KW112", "KW113", "KW114", "KW115", "KW116", "KW201", "KW202", "KW203", "KW204",
        "KW205", "KW301", "KW302", "KW303", "KW304", "KW305", "KW306", "KW307", "KW308", "KW401",
        "KW402", "KW501", "KW502", "KW503", "KW504", "KW601", "KW602", "KW603",
    ]) {
        assert!(line.starts_with(code), "{line}");
    }
    assert!(text.contains("KW308  env-not-gitignored "));
}

#[test]
fn rule_prints_documentation_by_code_or_name_in_any_case() {
    let dir = fixture("clean");
    let out = keywire(&dir, &["rule", "kw101"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(
        text.starts_with("KW101 missing-api-key (default severity: warning)\n\n"),
        "{text}"
    );
    assert!(text.trim_end().lines().count() > 2, "{text}");
    let by_name = keywire(&dir, &["rule", "Missing-API-Key"]);
    assert_eq!(code(&by_name), 0);
    assert_eq!(stdout(&by_name), text);

    let out = keywire(&dir, &["rule", "KW1O1"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "keywire: error: unknown rule \"KW1O1\"; did you mean KW101 (missing-api-key)? (`keywire rules` lists them)\n"
    );
    let out = keywire(&dir, &["rule", "nothing-like-it"]);
    assert_eq!(code(&out), 2);
    assert!(!stderr(&out).contains("did you mean"));
}

// ---------------------------------------------------------------- colour

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = fixture("clean");
    let out = keywire(&dir, &["check"]);
    assert!(!stdout(&out).contains('\x1b'));
    let out = keywire(&dir, &["check", "--color", "always"]);
    assert!(stdout(&out).contains('\x1b'), "{:?}", stdout(&out));
    let out = keywire(&dir, &["check", "--color", "always", "--no-color"]);
    assert!(!stdout(&out).contains('\x1b'), "--no-color wins");
    let out = keywire(&dir, &["check", "--no-color"]);
    assert!(!stdout(&out).contains('\x1b'));
}

// ---------------------------------------------------------------- findings (need the .env rules)

/// KW303 on the fixture's two unparseable lines; JSON has exactly the documented shape, paths
/// relative with `/`, and 1-based columns counted in characters. Needs the .env parser and
/// KW303.
#[test]
fn json_shape_and_character_columns() {
    let dir = fixture("env-unparseable");
    let out = keywire(&dir, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let v = json(&out);
    assert_eq!(keys(&v), vec!["diagnostics", "version"]);
    assert_eq!(v["version"], 1);
    for d in diagnostics(&v) {
        assert_eq!(
            keys(d),
            vec!["code", "fixes", "message", "name", "path", "range", "related", "severity"]
        );
        assert_eq!(d["path"], ".env");
        assert_eq!(keys(&d["range"]), vec!["end", "start"]);
        assert_eq!(keys(&d["range"]["start"]), vec!["column", "line"]);
        for fix in d["fixes"].as_array().unwrap() {
            let k = keys(fix);
            assert!(
                k == vec!["applicability", "edits", "title"]
                    || k == vec!["applicability", "edits", "sensitive", "title"],
                "{k:?}"
            );
            assert!(
                fix["applicability"] == "safe" || fix["applicability"] == "unsafe",
                "{fix}"
            );
            if fix.get("sensitive").is_some() {
                assert_eq!(fix["sensitive"], true);
                assert_eq!(fix["edits"], serde_json::json!([]));
            }
            for e in fix["edits"].as_array().unwrap() {
                assert_eq!(keys(e), vec!["new_text", "path", "range"]);
            }
        }
        for r in d["related"].as_array().unwrap() {
            assert_eq!(keys(r), vec!["message", "path", "range"]);
        }
    }
    let kw303: Vec<&Value> = diagnostics(&v)
        .iter()
        .filter(|d| d["code"] == "KW303")
        .collect();
    assert_eq!(kw303.len(), 2, "{v:#}");
    let lines = ["ÄÖ=\"äbc\"déf", "K=\"abc\"def"];
    for (d, (line_no, line)) in kw303.iter().zip([(3, lines[0]), (4, lines[1])]) {
        assert_eq!(d["name"], "unparseable-line");
        assert_eq!(d["severity"], "error");
        let start = &d["range"]["start"];
        let end = &d["range"]["end"];
        assert_eq!(start["line"], line_no);
        let max_col = line.chars().count() as u64 + 1;
        for pos in [start, end] {
            let col = pos["column"].as_u64().unwrap();
            assert!(
                (1..=max_col).contains(&col) || pos["line"] != line_no,
                "column {col} is not a 1-based character column on {line:?}: {d:#}"
            );
        }
    }
}

/// Needs KW303.
#[test]
fn text_format_header_frame_and_summary() {
    let dir = fixture("env-unparseable");
    let out = keywire(&dir, &["check", "--select", "KW303"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with(".env:")).collect();
    assert_eq!(headers.len(), 2, "{text}");
    assert!(headers[0].starts_with(".env:3:"), "{text}");
    assert!(headers[0].contains(": KW303 [error] "), "{text}");
    assert!(headers[1].starts_with(".env:4:"), "{text}");
    assert!(text.contains("\n3 | ÄÖ=\"äbc\"déf\n"), "{text}");
    assert!(text.contains("\n4 | K=\"abc\"def\n"), "{text}");
    assert!(
        text.ends_with("Found 2 problems (2 errors, 0 warnings) in 1 file\n")
            || text.contains("Found 2 problems (2 errors, 0 warnings) in 1 file;"),
        "{text}"
    );
}

/// Needs KW303 (and whatever else fires on the fixture).
#[test]
fn select_and_ignore_filter_findings() {
    let dir = fixture("env-unparseable");
    let all = codes(&json(&keywire(&dir, &["check", "--format", "json"])));
    assert!(all.iter().any(|c| c == "KW303"), "{all:?}");

    let only = codes(&json(&keywire(
        &dir,
        &["check", "--format", "json", "--select", "KW303"],
    )));
    assert!(
        !only.is_empty() && only.iter().all(|c| c == "KW303"),
        "{only:?}"
    );

    let by_name = codes(&json(&keywire(
        &dir,
        &["check", "--format", "json", "--select", "unparseable-line"],
    )));
    assert_eq!(by_name, only);

    let without = codes(&json(&keywire(
        &dir,
        &["check", "--format", "json", "--ignore", "KW303"],
    )));
    assert!(!without.iter().any(|c| c == "KW303"), "{without:?}");
    assert_eq!(without.len(), all.len() - only.len());

    let prefix_minus_one = codes(&json(&keywire(
        &dir,
        &[
            "check", "--format", "json", "--select", "KW3", "--ignore", "kw303",
        ],
    )));
    assert!(prefix_minus_one
        .iter()
        .all(|c| c.starts_with("KW3") && c != "KW303"));

    let none = keywire(&dir, &["check", "--select", "KW1"]);
    assert_eq!(code(&none), 0, "{}", stdout(&none));
}

/// Config selection applies, and `--select` replaces it. Needs KW303.
#[test]
fn config_selection_and_command_line_override() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join(".env"), "K=\"abc\"def\n".as_bytes());
    write(
        &dir.path().join("pyproject.toml"),
        b"[tool.keywire.severity]\nKW303 = \"off\"\n",
    );
    let out = keywire(dir.path(), &["check", "--format", "json"]);
    assert!(!codes(&json(&out)).contains(&"KW303".to_string()));
    let out = keywire(
        dir.path(),
        &["check", "--format", "json", "--select", "KW303"],
    );
    assert_eq!(codes(&json(&out)), vec!["KW303"]);
    write(
        &dir.path().join("pyproject.toml"),
        b"[tool.keywire.severity]\nKW303 = \"info\"\n",
    );
    let out = keywire(
        dir.path(),
        &["check", "--format", "json", "--select", "KW303"],
    );
    let v = json(&out);
    assert_eq!(diagnostics(&v)[0]["severity"], "info");
    // Info-level findings alone do not fail the run.
    assert_eq!(code(&out), 0);
}

// ---------------------------------------------------------------- fixes and secrets

/// `--fix` writes what it fixed and reports what remains; running it again fixes nothing.
/// Exercises real fixes once the rules have safe ones (KW301 trims whitespace inside quotes).
#[test]
fn fix_applies_safe_fixes_and_rechecks() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    let original = "MODEL=\" gpt-4o \"\nK=\"abc\"def\n";
    write(&env, original.as_bytes());
    write(&dir.path().join("app.py"), b"x = 1\n");
    let before = codes(&json(&keywire(dir.path(), &["check", "--format", "json"])));

    let out = keywire(dir.path(), &["check", "--fix"]);
    let text = stdout(&out);
    let fixed_line = text
        .lines()
        .find(|l| l.starts_with("Fixed "))
        .unwrap_or_else(|| panic!("no `Fixed` line:\n{text}"));
    let n: usize = fixed_line.split(' ').nth(1).unwrap().parse().unwrap();
    let after = codes(&json(&keywire(dir.path(), &["check", "--format", "json"])));
    assert_eq!(
        fs::read_to_string(&env).unwrap() != original,
        n > 0,
        "the file changes exactly when something was fixed"
    );
    assert!(after.len() <= before.len(), "{before:?} -> {after:?}");

    let again = keywire(dir.path(), &["check", "--fix"]);
    assert!(
        stdout(&again).contains("Fixed 0 findings"),
        "{}",
        stdout(&again)
    );
    assert_eq!(code(&again), code(&out));
}

/// A project with one finding per kind of fix: a safe fix of an error (whitespace around a key),
/// an unsafe fix of a warning (whitespace in a value that may mean it) and a safe fix of a hint
/// (`os.getenv` feeding a key).
fn fix_kinds_project(dir: &Path) {
    write(
        &dir.join(".env"),
        b"OPENAI_API_KEY=\" sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1Qw8\"\nGREETING=\" hello \"\nTEAM_LLM_KEY=k7Qm2Zx9Lp4Rt8Vb3Nc6\n",
    );
    write(
        &dir.join("app.py"),
        b"import os\n\nfrom autogen import AssistantAgent\nfrom dotenv import load_dotenv\n\nload_dotenv()\n\n\
config_list = [{\"model\": \"gpt-4o\", \"api_key\": os.getenv(\"TEAM_LLM_KEY\")}]\n\
assistant = AssistantAgent(\"assistant\", llm_config={\"config_list\": config_list})\n",
    );
}

#[test]
fn fix_applies_only_safe_fixes_and_counts_the_unsafe_ones_left() {
    let dir = tempfile::tempdir().unwrap();
    fix_kinds_project(dir.path());
    let app = fs::read_to_string(dir.path().join("app.py")).unwrap();

    let out = keywire(dir.path(), &["check", "--fix", "--no-color"]);
    let text = stdout(&out);
    assert!(text.contains("Fixed 1 finding\n"), "{text}");
    assert!(
        text.contains("1 fix available with --unsafe-fixes"),
        "{text}"
    );
    let env = fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(env.starts_with("OPENAI_API_KEY=sk-proj-"), "{env}");
    assert!(
        env.contains("GREETING=\" hello \""),
        "the unsafe fix was applied:\n{env}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("app.py")).unwrap(),
        app,
        "a hint's fix was applied"
    );

    // JSON: the counts go to stderr.
    let out = keywire(dir.path(), &["check", "--fix", "--format", "json"]);
    let err = stderr(&out);
    assert!(
        err.contains("Fixed 0 findings") && err.contains("1 fix available with --unsafe-fixes"),
        "{err}"
    );
}

#[test]
fn unsafe_fixes_applies_unsafe_fixes_but_not_hints() {
    let dir = tempfile::tempdir().unwrap();
    fix_kinds_project(dir.path());
    let app = fs::read_to_string(dir.path().join("app.py")).unwrap();

    let out = keywire(dir.path(), &["check", "--unsafe-fixes", "--no-color"]);
    let text = stdout(&out);
    assert!(text.contains("Fixed 2 findings\n"), "{text}");
    assert!(!text.contains("--unsafe-fixes"), "{text}");
    let env = fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(env.contains("GREETING=hello\n"), "{env}");
    assert_eq!(
        fs::read_to_string(dir.path().join("app.py")).unwrap(),
        app,
        "a hint's fix was applied"
    );
    // The hint is left, and fails nothing.
    assert_eq!(code(&out), 0, "{text}");
    let out = keywire(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--no-color"],
    );
    assert!(
        stdout(&out).contains("Fixed 0 findings"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_fixes_say_whether_they_are_safe() {
    let dir = tempfile::tempdir().unwrap();
    fix_kinds_project(dir.path());
    let v = json(&keywire(dir.path(), &["check", "--format", "json"]));
    let mut seen: Vec<(String, String, String)> = diagnostics(&v)
        .iter()
        .flat_map(|d| {
            d["fixes"].as_array().unwrap().iter().map(move |f| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                    f["applicability"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    seen.sort();
    let expected: Vec<(String, String, String)> = [
        ("KW204", "hint", "unsafe"),
        ("KW301", "error", "safe"),
        ("KW301", "warning", "unsafe"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(seen, expected);
}

/// No output format ever shows a key: not in messages, code frames or JSON fix edits.
/// (Meaningful once KW104 and the .env rules report these lines.)
#[test]
fn secrets_never_appear_in_output() {
    let secret = "Zq8xW2vB7nM4kL9pR3tY6uI1oA5sD0fG";
    let key = format!("sk-proj-{secret}");
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("app.py"),
        format!(
            "from autogen_ext.models.openai import OpenAIChatCompletionClient\n\
             client = OpenAIChatCompletionClient(model=\"gpt-4o\", api_key=\"{key}\")\n"
        )
        .as_bytes(),
    );
    write(
        &dir.path().join(".env"),
        format!("OPENAI_API_KEY=\" {key}\"\nANTHROPIC_API_KEY={key}\"\nOPENAI_API_KEY={key}\n")
            .as_bytes(),
    );
    for args in [
        &["check"][..],
        &["check", "--format", "json"][..],
        &["check", "--color", "always"][..],
    ] {
        let out = keywire(dir.path(), args);
        assert!(
            !stdout(&out).contains(secret),
            "{args:?}:\n{}",
            stdout(&out)
        );
        assert!(
            !stderr(&out).contains(secret),
            "{args:?}:\n{}",
            stderr(&out)
        );
    }
}

// ---------------------------------------------------------------- config lists

/// The issue's `OAI_CONFIG_LIST`: a misspelt key in entry 1, a placeholder key on an Azure
/// endpoint without `api_type` / `api_version` in entry 2.
const CONFIG_LIST: &str = "[{\"model\": \"gpt-4o\", \"apikey\": \"sk-...\"},\n {\"model\": \"gpt-4o\", \"api_key\": \"<your OpenAI API key here>\", \"base_url\": \"https://myres.openai.azure.com/\"}]\n";

/// `keywire check` finds an `OAI_CONFIG_LIST` that git ignores, reports its entries at the
/// right line and column, and `--fix` / `--unsafe-fixes` rewrite it into JSON that Python's
/// `json` module reads.
#[test]
fn config_lists_are_checked_and_fixed_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    write(&root.join(".gitignore"), b"OAI_CONFIG_LIST\n");
    let list = root.join("OAI_CONFIG_LIST");
    write(&list, CONFIG_LIST.as_bytes());

    let out = keywire(root, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let v = json(&out);
    let found: Vec<(String, u64, u64)> = diagnostics(&v)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |c: &str, l, col| (c.to_string(), l, col);
    assert_eq!(
        found,
        [
            at("KW102", 1, 22),
            at("KW106", 2, 2),
            at("KW103", 2, 33),
            at("KW105", 2, 63),
        ]
    );
    assert!(diagnostics(&v)
        .iter()
        .all(|d| d["path"] == "OAI_CONFIG_LIST"));
    let text = stdout(&keywire(root, &["check", "--no-color"]));
    assert!(text.contains("OAI_CONFIG_LIST:1:22: KW102 [error] unknown config key `apikey`"));
    assert!(text.contains("in 1 file;"), "{text}");

    // --fix renames the key (safe); --unsafe-fixes adds the Azure fields.
    let out = keywire(root, &["check", "--fix", "--no-color"]);
    assert!(
        stdout(&out).contains("Fixed 1 finding\n"),
        "{}",
        stdout(&out)
    );
    let fixed = fs::read_to_string(&list).unwrap();
    assert!(fixed.starts_with("[{\"model\": \"gpt-4o\", \"api_key\": \"sk-...\"}"));
    python_json_reads(&list);
    keywire(root, &["check", "--unsafe-fixes"]);
    let fixed = fs::read_to_string(&list).unwrap();
    assert!(
        fixed.contains("\"api_type\": \"azure\"") && fixed.contains("\"api_version\": "),
        "{fixed}"
    );
    python_json_reads(&list);
    let left = codes(&json(&keywire(root, &["check", "--format", "json"])));
    assert_eq!(left, ["KW103", "KW103"], "placeholders have no fix");
}

/// The file parses with keywire's reader (exact to Python's `json`) and, where Python is
/// installed, with Python's `json.load` itself.
fn python_json_reads(path: &Path) {
    let text = fs::read_to_string(path).unwrap();
    assert!(
        keywire::engine::json::parse(&text).is_ok(),
        "not JSON:\n{text}"
    );
    if let Ok(out) = std::process::Command::new("python3")
        .args(["-c", "import json, sys; json.load(open(sys.argv[1]))"])
        .arg(path)
        .output()
    {
        assert!(
            out.status.success(),
            "json.load fails on\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A comment line is what json.load rejects first (KW111, with Python's message); in a template
/// the same file is fine.
#[test]
fn config_list_comments_are_an_error_except_in_templates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let text = b"// Fill in your key.\n[{\"model\": \"gpt-4o\", \"api_key\": null}]\n";
    write(&root.join("keywire.toml"), b"");
    write(&root.join("OAI_CONFIG_LIST_sample"), text);
    write(&root.join("app/OAI_CONFIG_LIST.json"), text);
    let v = json(&keywire(
        root,
        &["check", "--format", "json", "--select", "KW111"],
    ));
    let d = diagnostics(&v);
    assert_eq!(d.len(), 1, "{v}");
    assert_eq!(d[0]["path"], "app/OAI_CONFIG_LIST.json");
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .contains("(Expecting value: line 1 column 1 (char 0))"));
    keywire(root, &["check", "--fix", "--select", "KW111"]);
    python_json_reads(&root.join("app/OAI_CONFIG_LIST.json"));
    assert_eq!(
        fs::read(root.join("OAI_CONFIG_LIST_sample")).unwrap(),
        text,
        "the template is left alone"
    );
}

#[test]
fn the_facts_cache_is_written_in_the_project_root_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    write(
        &root.join("app.py"),
        "from autogen import AssistantAgent\nAssistantAgent('a', llm_config={'config_list': [{'model': 'gpt-4o'}]})\n",
    );
    let run = |args: &[&str], no_cache: &str| {
        keywire_env(&root, args, &[("KEYWIRE_NO_CACHE", no_cache)], TIMEOUT)
    };
    let cold = run(&["check", "--no-cache"], "");
    assert!(
        !root.join(".keywire_cache").exists(),
        "--no-cache wrote a cache"
    );
    let diff = run(&["check", "--diff"], "");
    assert!(
        !root.join(".keywire_cache").exists(),
        "--diff wrote a cache"
    );
    assert_eq!(code(&diff), 0, "{}", stderr(&diff));
    run(&["check"], "1");
    assert!(
        !root.join(".keywire_cache").exists(),
        "KEYWIRE_NO_CACHE=1 wrote a cache"
    );
    let first = run(&["check"], "0");
    let ignore = fs::read_to_string(root.join(".keywire_cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"));
    let warm = run(&["check"], "");
    for out in [&first, &warm] {
        assert_eq!(stdout(out), stdout(&cold));
        assert_eq!(code(out), code(&cold));
    }
    assert!(stdout(&cold).contains("KW101"), "{}", stdout(&cold));
}

#[test]
fn a_cached_report_follows_the_options_and_fixes_check_anew() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    let key = "sk-proj-Q9vLr2Tb4WmZ1cVn8KpE3sHd6JyA0uXf";
    write(
        &root.join("app.py"),
        format!(
            "from autogen import AssistantAgent\n\
             AssistantAgent('a', llm_config={{'config_list': [{{'model': 'gpt-4o', 'api_key': '{key}'}}]}})\n"
        ),
    );
    let run = |args: &[&str]| keywire(&root, args);
    let cold = run(&["check", "--no-cache", "--format", "json"]);
    for _ in 0..2 {
        let warm = run(&["check", "--format", "json"]);
        assert_eq!(stdout(&warm), stdout(&cold));
    }
    assert!(codes(&json(&cold)).iter().any(|c| c == "KW104"));
    // Other rules selected: not the stored report.
    let selected = run(&["check", "--select", "KW2", "--format", "json"]);
    assert!(!codes(&json(&selected)).iter().any(|c| c == "KW104"));
    let again = run(&["check", "--format", "json"]);
    assert_eq!(stdout(&again), stdout(&cold));
    // The stored report has no edits for the move of the key: fixing checks anew and moves it.
    let fixed = run(&["check", "--fix", "--unsafe-fixes"]);
    assert!(
        fs::read_to_string(root.join(".env"))
            .unwrap_or_default()
            .contains(&format!("={key}")),
        "the key was not moved: {}",
        stderr(&fixed)
    );
    assert!(!fs::read_to_string(root.join("app.py"))
        .unwrap()
        .contains(key));
    let after = run(&["check", "--no-cache", "--format", "json"]);
    assert_eq!(stdout(&run(&["check", "--format", "json"])), stdout(&after));
}
