//! No side effects: keywire never opens a network socket, never runs another program (no user
//! code, no `git`), and never writes a file except through `--fix` and into its own facts
//! cache (`.keywire_cache/` in the project root; none with `--no-cache`; the language server
//! writes nothing at all: edits go to the client).
//!
//! `keywire check` and a `keywire lsp` session (initialize, open, diagnostics, hover, code
//! actions, shutdown) run under `strace -f`, which records every `socket`, `connect`,
//! `execve` and file-writing call; the test fails on a socket that is not `AF_UNIX`, on a
//! second `execve`, and on any file opened for writing (or renamed, removed, created). The
//! fixture tree's contents and modification times are also compared before and after. A
//! self-check proves the probe sees a TCP socket. The same `check` also runs in a fresh network
//! namespace (`unshare -n`) and must give the same output as with a network.
//!
//! strace is required: the test installs it with apt-get when it is missing, and fails loudly
//! when it cannot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use keywire::project::CACHE_DIR;
use serde_json::json;
use testkit::prelude::*;

/// The syscalls watched.
const TRACE: &str = "trace=socket,connect,bind,sendto,sendmsg,execve,execveat,open,openat,creat,\
rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,truncate,link,linkat,symlink,\
symlinkat";

fn strace() -> PathBuf {
    let found = |p: &str| Path::new(p).exists().then(|| PathBuf::from(p));
    if let Some(p) = found("/usr/bin/strace").or_else(|| found("/bin/strace")) {
        return p;
    }
    eprintln!("strace is missing: installing it with apt-get");
    let _ = Command::new("apt-get").arg("update").status();
    let st = Command::new("apt-get")
        .args(["install", "-y", "strace"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    found("/usr/bin/strace").unwrap_or_else(|| {
        panic!(
            "strace is required for the no-side-effects test and could not be installed \
             (apt-get: {st:?}); install it and run again"
        )
    })
}

/// A syscall that is a side effect, as a readable line.
#[derive(Debug, Default)]
struct Trace {
    sockets: Vec<String>,
    execs: Vec<String>,
    writes: Vec<String>,
    lines: usize,
}

fn parse_trace(log: &str) -> Trace {
    let mut t = Trace::default();
    for line in log.lines() {
        t.lines += 1;
        // `1234  name(args) = result`; unfinished/resumed halves are matched by name too.
        let call = line
            .split_once(' ')
            .map_or(line, |(_, rest)| rest)
            .trim_start();
        let name = call.split('(').next().unwrap_or("");
        let name = name.trim_start_matches("<... ").trim();
        let failed = line.contains(" = -1 ");
        match name {
            "socket"
                if !call.starts_with("socket(AF_UNIX") && !call.starts_with("socket(AF_LOCAL") =>
            {
                t.sockets.push(line.to_string());
            }
            "connect" | "bind" | "sendto" | "sendmsg"
                if call.contains("sa_family=") && !call.contains("sa_family=AF_UNIX") =>
            {
                t.sockets.push(line.to_string());
            }
            "execve" | "execveat" if !failed => t.execs.push(line.to_string()),
            "open" | "openat" | "creat" => {
                let writes = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"]
                    .iter()
                    .any(|f| call.contains(f));
                let harmless = ["\"/dev/null\"", "\"/dev/tty\"", "\"/dev/urandom\""]
                    .iter()
                    .any(|p| call.contains(p));
                if (name == "creat" || writes) && !harmless {
                    t.writes.push(line.to_string());
                }
            }
            "rename" | "renameat" | "renameat2" | "unlink" | "unlinkat" | "mkdir" | "mkdirat"
            | "rmdir" | "truncate" | "link" | "linkat" | "symlink" | "symlinkat" => {
                t.writes.push(line.to_string());
            }
            _ => {}
        }
    }
    t
}

/// Every file under `root`: contents and modification time.
fn tree_state(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
            }
            let contents = if meta.is_file() {
                std::fs::read(&path).unwrap()
            } else {
                Vec::new()
            };
            out.insert(path, (contents, meta.modified().unwrap()));
        }
    }
    out
}

/// A project with findings of every kind and fixable ones: the example workspace plus the
/// secrets fixture, in a git repository (so gitignore lookups happen).
fn project() -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = tempdir();
    copy_tree(&repo_root().join("tests/workspaces/example-agent"), &root);
    copy_tree(&repo_root().join("tests/secrets"), &root.join("secrets"));
    std::fs::create_dir(root.join(".git")).unwrap();
    (tmp, root)
}

fn run_traced(dir: &Path, log: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(strace());
    cmd.args(["-f", "-qq", "-s", "256", "-e", TRACE, "-o"])
        .arg(log)
        .arg(keywire_bin())
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    wait_output(
        cmd.spawn().unwrap(),
        TIMEOUT,
        &format!("strace keywire {args:?}"),
    )
}

#[test]
fn the_probe_sees_a_network_socket_and_a_write() {
    let (_tmp, dir) = tempdir();
    let log = dir.join("probe.log");
    let st = Command::new(strace())
        .args(["-f", "-qq", "-e", TRACE, "-o"])
        .arg(&log)
        .args(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9; true"])
        .output()
        .unwrap();
    let _ = st;
    let st = Command::new(strace())
        .args(["-f", "-qq", "-e", TRACE, "-o"])
        .arg(dir.join("probe2.log"))
        .args(["bash", "-c", "echo x > written.txt"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(st.status.success());
    let t = parse_trace(&std::fs::read_to_string(&log).unwrap());
    assert!(
        t.sockets.iter().any(|l| l.contains("AF_INET")),
        "the probe missed a TCP socket: {t:#?}"
    );
    let t2 = parse_trace(&std::fs::read_to_string(dir.join("probe2.log")).unwrap());
    assert!(
        t2.writes.iter().any(|l| l.contains("written.txt")),
        "the probe missed a write: {t2:#?}"
    );
    assert!(!t2.execs.is_empty());
}

#[test]
fn check_opens_no_socket_runs_nothing_and_writes_nothing() {
    let (_tmp, root) = project();
    let (_logs, logs) = tempdir();
    let before = tree_state(&root);
    for (i, args) in [
        vec!["check", "--no-cache"],
        vec!["check", "--no-cache", "--format", "json", "--select", "ALL"],
        vec!["check", "--no-cache", "main.py", "secrets/.env"],
    ]
    .iter()
    .enumerate()
    {
        let log = logs.join(format!("check{i}.log"));
        let out = run_traced(&root, &log, args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!out.stdout.is_empty());
        let t = parse_trace(&std::fs::read_to_string(&log).unwrap());
        assert!(
            t.lines > 10,
            "strace recorded nothing: is it working? {t:?}"
        );
        assert!(
            t.sockets.is_empty(),
            "{args:?} opened a network socket: {:#?}",
            t.sockets
        );
        assert_eq!(
            t.execs.len(),
            1,
            "{args:?} ran another program: {:#?}",
            t.execs
        );
        assert!(
            t.writes.is_empty(),
            "{args:?} wrote to the file system: {:#?}",
            t.writes
        );
    }
    assert!(
        before == tree_state(&root),
        "check without --fix changed the tree"
    );

    // With the cache (twice: filling it, then reading it): writes only inside the cache folder.
    let cache = root.join(CACHE_DIR);
    let cache_s = cache.to_string_lossy().into_owned();
    for i in 0..2 {
        let log = logs.join(format!("cached{i}.log"));
        let out = run_traced(&root, &log, &["check"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let t = parse_trace(&std::fs::read_to_string(&log).unwrap());
        assert!(t.sockets.is_empty() && t.execs.len() == 1, "{t:#?}");
        for w in &t.writes {
            let quoted: Vec<&str> = w.split('"').skip(1).step_by(2).collect();
            assert!(
                quoted.iter().all(|p| p.starts_with(&cache_s)
                    || p.starts_with(&format!("{CACHE_DIR}/"))
                    || *p == CACHE_DIR),
                "check wrote outside its cache folder: {w}"
            );
        }
        assert_eq!(t.writes.is_empty(), i == 1, "{:#?}", t.writes);
    }
    let mut after = tree_state(&root);
    after.retain(|p, _| !p.starts_with(&cache));
    assert!(before == after, "check with its cache changed the tree");
}

#[test]
fn check_fix_writes_only_inside_the_project() {
    let (_tmp, root) = project();
    let (_logs, logs) = tempdir();
    let before = tree_state(&root);
    let log = logs.join("fix.log");
    let out = run_traced(&root, &log, &["check", "--fix"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    let t = parse_trace(&std::fs::read_to_string(&log).unwrap());
    assert!(
        t.sockets.is_empty(),
        "--fix opened a network socket: {:#?}",
        t.sockets
    );
    assert_eq!(
        t.execs.len(),
        1,
        "--fix ran another program: {:#?}",
        t.execs
    );
    let root_s = root.to_string_lossy().into_owned();
    for w in &t.writes {
        // Relative paths are relative to the project (the working directory).
        let quoted: Vec<&str> = w.split('"').skip(1).step_by(2).collect();
        assert!(
            quoted
                .iter()
                .all(|p| p.starts_with(&root_s) || !p.starts_with('/')),
            "--fix wrote outside the project: {w}"
        );
    }
    let after = tree_state(&root);
    assert!(
        before != after,
        "--fix changed nothing: the fixture has safe fixes"
    );
    assert!(
        !t.writes.is_empty(),
        "writes happened but strace saw none: {t:?}"
    );
}

#[test]
fn language_server_opens_no_socket_runs_nothing_and_writes_nothing() {
    let (_tmp, root) = project();
    let (_logs, logs) = tempdir();
    let before = tree_state(&root);
    let log = logs.join("lsp.log");
    let mut cmd = Command::new(strace());
    cmd.args(["-f", "-qq", "-s", "256", "-e", TRACE, "-o"])
        .arg(&log)
        .args([keywire_bin(), "lsp"])
        .current_dir(&root)
        .env("RUST_LOG", "keywire=debug");
    let mut lsp = Lsp::from_command(cmd);
    lsp.initialize(Some(&root), json!({}));
    let main = root.join("agents/config.py");
    let uri = file_uri(&main);
    let text = std::fs::read_to_string(&main).unwrap();
    lsp.open(&uri, "python", 1, &text);
    let diags = lsp
        .wait_diagnostics(&uri, |d| !d.is_empty())
        .expect("diagnostics under strace");
    let secrets = root.join("secrets/pkg/agents.py");
    let secrets_uri = file_uri(&secrets);
    lsp.open(
        &secrets_uri,
        "python",
        1,
        &std::fs::read_to_string(&secrets).unwrap(),
    );
    let sd = lsp
        .wait_diagnostics(&secrets_uri, |d| !d.is_empty())
        .expect("diagnostics for the secrets module");
    for (u, params) in [(&uri, &diags), (&secrets_uri, &sd)] {
        for d in params["diagnostics"].as_array().unwrap() {
            let actions = lsp.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": u}, "range": d["range"], "context": {"diagnostics": [d]}}),
            );
            assert!(actions.is_array() || actions.is_null());
        }
    }
    lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 20}}),
    );
    // A change, a save-like watched-file event, a close: the server re-reads, never writes.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": format!("{text}\nx = 1\n")}]}),
    );
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join(".env")), "type": 2}]}),
    );
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    lsp.drain(Duration::from_millis(300));
    let done = lsp.finish();
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    let t = parse_trace(&std::fs::read_to_string(&log).unwrap());
    assert!(t.lines > 10, "strace recorded nothing: {t:?}");
    assert!(
        t.sockets.is_empty(),
        "the server opened a network socket: {:#?}",
        t.sockets
    );
    assert_eq!(
        t.execs.len(),
        1,
        "the server ran another program: {:#?}",
        t.execs
    );
    assert!(
        t.writes.is_empty(),
        "the server wrote to the file system: {:#?}",
        t.writes
    );
    assert!(before == tree_state(&root), "the server changed the tree");
}

/// With no network at all, `check` says exactly what it says with one. Needs `unshare -n`
/// (root, or user namespaces); when the kernel refuses, the strace tests above still hold and
/// this says so on stderr.
#[test]
fn check_without_a_network_gives_the_same_answer() {
    let (_tmp, root) = project();
    let plain = keywire(&root, &["check", "--format", "json"]);
    let unshare = Command::new("unshare")
        .args(["-n", "--", keywire_bin(), "check", "--format", "json"])
        .current_dir(&root)
        .env_remove("RUST_LOG")
        .output();
    match unshare {
        Ok(out)
            if !text(&out.stderr).contains("unshare failed") && out.status.code() != Some(127) =>
        {
            assert_eq!(
                out.status.code(),
                plain.status.code(),
                "{}",
                text(&out.stderr)
            );
            assert_eq!(text(&out.stdout), text(&plain.stdout));
        }
        other => {
            assert!(
                Path::new("/usr/bin/strace").exists(),
                "neither unshare -n ({other:?}) nor strace is available"
            );
            eprintln!(
                "unshare -n is not permitted here ({other:?}); the strace tests cover sockets"
            );
        }
    }
}
