//! Running the built `keywire` binary: its path ([`keywire_bin`]), one-shot runs with a time
//! limit, and panic checks on stderr.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use crate::TIMEOUT;

/// The `keywire` binary Cargo built for the running test or benchmark (`CARGO_BIN_EXE_keywire`
/// when set, else next to the `deps/` directory that holds the running executable).
pub fn keywire_bin() -> &'static str {
    static BIN: OnceLock<String> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Ok(bin) = std::env::var("CARGO_BIN_EXE_keywire") {
            return bin;
        }
        let exe = std::env::current_exe().expect("current executable");
        let mut dir = exe.parent().expect("executable directory");
        if dir.ends_with("deps") {
            dir = dir.parent().expect("target directory");
        }
        let bin: PathBuf = dir.join(format!("keywire{}", std::env::consts::EXE_SUFFIX));
        assert!(
            bin.is_file(),
            "the keywire binary is not built: {}",
            bin.display()
        );
        bin.to_string_lossy().into_owned()
    })
}

/// `keywire args…` in `dir` with extra environment variables; no colour from the environment.
/// Fails the test if it runs longer than `limit`.
pub fn keywire_env(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut cmd = Command::new(keywire_bin());
    cmd.args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("RUST_LOG")
        // Runs in the repository's fixtures write no cache there (`cli.rs` tests the cache).
        .env("KEYWIRE_NO_CACHE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("spawn keywire");
    wait_output(child, limit, &format!("keywire {}", args.join(" ")))
}

pub fn keywire(dir: &Path, args: &[&str]) -> Output {
    keywire_env(dir, args, &[], TIMEOUT)
}

/// Wait for a child with piped stdout/stderr, killing it (and failing) after `limit`.
pub fn wait_output(mut child: Child, limit: Duration, what: &str) -> Output {
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = t_err.join().unwrap();
            panic!(
                "{what} did not finish within {limit:?} (killed); stderr:\n{}",
                String::from_utf8_lossy(&stderr)
            );
        }
        thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

/// Panic if a process's stderr shows a Rust panic.
pub fn assert_no_panic(stderr: &str, what: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{what}: the process panicked:\n{stderr}"
    );
}

/// Runs git in `dir` with no user or system configuration (tests that need a repository:
/// the index, tracked and ignored files).
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("this test needs git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}
