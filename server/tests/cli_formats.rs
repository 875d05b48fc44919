//! `keywire check` for CI: `--format sarif|github|gitlab`, `--diff`, `--exit-zero`,
//! `--statistics` and `--output-file`, end to end on the built binary. Fixtures are copied into
//! temp dirs (`tests/workspaces/getting-started` has findings of every file kind, a notebook
//! among them); small projects are written on the spot.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use testkit::paths::{copy_tree, repo_root, tempdir, text, write};
use testkit::process::keywire;

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&out.stdout)))
}

/// A copy of `tests/workspaces/<name>`.
fn workspace(name: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = tempdir();
    copy_tree(&repo_root().join("tests/workspaces").join(name), &root);
    (tmp, root)
}

/// Every file of a tree with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// A module with a finding after CJK characters and an emoji on its line (2 UTF-16 units).
const WIDE: &str = "from autogen_ext.models.openai import OpenAIChatCompletionClient\n\nx = \"日本😀\"; client = OpenAIChatCompletionClient(model=\"gpt-4o\")\nclient2 = OpenAIChatCompletionClient(model=\"gpt-4o\")\n";

// ------------------------------------------------------------------ github

#[test]
fn github_commands_escape_paths_and_messages() {
    let (_tmp, root) = workspace("getting-started");
    // A notebook whose name holds a comma and a colon; KW402's message holds `%env`.
    fs::rename(root.join("tutorial.ipynb"), root.join("tu,to:rial.ipynb")).unwrap();
    let out = keywire(&root, &["check", "--format", "github"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let kw402 = stdout
        .lines()
        .find(|l| l.contains("title=keywire (KW402)"))
        .unwrap_or_else(|| panic!("no KW402 line:\n{stdout}"));
    // The notebook's finding points into its JSON text, and names the cell.
    assert!(
        kw402.starts_with("::error file=tu%2Cto%3Arial.ipynb,line=20,col=6,endLine=20,endColumn=45,title=keywire (KW402)::"),
        "{kw402}"
    );
    assert!(kw402.contains("use `%25env OAI_CONFIG_LIST=…`"), "{kw402}");
    assert!(kw402.ends_with(" (cell 2)"), "{kw402}");
    assert!(!stdout.contains("%env"));
    // One command per finding, each a single line of a known kind.
    let n = json(&keywire(&root, &["check", "--format", "json"]))["diagnostics"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(stdout.lines().count(), n);
    assert!(stdout
        .lines()
        .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")));

    let (_tmp, root) = tempdir();
    write(&root.join("app.py"), WIDE);
    let out = keywire(&root, &["check", "--format", "github"]);
    assert_eq!(code(&out), 0);
    // Hints are notices; columns count UTF-16 units.
    assert!(text(&out.stdout).starts_with(
        "::notice file=app.py,line=3,col=22,endLine=3,endColumn=48,title=keywire (KW101)::"
    ));
}

// ------------------------------------------------------------------ sarif

#[test]
fn sarif_log_structure_rules_and_utf16_columns() {
    let (_tmp, root) = tempdir();
    write(&root.join("app.py"), WIDE);
    let out = keywire(&root, &["check", "--format", "sarif"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let log = json(&out);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root_uri.starts_with("file:///") && root_uri.ends_with('/'),
        "{root_uri}"
    );

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "keywire");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        driver["informationUri"],
        "https://github.com/keywire/keywire"
    );
    let rules = driver["rules"].as_array().unwrap();
    let listed = text(&keywire(&root, &["rules"]).stdout);
    assert_eq!(rules.len(), listed.lines().count());
    for (rule, line) in rules.iter().zip(listed.lines()) {
        let id = rule["id"].as_str().unwrap();
        let name = rule["name"].as_str().unwrap();
        assert!(line.starts_with(&format!("{id}  {name} ")), "{line}");
        assert_eq!(
            rule["helpUri"],
            format!("https://github.com/keywire/keywire/blob/main/docs/rules/{id}.md")
        );
        assert!(repo_root().join(format!("docs/rules/{id}.md")).is_file());
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(rule["fullDescription"]["text"].as_str().unwrap().len() > 80);
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{level}");
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        assert_eq!(r["ruleId"], "KW101");
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            "KW101"
        );
        assert_eq!(r["level"], "note");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "app.py");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(r["partialFingerprints"].as_object().unwrap().len() == 1);
        assert!(r.get("snippet").is_none() && loc["region"].get("snippet").is_none());
        // The fix inserts `api_key=…`: a replacement with an empty deleted region.
        let repl = &r["fixes"][0]["artifactChanges"][0]["replacements"][0];
        assert_eq!(
            repl["deletedRegion"]["startColumn"],
            repl["deletedRegion"]["endColumn"]
        );
    }
    // Line 3: `client` starts at character 21 (UTF-16 unit 22: the emoji is two units);
    // line 4 is ASCII, the same in both.
    let region = |i: usize| results[i]["locations"][0]["physicalLocation"]["region"].clone();
    assert_eq!(
        region(0),
        serde_json::json!({"startLine": 3, "startColumn": 22, "endLine": 3, "endColumn": 48})
    );
    assert_eq!(
        region(1),
        serde_json::json!({"startLine": 4, "startColumn": 11, "endLine": 4, "endColumn": 37})
    );
    let plain = json(&keywire(&root, &["check", "--format", "json"]));
    assert_eq!(plain["diagnostics"][0]["range"]["start"]["column"], 21);
}

#[test]
fn sarif_notebooks_related_locations_and_no_sensitive_fix() {
    let (_tmp, root) = workspace("getting-started");
    let log = json(&keywire(
        &root,
        &["check", "--format", "sarif", "--select", "ALL"],
    ));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let kw402 = results.iter().find(|r| r["ruleId"] == "KW402").unwrap();
    assert_eq!(kw402["properties"]["cell"], 2);
    let loc = &kw402["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "tutorial.ipynb");
    assert_eq!(loc["region"]["startLine"], 20);
    assert!(results
        .iter()
        .any(|r| !r["relatedLocations"].as_array().is_none_or(Vec::is_empty)));

    // Every fix keywire's JSON shows with edits, SARIF shows; none marked sensitive.
    let (_tmp, root) = tempdir();
    copy_tree(&repo_root().join("tests/secrets"), &root);
    let args = ["check", "--select", "ALL"];
    let plain = json(&keywire(
        &root,
        &[&args[..], &["--format", "json"]].concat(),
    ));
    let (mut shown, mut sensitive) = (0, 0);
    for d in plain["diagnostics"].as_array().unwrap() {
        for fix in d["fixes"].as_array().unwrap() {
            if fix["sensitive"] == true {
                sensitive += 1;
            } else if !fix["edits"].as_array().unwrap().is_empty() {
                shown += 1;
            }
        }
    }
    assert!(sensitive > 0 && shown > 0, "{sensitive} {shown}");
    let log = json(&keywire(
        &root,
        &[&args[..], &["--format", "sarif"]].concat(),
    ));
    let fixes: usize = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fixes"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(fixes, shown);
}

// ------------------------------------------------------------------ gitlab

#[test]
fn gitlab_fingerprints_are_stable_and_distinct() {
    let (_tmp, root) = workspace("getting-started");
    let run = |root: &Path| {
        let out = keywire(root, &["check", "--format", "gitlab", "--select", "ALL"]);
        assert_eq!(code(&out), 1);
        json(&out)
    };
    let first = run(&root);
    let issues = first.as_array().unwrap();
    assert!(issues.len() >= 5);
    for i in issues {
        assert!(i["description"].as_str().unwrap().starts_with("KW"));
        assert!(["info", "minor", "major"].contains(&i["severity"].as_str().unwrap()));
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(i["location"]["path"].as_str().unwrap().len() > 2);
    }
    let prints = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let a = prints(&first);
    assert_eq!(a, prints(&run(&root)));
    assert_eq!(a.iter().collect::<BTreeSet<_>>().len(), a.len(), "{a:?}");
    // Lines moving (a comment on top of the module) change no fingerprint.
    let app = root.join("app.py");
    let moved = format!("# moved\n\n{}", fs::read_to_string(&app).unwrap());
    fs::write(&app, moved).unwrap();
    let b = prints(&run(&root));
    assert_eq!(
        a.iter().collect::<BTreeSet<_>>(),
        b.iter().collect::<BTreeSet<_>>()
    );
}

// ------------------------------------------------------------------ --diff

/// Apply a unified diff's hunks to `old` (the test's own reading of the format).
fn patch(old: &str, hunks: &str) -> String {
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut at = 0;
    let mut body = hunks.split_inclusive('\n').peekable();
    while let Some(line) = body.next() {
        let Some(header) = line.strip_prefix("@@ -") else {
            continue;
        };
        let start: usize = header.split([',', ' ']).next().unwrap().parse().unwrap();
        let start = if header.split(' ').next().unwrap().ends_with(",0") {
            start
        } else {
            start - 1
        };
        while at < start {
            out.push_str(lines[at]);
            at += 1;
        }
        while let Some(l) = body.peek().filter(|l| !l.starts_with("@@")) {
            match l.as_bytes()[0] {
                b' ' => {
                    out.push_str(&l[1..]);
                    at += 1;
                }
                b'-' => at += 1,
                b'+' => out.push_str(&l[1..]),
                _ => {}
            }
            body.next();
        }
    }
    for l in &lines[at..] {
        out.push_str(l);
    }
    out
}

#[test]
fn diff_shows_what_fix_writes_and_writes_nothing() {
    let (_tmp, root) = workspace("getting-started");
    let before = snapshot(&root);
    let out = keywire(&root, &["check", "--diff"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(snapshot(&root), before, "--diff wrote a file");
    let diff = text(&out.stdout);
    assert!(
        diff.starts_with("--- a/OAI_CONFIG_LIST\n+++ b/OAI_CONFIG_LIST\n@@ -1,7 +1,7 @@\n [\n"),
        "{diff}"
    );
    assert!(text(&out.stderr).contains("Would fix 3 findings"));
    let unsafe_diff = text(&keywire(&root, &["check", "--diff", "--unsafe-fixes"]).stdout);
    assert!(unsafe_diff.len() > diff.len());

    // The diff of each file is what --fix writes.
    let (_tmp2, fixed) = workspace("getting-started");
    let out = keywire(&fixed, &["check", "--fix"]);
    assert_eq!(code(&out), 1);
    let mut files = 0;
    for part in diff.split("--- a/").skip(1) {
        let (name, rest) = part.split_once('\n').unwrap();
        let old = fs::read_to_string(root.join(name)).unwrap();
        let new = fs::read_to_string(fixed.join(name)).unwrap();
        assert_ne!(old, new, "{name}");
        assert_eq!(patch(&old, rest), new, "{name}");
        files += 1;
    }
    assert_eq!(files, 2);
    // Nothing left to fix: no diff, exit 0.
    let out = keywire(&fixed, &["check", "--diff"]);
    assert_eq!((code(&out), text(&out.stdout)), (0, String::new()));
    // --exit-zero applies to --diff too.
    assert_eq!(
        code(&keywire(&root, &["check", "--diff", "--exit-zero"])),
        0
    );
}

#[test]
fn diff_leaves_out_sensitive_fixes() {
    let (_tmp, root) = tempdir();
    copy_tree(&repo_root().join("tests/rules/kw104-hardcoded"), &root);
    let before = snapshot(&root);
    let out = keywire(
        &root,
        &["check", "--diff", "--unsafe-fixes", "--select", "KW104"],
    );
    assert_eq!(snapshot(&root), before);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("not shown"), "{stderr}");
    assert_eq!(text(&out.stdout), "", "a sensitive fix was shown");
    assert_eq!(code(&out), 0);
    // --fix does apply them.
    let out = keywire(
        &root,
        &["check", "--fix", "--unsafe-fixes", "--select", "KW104"],
    );
    assert!(
        text(&out.stdout).contains("Fixed "),
        "{}",
        text(&out.stdout)
    );
    assert_ne!(snapshot(&root), before);
}

#[test]
fn diff_refuses_other_formats_and_statistics() {
    let (_tmp, root) = workspace("getting-started");
    for args in [
        &["check", "--diff", "--format", "json"][..],
        &["check", "--diff", "--statistics"],
        &["check", "--statistics", "--format", "sarif"],
    ] {
        let out = keywire(&root, args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(
            text(&out.stderr).starts_with("keywire: error: "),
            "{args:?}"
        );
        assert_eq!(text(&out.stdout), "");
    }
}

// ------------------------------------------------------------------ flags

#[test]
fn exit_zero_keeps_findings_but_not_errors() {
    let (_tmp, root) = workspace("getting-started");
    let out = keywire(&root, &["check", "--exit-zero"]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).contains("Found 9 problems"));
    assert_eq!(code(&keywire(&root, &["check"])), 1);
    let out = keywire(&root, &["check", "--exit-zero", "no/such/file.py"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn statistics_count_findings_per_rule() {
    let (_tmp, root) = tempdir();
    write(&root.join("app.py"), WIDE);
    // KW301's fixes of names other than credentials and endpoints are unsafe.
    write(
        &root.join(".env"),
        "NOTE=\" y\"\nOTHER=\" z\"\nOPENAI_API_KEY=\n",
    );
    let out = keywire(&root, &["check", "--statistics"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        text(&out.stdout),
        "  2  KW101  missing-api-key\n  2  KW301  quoted-value-whitespace\n  1  KW305  empty-value\n"
    );
    let out = keywire(
        &root,
        &["check", "--statistics", "--unsafe-fixes", "--diff"],
    );
    assert_eq!(code(&out), 2);
    let out = keywire(
        &root,
        &[
            "check",
            "--statistics",
            "--format",
            "json",
            "--select",
            "KW3",
        ],
    );
    assert_eq!(
        json(&out),
        serde_json::json!([
            {"code": "KW301", "name": "quoted-value-whitespace", "count": 2, "fixable": false},
            {"code": "KW305", "name": "empty-value", "count": 1, "fixable": false},
        ])
    );
    // One safe fix (an endpoint's whitespace) marks the rule.
    write(
        &root.join(".env"),
        "NOTE=\" y\"\nOPENAI_BASE_URL=\" https://a.example/v1\"\n",
    );
    let out = keywire(&root, &["check", "--statistics", "--select", "KW301"]);
    assert_eq!(
        text(&out.stdout),
        "  2  KW301  quoted-value-whitespace  [*]\n"
    );
}

#[test]
fn output_file_gets_the_report() {
    let (_tmp, root) = workspace("getting-started");
    let expected = keywire(&root, &["check", "--format", "sarif"]).stdout;
    let out = keywire(
        &root,
        &[
            "check",
            "--format",
            "sarif",
            "--output-file",
            "out/keywire.sarif",
        ],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        text(&out.stderr),
        "keywire: error: --output-file out/keywire.sarif: no such directory: out\n"
    );
    assert!(!root.join("out").exists());
    fs::create_dir(root.join("out")).unwrap();
    let out = keywire(
        &root,
        &[
            "check",
            "--format",
            "sarif",
            "--output-file",
            "out/keywire.sarif",
        ],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(fs::read(root.join("out/keywire.sarif")).unwrap(), expected);
    // Text goes there without colour, even when asked for.
    let out = keywire(
        &root,
        &["check", "--color", "always", "--output-file", "report.txt"],
    );
    assert_eq!(code(&out), 1);
    let report = fs::read_to_string(root.join("report.txt")).unwrap();
    assert!(report.contains("Found 9 problems") && !report.contains('\u{1b}'));
    let out = keywire(&root, &["check", "--output-file", "out"]);
    assert_eq!(code(&out), 2);
}
