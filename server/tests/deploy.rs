//! Compose files and Dockerfiles: the fixes' exact bytes, the cases the rule fixtures do not
//! show, the walk of a real tree, and hostile files that must never panic or hang.

use std::time::{Duration, Instant};

use keywire::engine::config::Config;
use keywire::engine::Fix;
use testkit::fixture::{self, Files};
use testkit::prelude::*;

fn files(list: &[(&str, &str)]) -> Files {
    list.iter()
        .map(|(p, t)| (std::path::PathBuf::from(p), t.to_string()))
        .collect()
}

const MAIN_PY: &str = "import os\n\nkey = os.environ[\"OPENAI_API_KEY\"]\n";
const DOCKERFILE: &str = "FROM python:3.12-slim\nCOPY . .\nCMD [\"python\", \"main.py\"]\n";

fn kw501_fixes(compose: &str, dotenv: Option<&str>) -> (Files, Vec<Fix>) {
    let mut list = vec![
        ("keywire.toml", ""),
        ("compose.yaml", compose),
        ("app/main.py", MAIN_PY),
        ("app/Dockerfile", DOCKERFILE),
    ];
    if let Some(d) = dotenv {
        list.push((".env", d));
    }
    let fs = files(&list);
    let findings = fixture::check(&fs, &Config::default());
    let fixes = findings
        .iter()
        .filter(|f| f.rule.code() == "KW501")
        .flat_map(|f| f.fixes.clone())
        .collect();
    (fs, fixes)
}

/// The one fix of the one KW501 finding, applied: the compose file's new text.
fn fixed(compose: &str, dotenv: Option<&str>) -> String {
    let (fs, fixes) = kw501_fixes(compose, dotenv);
    assert_eq!(fixes.len(), 1, "{compose}");
    let after = fixture::apply_fix(&fs, &fixes[0]);
    let after_findings = fixture::check(&after, &Config::default());
    assert!(
        !after_findings.iter().any(|f| f.rule.code() == "KW501"),
        "{}",
        fixture::render(&after, &after_findings)
    );
    after[std::path::Path::new("compose.yaml")].clone()
}

#[test]
fn environment_fix_keeps_every_other_byte() {
    let dotenv = Some("OPENAI_API_KEY=sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1\n");
    // A map: a line in the entries' indentation, the rest untouched.
    assert_eq!(
        fixed(
            "services:\n    app:\n        build: ./app\n        environment:\n            MODE: prod # comment\n\n    db:\n        image: postgres\n",
            dotenv
        ),
        "services:\n    app:\n        build: ./app\n        environment:\n            MODE: prod # comment\n            OPENAI_API_KEY: ${OPENAI_API_KEY}\n\n    db:\n        image: postgres\n"
    );
    // A list: an item.
    assert_eq!(
        fixed(
            "services:\n  app:\n    build: ./app\n    environment:\n    - MODE=prod\n",
            dotenv
        ),
        "services:\n  app:\n    build: ./app\n    environment:\n    - MODE=prod\n    - OPENAI_API_KEY=${OPENAI_API_KEY}\n"
    );
    // No block: created after the service's last key, CRLF kept.
    assert_eq!(
        fixed(
            "services:\r\n  app:\r\n    build: ./app\r\n    ports:\r\n      - \"80:80\"\r\n  db:\r\n    image: x\r\n",
            dotenv
        ),
        "services:\r\n  app:\r\n    build: ./app\r\n    ports:\r\n      - \"80:80\"\r\n    environment:\r\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\r\n  db:\r\n    image: x\r\n"
    );
    // Not in the local .env: Compose is told to stop rather than pass "".
    assert_eq!(
        fixed("services:\n  app:\n    build: ./app\n", None),
        "services:\n  app:\n    build: ./app\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY:?OPENAI_API_KEY is not set}\n"
    );
}

#[test]
fn env_file_fix_adds_the_local_dotenv_to_the_list() {
    let compose = "services:\n  app:\n    build: ./app\n    env_file:\n      - other.env # kept\n";
    let mut list = vec![
        ("compose.yaml", compose),
        ("app/main.py", MAIN_PY),
        ("app/Dockerfile", DOCKERFILE),
        (
            ".env",
            "OPENAI_API_KEY=sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1\n",
        ),
    ];
    // `other.env` is no file name keywire reads: the service may get anything from it.
    assert!(kw501_fixes(compose, Some(list[3].1)).1.is_empty());
    let compose = compose.replace("other.env", ".env.other");
    list[0].1 = &compose;
    list.push((".env.other", "MODE=1\n"));
    let fs = files(&list);
    let findings = fixture::check(&fs, &Config::default());
    let fix = findings
        .iter()
        .filter(|f| f.rule.code() == "KW501")
        .flat_map(|f| f.fixes.iter())
        .find(|f| f.title.contains("env_file"))
        .expect("an env_file fix");
    let after = fixture::apply_fix(&fs, fix);
    assert_eq!(
        after[std::path::Path::new("compose.yaml")],
        "services:\n  app:\n    build: ./app\n    env_file:\n      - .env.other # kept\n      - .env\n"
    );
    let again = fixture::check(&after, &Config::default());
    assert!(!again.iter().any(|f| f.rule.code() == "KW501"));
}

/// `compose.yaml` and `compose.override.yaml` in one folder make one project: an override that
/// gives the service its variable is enough.
#[test]
fn an_override_file_in_the_same_folder_counts() {
    let base = "services:\n  app:\n    build: ./app\n";
    let override_env = "services:\n  app:\n    environment:\n      - OPENAI_API_KEY\n";
    let count = |list: &[(&str, &str)]| {
        fixture::check(&files(list), &Config::default())
            .iter()
            .filter(|f| f.rule.code() == "KW501")
            .count()
    };
    let mut list = vec![
        ("compose.yaml", base),
        ("app/main.py", MAIN_PY),
        ("app/Dockerfile", DOCKERFILE),
    ];
    assert_eq!(count(&list), 1);
    list.push(("compose.override.yaml", override_env));
    let fs = files(&list);
    let f = fixture::check(&fs, &Config::default());
    assert_eq!(count(&list), 0, "{}", fixture::render(&fs, &f));
    list.pop();
    list.push(("other/compose.override.yaml", override_env));
    assert_eq!(count(&list), 1);
}

#[test]
fn flow_environment_gets_no_edit_but_is_reported() {
    let (_, fixes) = kw501_fixes(
        "services:\n  app:\n    build: ./app\n    environment: {MODE: prod}\n",
        None,
    );
    assert!(fixes.is_empty());
    let fs = files(&[
        (
            "compose.yaml",
            "services:\n  app:\n    build: ./app\n    environment: {MODE: prod}\n",
        ),
        ("app/main.py", MAIN_PY),
        ("app/Dockerfile", DOCKERFILE),
    ]);
    let findings = fixture::check(&fs, &Config::default());
    assert!(findings.iter().any(|f| f.rule.code() == "KW501"));
}

#[test]
fn a_dotenv_the_image_carries_and_the_code_loads_gives_the_variable() {
    let loads = "import os\nfrom dotenv import load_dotenv\n\nload_dotenv()\nkey = os.environ[\"OPENAI_API_KEY\"]\n";
    let case = |dockerignore: Option<&str>| {
        let mut list = vec![
            ("compose.yaml", "services:\n  app:\n    build: ./app\n"),
            ("app/main.py", loads),
            ("app/Dockerfile", DOCKERFILE),
            ("app/.env", "OPENAI_API_KEY=\n"),
        ];
        if let Some(d) = dockerignore {
            list.push(("app/.dockerignore", d));
        }
        let fs = files(&list);
        fixture::check(&fs, &Config::default())
            .iter()
            .filter(|f| f.rule.code() == "KW501")
            .count()
    };
    assert_eq!(case(None), 0);
    assert_eq!(case(Some("*.pyc\n")), 0);
    assert_eq!(case(Some(".env\n")), 1);
}

#[test]
fn no_claim_without_the_dockerfile_or_with_an_unreadable_env_file() {
    let check = |list: &[(&str, &str)]| {
        fixture::check(&files(list), &Config::default())
            .iter()
            .filter(|f| f.rule.code() == "KW501")
            .count()
    };
    let compose = "services:\n  app:\n    build: ./app\n";
    assert_eq!(
        check(&[("compose.yaml", compose), ("app/main.py", MAIN_PY)]),
        0
    );
    assert_eq!(
        check(&[
            (
                "compose.yaml",
                "services:\n  app:\n    build: ./app\n    env_file: prod.env\n"
            ),
            ("app/main.py", MAIN_PY),
            ("app/Dockerfile", DOCKERFILE),
        ]),
        0
    );
    // The test can fail: the same project without the env_file is reported.
    assert_eq!(
        check(&[
            ("compose.yaml", compose),
            ("app/main.py", MAIN_PY),
            ("app/Dockerfile", DOCKERFILE),
        ]),
        1
    );
}

/// `keywire check` finds compose files and Dockerfiles in the tree and reports on them.
#[test]
fn the_cli_walks_compose_files_and_dockerfiles() {
    let (_dir, root) = tempdir();
    let root = root.as_path();
    write(&root.join("keywire.toml"), "");
    write(
        &root.join("deploy/docker-compose.override.yml"),
        "services:\n  app:\n    build: ../app\n",
    );
    write(&root.join("app/main.py"), MAIN_PY);
    write(&root.join("app/Dockerfile"), DOCKERFILE);
    write(
        &root.join("app/.env"),
        "OPENAI_API_KEY=sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1\n",
    );
    let out = keywire(root, &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_no_panic(&stderr, "check");
    assert!(
        stdout.contains("deploy/docker-compose.override.yml:2:3: KW501"),
        "{stdout}{stderr}"
    );
    assert!(stdout.contains("KW501"), "{stdout}");
    assert!(stdout.contains("app/Dockerfile:2:1: KW503"), "{stdout}");
}

/// From a real tree: KW503 reads the build context compose gives and the Dockerfile's own
/// ignore file; KW502 reads how a Makefile runs Compose (`--env-file`, the shell's variables).
#[test]
fn the_cli_reads_build_contexts_ignore_files_and_compose_runs() {
    let run = |own_ignore: bool, makefile: &str| {
        let (_dir, root) = tempdir();
        let root = root.as_path();
        write(&root.join("keywire.toml"), "");
        write(
            &root.join("compose.yaml"),
            "services:\n  app:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n      TAG: ${TAG}\n",
        );
        write(&root.join("docker/Dockerfile"), DOCKERFILE);
        write(
            &root.join(".env"),
            "OPENAI_API_KEY=sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1\n",
        );
        write(&root.join(".env.prod"), "TAG=1\n");
        write(&root.join("main.py"), MAIN_PY);
        if own_ignore {
            write(&root.join("docker/Dockerfile.dockerignore"), ".env\n");
        }
        write(&root.join("Makefile"), makefile);
        let out = keywire(root, &["check"]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_no_panic(&String::from_utf8_lossy(&out.stderr), "check");
        stdout
    };
    let plain = run(false, "up:\n\tdocker compose up\n");
    // The context is the root: `COPY . .` in docker/Dockerfile takes the root's .env.
    assert!(plain.contains("docker/Dockerfile:2:1: KW503"), "{plain}");
    assert!(plain.contains("compose.yaml:8:12: KW502"), "{plain}");
    assert!(!plain.contains("compose.yaml:7:23: KW502"), "{plain}");
    let own = run(true, "up:\n\tTAG=dev docker compose up\n");
    assert!(!own.contains("KW503"), "{own}");
    assert!(!own.contains("KW502"), "{own}");
    // With --env-file, Compose reads .env.prod instead of .env: OPENAI_API_KEY is unset.
    let prod = run(true, "up:\n\tdocker compose --env-file .env.prod up\n");
    assert!(prod.contains("compose.yaml:7:23: KW502"), "{prod}");
    assert!(prod.contains(".env.prod"), "{prod}");
    assert!(!prod.contains("compose.yaml:8:12: KW502"), "{prod}");
}

/// Billion laughs, 10 MB of YAML, deep nesting, invalid UTF-8 and a half-typed compose file:
/// every one gets an answer in time and no panic.
#[test]
fn hostile_compose_files_never_panic_or_hang() {
    let mut laughs = String::from("services:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, name) in "bcdefghij".chars().enumerate() {
        let prev = (b'a' + i as u8) as char;
        laughs.push_str(&format!(
            "  {name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let mut big = String::from("services:\n  app:\n    build: .\n    environment:\n");
    while big.len() < 10 * 1024 * 1024 {
        big.push_str(&format!("      - VAR_{}=${{X_{}}}\n", big.len(), big.len()));
    }
    let deep = format!("services: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let mut block = String::from("services:\n");
    for i in 1..300 {
        block.push_str(&" ".repeat(i * 2));
        block.push_str("k:\n");
    }
    let half = "services:\n  app:\n    build: .\n    environment:\n      - OPENAI_API_KEY=${OPENAI";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("laughs", laughs.into_bytes()),
        ("big", big.into_bytes()),
        ("deep", deep.into_bytes()),
        ("block", block.into_bytes()),
        ("half", half.as_bytes().to_vec()),
        (
            "invalid-utf8",
            b"services:\n  app:\n    environment:\n      A: \xff\xfe\n".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let (_dir, root) = tempdir();
        let root = root.as_path();
        write(&root.join("keywire.toml"), "");
        write(&root.join("Dockerfile"), DOCKERFILE);
        write(&root.join("main.py"), MAIN_PY);
        std::fs::write(root.join("compose.yaml"), &bytes).unwrap();
        // The engine directly, where the text is UTF-8.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let start = Instant::now();
            let _ = keywire::engine::compose::read(text);
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{name}: too slow"
            );
        }
        let out = keywire_env(root, &["check"], &[], Duration::from_secs(60));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_no_panic(&stderr, name);
        assert!(out.status.code().is_some(), "{name}: killed\n{stderr}");
    }
}
