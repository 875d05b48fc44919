//! Rule fixtures: every directory under `tests/rules/` is a small workspace. Its findings are
//! snapshot-tested, and every fix is applied and re-checked: the finding must be gone and no
//! new finding may appear.

mod common;

use std::path::PathBuf;

use keywire::engine::config::Config;

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = common::repo_root().join("tests/rules");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

#[test]
fn rule_fixture_snapshots() {
    for (name, dir) in fixtures() {
        let files = common::read_dir(&dir);
        let findings = common::check(&files, &Config::default());
        insta::assert_snapshot!(name.clone(), common::render(&files, &findings));
    }
}

#[test]
fn every_fix_repairs_its_finding_and_adds_nothing() {
    let mut applied = 0;
    for (name, dir) in fixtures() {
        let files = common::read_dir(&dir);
        let config = Config::default();
        let before = common::check(&files, &config);
        let before_keys = common::keys(&before);
        for finding in &before {
            for fix in &finding.fixes {
                let fixed = common::apply_fix(&files, fix);
                let after = common::check(&fixed, &config);
                let after_keys = common::keys(&after);
                let key = &common::keys(std::slice::from_ref(finding))[0];
                let count = |ks: &[(String, String, String)]| ks.iter().filter(|k| *k == key).count();
                assert!(
                    count(&after_keys) < count(&before_keys),
                    "{name}: fix `{}` did not remove {key:?}\n{}",
                    fix.title,
                    common::render(&fixed, &after)
                );
                for k in &after_keys {
                    assert!(
                        before_keys.contains(k),
                        "{name}: fix `{}` introduced {k:?}\n{}",
                        fix.title,
                        common::render(&fixed, &after)
                    );
                }
                applied += 1;
            }
        }
    }
    assert!(applied > 10, "only {applied} fixes were exercised");
}
