//! No output of the engine contains a secret: every finding's message, related messages, fix
//! titles and (non-sensitive) fix edits are searched for any 8-character piece of every fake
//! key in the fixture, beyond the key's public prefix.

use keywire::engine::config::Config;
use testkit::fixture;
use testkit::paths::repo_root;

/// Every key-like value in the fixture: .env values and string literals of 16+ characters.
pub fn fake_keys(files: &fixture::Files) -> Vec<String> {
    let mut keys = Vec::new();
    for (path, text) in files {
        let is_env = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".env"));
        let is_yaml = path.extension().is_some_and(|e| e == "yml" || e == "yaml");
        for line in text.lines() {
            if is_yaml {
                // `NAME: value` entries of a workflow's env.
                if let Some((_, v)) = line.split_once(": ") {
                    let v = v.trim().trim_matches(['"', '\'']);
                    if !line.trim_start().starts_with('#') && !v.contains(' ') {
                        keys.push(v.to_string());
                    }
                }
            } else if is_env {
                if let Some((_, v)) = line.split_once('=') {
                    keys.push(
                        v.trim()
                            .trim_matches(['"', '\'', '“', '”', ' '])
                            .to_string(),
                    );
                }
            } else {
                for (i, piece) in line.split('"').enumerate() {
                    if i % 2 == 1
                        && piece.len() >= 24
                        && !piece.contains(' ')
                        && !piece.contains("://")
                    {
                        keys.push(piece.to_string());
                    }
                }
            }
        }
    }
    keys.retain(|k| k.len() >= 24);
    keys
}

/// 8-character windows of the key's secret part (after any public prefix).
pub fn secret_pieces(key: &str) -> Vec<String> {
    let prefix = keywire::engine::providers::public_prefix(key).map_or(0, str::len);
    let secret: Vec<char> = key.chars().skip(prefix).collect();
    secret.windows(8).map(|w| w.iter().collect()).collect()
}

#[test]
fn findings_never_contain_a_key() {
    no_key_in_findings("tests/secrets", 12, 10);
}

/// Config lists hold keys written out: the rules that read them (KW104, KW108, KW308 with git
/// status, and every entry rule) describe them, never show them.
#[test]
fn config_list_findings_never_contain_a_key() {
    let dir = repo_root().join("tests/secrets");
    let files = fixture::read_dir(&dir);
    let findings = fixture::check(&files, &Config::default());
    let in_list = |code: &str| {
        findings
            .iter()
            .any(|f| f.rule.code() == code && f.path.ends_with("OAI_CONFIG_LIST"))
    };
    assert!(
        in_list("KW108") && in_list("KW106") && in_list("KW102"),
        "{}",
        fixture::render(&files, &findings)
    );
    no_key_in_findings("tests/rules/kw308-config-json", 4, 4);
}

/// Compose files and Dockerfiles hold keys in `environment:` values, `ENV` and `ARG`: the rules
/// that read them (KW501-KW503) describe them, never show them.
#[test]
fn deploy_findings_never_contain_a_key() {
    let dir = repo_root().join("tests/secrets/deploy");
    let files = fixture::read_dir(&dir);
    let mut keys: Vec<String> = files
        .iter()
        .filter(|(p, _)| !p.to_string_lossy().ends_with(".py"))
        .flat_map(|(_, text)| testkit::secrets::key_tokens(text))
        .collect();
    keys.sort();
    keys.dedup();
    assert!(keys.len() >= 5, "fixture keys not found: {keys:?}");
    let findings = fixture::check(&files, &Config::default());
    let kw503 = findings.iter().filter(|f| f.rule.code() == "KW503").count();
    assert!(kw503 >= 3, "{}", fixture::render(&files, &findings));
    let mut surfaces: Vec<String> = Vec::new();
    for f in &findings {
        surfaces.push(f.message.clone());
        surfaces.extend(f.related.iter().map(|r| r.message.clone()));
        for fix in &f.fixes {
            surfaces.push(fix.title.clone());
            surfaces.extend(fix.edits.iter().map(|e| e.new_text.clone()));
        }
    }
    let haystack = surfaces.join("\n");
    assert!(
        testkit::secrets::leaks(&keys, &haystack).is_empty(),
        "{haystack}"
    );
    // The probe can fail.
    assert!(!testkit::secrets::leaks(&keys, &format!("{haystack}{}", keys[0])).is_empty());
}

fn no_key_in_findings(fixture_dir: &str, min_keys: usize, min_findings: usize) {
    let dir = repo_root().join(fixture_dir);
    let files = fixture::read_dir(&dir);
    let keys = fake_keys(&files);
    assert!(keys.len() >= min_keys, "fixture keys not found: {keys:?}");
    let findings = fixture::check(&files, &Config::default());
    assert!(
        findings.len() >= min_findings,
        "expected findings on the secrets fixture:\n{}",
        fixture::render(&files, &findings)
    );
    let mut surfaces: Vec<String> = Vec::new();
    for f in &findings {
        surfaces.push(f.message.clone());
        surfaces.extend(f.related.iter().map(|r| r.message.clone()));
        for fix in &f.fixes {
            surfaces.push(fix.title.clone());
            if !fix.sensitive {
                surfaces.extend(fix.edits.iter().map(|e| e.new_text.clone()));
            }
        }
    }
    let haystack = surfaces.join("\n");
    if std::env::var("SHOW").is_ok() {
        eprintln!("{}", fixture::render(&files, &findings));
    }
    for key in &keys {
        for piece in secret_pieces(key) {
            assert!(
                !haystack.contains(&piece),
                "output contains a piece of a key ({piece:?}):\n{haystack}"
            );
        }
    }
    // The probe itself must be able to fail: a message quoting a key is caught.
    let leaked = format!("{}{}", haystack, keys[0]);
    assert!(secret_pieces(&keys[0])
        .iter()
        .any(|p| leaked.contains(p.as_str())));
}
