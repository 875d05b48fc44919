//! `check`: whole-process timings of `keywire check` against `ruff check --select
//! S105,S106,S107 --no-cache` and `rg -l` with keywire's trigger words, on generated corpora and
//! a real tree (CPython's standard library), as a Markdown table.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use super::{corpus_dir, flag, verify, work_dir};

/// keywire's trigger words (see `engine/python/prefilter.rs`), for the `rg -l` floor.
const TRIGGERS: &str =
    "config_list|llm_config|api_key|model_client|autogen|ag2|dotenv|keywire:|environ|getenv";

#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub wall: f64,
    pub cpu: f64,
    pub rss_mb: f64,
}

/// Run a command under `/usr/bin/time`: wall seconds (measured here), CPU seconds (user +
/// system, in GNU time's 10 ms steps) and peak RSS.
pub fn measure(program: &str, args: &[&str], dir: Option<&Path>) -> Option<Sample> {
    let out = std::env::temp_dir().join(format!("keywire-bench-time-{}", std::process::id()));
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&out)
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    // Wall time from here (GNU time prints it in 10 ms steps; this adds only its exec).
    let start = std::time::Instant::now();
    cmd.status().ok()?;
    let wall = start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&out).ok()?;
    // `Command exited with non-zero status N` may come first.
    let line = text.lines().last()?;
    let v: Vec<f64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    (v.len() == 4).then(|| Sample {
        wall,
        cpu: v[1] + v[2],
        rss_mb: v[3] / 1024.0,
    })
}

pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let n = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or("?".into(), |kb| format!("{:.1} GB", kb / 1048576.0));
    format!("{n} CPUs ({cpu}), {mem} RAM")
}

fn which(program: &str) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .map(|p| p.to_string_lossy().into_owned())
}

/// The program a launcher script on PATH runs. A pyenv shim is a bash script that starts
/// `pyenv exec`, which adds about 100 ms to every run of the tool it stands for: timing it
/// would flatter keywire. Python's `ruff` package names its own binary.
fn real_binary(found: String) -> String {
    let script = std::fs::read(&found).is_ok_and(|b| b.starts_with(b"#!"));
    if !script {
        return found;
    }
    let name = Path::new(&found).file_name().and_then(|n| n.to_str());
    let resolved = match name {
        Some("ruff") => Command::new("python3")
            .args([
                "-c",
                "from ruff.__main__ import find_ruff_bin; print(find_ruff_bin())",
            ])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|p| !p.is_empty()),
        _ => None,
    };
    match resolved {
        Some(real) => {
            eprintln!("{found} is a launcher script; timing {real}");
            real
        }
        None => {
            eprintln!("warning: {found} is a launcher script; its start-up is timed too");
            found
        }
    }
}

/// CPython's standard library, copied (Python files only, no site-packages or caches) so that
/// every tool sees the same files.
fn stdlib_copy(work: &Path, given: Option<String>) -> Option<PathBuf> {
    let src = match given {
        Some(s) => PathBuf::from(s),
        None => {
            let out = Command::new("python3")
                .args([
                    "-c",
                    "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
                ])
                .output()
                .ok()?;
            PathBuf::from(String::from_utf8(out.stdout).ok()?.trim())
        }
    };
    if !src.is_dir() {
        return None;
    }
    let dst = work.join("stdlib");
    let marker = dst.join(".copied");
    let stamp = format!("{}\n", src.display());
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(stamp.as_str()) {
        let _ = std::fs::remove_dir_all(&dst);
        for file in verify::python_files(&src) {
            let rel = file.strip_prefix(&src).ok()?;
            let to = dst.join(rel);
            std::fs::create_dir_all(to.parent()?).ok()?;
            std::fs::copy(&file, &to).ok()?;
        }
        std::fs::write(&marker, stamp).ok()?;
    }
    Some(dst)
}

struct Row {
    name: String,
    files: usize,
    mb: f64,
    kw: Vec<Sample>,
    ruff: Vec<Sample>,
    rg: Vec<Sample>,
    load: String,
}

fn med(s: &[Sample], f: impl Fn(&Sample) -> f64) -> f64 {
    median(s.iter().map(f).collect())
}

pub fn run(args: &[String]) -> ExitCode {
    let work = work_dir(args);
    let runs: usize = flag(args, "--runs")
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let sizes: Vec<usize> = flag(args, "--sizes")
        .unwrap_or_else(|| "1000,5000,20000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let keywire = flag(args, "--keywire").unwrap_or_else(|| env!("CARGO_BIN_EXE_keywire").into());
    let ruff = which("ruff").map(real_binary);
    let rg = which("rg").map(real_binary);
    if !Path::new("/usr/bin/time").exists() {
        eprintln!("/usr/bin/time is needed (apt-get install -y time)");
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("{}: {e}", work.display());
        return ExitCode::FAILURE;
    }
    let mut corpora: Vec<(String, PathBuf)> = Vec::new();
    for &n in &sizes {
        match corpus_dir(&work, n) {
            Ok(dir) => corpora.push((format!("generated {n}"), dir)),
            Err(e) => {
                eprintln!("generating {n} files: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if flag(args, "--stdlib").as_deref() != Some("none") {
        match stdlib_copy(&work, flag(args, "--stdlib")) {
            Some(dir) => corpora.push(("CPython 3 stdlib".into(), dir)),
            None => eprintln!("no standard library found (pass --stdlib DIR)"),
        }
    }

    // Notebooks (e.g. the `notebook/` folder of AutoGen's 0.2 branch): both tools read `.ipynb`.
    if let Some(dir) = flag(args, "--notebooks") {
        corpora.push((format!("notebooks {dir}"), PathBuf::from(dir)));
    }
    // Real AutoGen and AG2 trees (`tests/bench/real.py` writes the list): whole checkouts.
    let real = flag(args, "--real")
        .map(|f| real_trees(Path::new(&f)))
        .unwrap_or_default();

    println!("machine: {}", machine());
    println!("load average before: {}", loadavg());
    println!(
        "keywire: {keywire}\nruff: {}\nrg: {}\nruns per tool and corpus: {runs} (interleaved, after one warm-up each)\n",
        ruff.as_deref().unwrap_or("missing"),
        rg.as_deref().unwrap_or("missing")
    );
    let mut rows = Vec::new();
    for (name, dir) in &corpora {
        let files = if name.starts_with("notebooks") {
            verify::files_with(dir, &["ipynb"])
        } else {
            verify::python_files(dir)
        };
        let bytes: u64 = files
            .iter()
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum();
        let d = dir.to_string_lossy().into_owned();
        let kw_args = ["check", "--no-cache", d.as_str()];
        let ruff_args = ruff_args(&d);
        let rg_type = if name.starts_with("notebooks") {
            "jupyter"
        } else {
            "py"
        };
        let rg_args = ["-l", "-t", rg_type, "-e", TRIGGERS, d.as_str()];
        // Warm the page cache.
        measure(&keywire, &kw_args, None);
        if let Some(r) = &ruff {
            measure(r, &ruff_args, None);
        }
        if let Some(r) = &rg {
            measure(r, &rg_args, None);
        }
        let mut row = Row {
            name: name.clone(),
            files: files.len(),
            mb: bytes as f64 / 1e6,
            kw: Vec::new(),
            ruff: Vec::new(),
            rg: Vec::new(),
            load: String::new(),
        };
        for _ in 0..runs {
            row.kw.extend(measure(&keywire, &kw_args, None));
            if let Some(r) = &ruff {
                row.ruff.extend(measure(r, &ruff_args, None));
            }
            if let Some(r) = &rg {
                row.rg.extend(measure(r, &rg_args, None));
            }
        }
        row.load = loadavg();
        eprintln!(
            "{name}: keywire {:.3} s, ruff {:.3} s, rg {:.3} s (load {})",
            med(&row.kw, |s| s.wall),
            med(&row.ruff, |s| s.wall),
            med(&row.rg, |s| s.wall),
            row.load
        );
        rows.push(row);
    }

    println!("| corpus | files | MB | keywire wall | keywire CPU | keywire RSS | files/s | MB/s | ruff wall | ruff CPU | ruff RSS | rg -l wall | rg CPU | keywire/ruff wall (CPU) | keywire/rg wall (CPU) | load after |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in &rows {
        let kw = med(&r.kw, |s| s.wall);
        let ruff = med(&r.ruff, |s| s.wall);
        let rg = med(&r.rg, |s| s.wall);
        println!(
            "| {} | {} | {:.1} | {:.3} s | {:.2} s | {:.0} MB | {:.0} | {:.0} | {:.3} s | {:.2} s | {:.0} MB | {:.3} s | {:.2} s | {:.2}× ({:.2}×) | {:.2}× ({:.2}×) | {} |",
            r.name,
            r.files,
            r.mb,
            kw,
            med(&r.kw, |s| s.cpu),
            med(&r.kw, |s| s.rss_mb),
            r.files as f64 / kw,
            r.mb / kw,
            ruff,
            med(&r.ruff, |s| s.cpu),
            med(&r.ruff, |s| s.rss_mb),
            rg,
            med(&r.rg, |s| s.cpu),
            kw / ruff,
            med(&r.kw, |s| s.cpu) / med(&r.ruff, |s| s.cpu),
            kw / rg,
            med(&r.kw, |s| s.cpu) / med(&r.rg, |s| s.cpu),
            r.load
        );
    }
    let generated: Vec<&Row> = rows
        .iter()
        .filter(|r| r.name.starts_with("generated"))
        .collect();
    if let (Some(first), Some(last)) = (generated.first(), generated.last()) {
        if first.files < last.files {
            let x = last.files as f64 / first.files as f64;
            println!(
                "\ngrowth {} → {} files ({x:.0}× the files): keywire wall {:.1}×, CPU {:.1}×, RSS {:.1}×; ruff wall {:.1}×; rg wall {:.1}×",
                first.files,
                last.files,
                med(&last.kw, |s| s.wall) / med(&first.kw, |s| s.wall),
                med(&last.kw, |s| s.cpu) / med(&first.kw, |s| s.cpu),
                med(&last.kw, |s| s.rss_mb) / med(&first.kw, |s| s.rss_mb),
                med(&last.ruff, |s| s.wall) / med(&first.ruff, |s| s.wall),
                med(&last.rg, |s| s.wall) / med(&first.rg, |s| s.wall),
            );
        }
    }
    if !real.is_empty() {
        real_table(&keywire, ruff.as_deref(), rg.as_deref(), &real, runs);
    }
    println!("load average after: {}", loadavg());
    ExitCode::SUCCESS
}

fn ruff_args(dir: &str) -> [&str; 7] {
    [
        "check",
        "--isolated",
        "--select",
        "S105,S106,S107",
        "--no-cache",
        "--quiet",
        dir,
    ]
}

/// `label<TAB>path` lines.
fn real_trees(list: &Path) -> Vec<(String, PathBuf)> {
    let text = std::fs::read_to_string(list).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(label, path)| (label.to_string(), PathBuf::from(path)))
        .collect()
}

/// The real trees, as a user runs the tools in them: keywire cold (`--no-cache`) against ruff
/// (`--isolated --no-cache`), and keywire warm (a second run with its cache) against `rg -l`.
fn real_table(
    keywire: &str,
    ruff: Option<&str>,
    rg: Option<&str>,
    trees: &[(String, PathBuf)],
    runs: usize,
) {
    println!("\n| tree | .py files | MB of .py | keywire cold | keywire CPU | ruff | ruff CPU | keywire / ruff | keywire warm | rg -l | warm / rg | load after |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (label, dir) in trees {
        let files = verify::python_files(dir);
        let mb = files
            .iter()
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum::<u64>() as f64
            / 1e6;
        let d = dir.to_string_lossy().into_owned();
        let cold = ["check", "--no-cache", d.as_str()];
        let warm = ["check", d.as_str()];
        let rg_args = ["-l", "-t", "py", "-e", TRIGGERS, d.as_str()];
        let ruff_args = ruff_args(&d);
        // Warm-up: page cache, and keywire's cache of this build.
        measure(keywire, &cold, Some(dir));
        measure(keywire, &warm, Some(dir));
        ruff.map(|r| measure(r, &ruff_args, Some(dir)));
        rg.map(|r| measure(r, &rg_args, Some(dir)));
        let (mut kc, mut kw, mut rf, mut rgs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            kc.extend(measure(keywire, &cold, Some(dir)));
            kw.extend(measure(keywire, &warm, Some(dir)));
            if let Some(r) = ruff {
                rf.extend(measure(r, &ruff_args, Some(dir)));
            }
            if let Some(r) = rg {
                rgs.extend(measure(r, &rg_args, Some(dir)));
            }
        }
        let wall = |v: &[Sample]| med(v, |s| s.wall);
        let cpu = |v: &[Sample]| med(v, |s| s.cpu);
        eprintln!(
            "{label}: keywire cold {:.3} s, ruff {:.3} s, keywire warm {:.3} s, rg {:.3} s",
            wall(&kc),
            wall(&rf),
            wall(&kw),
            wall(&rgs)
        );
        println!(
            "| {label} | {} | {mb:.1} | {:.3} s | {:.2} s | {:.3} s | {:.2} s | {:.2}× | {:.3} s | {:.3} s | {:.2}× | {} |",
            files.len(),
            wall(&kc),
            cpu(&kc),
            wall(&rf),
            cpu(&rf),
            wall(&kc) / wall(&rf),
            wall(&kw),
            wall(&rgs),
            wall(&kw) / wall(&rgs),
            loadavg()
        );
    }
}
