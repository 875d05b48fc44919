#!/usr/bin/env python3
"""Run keywire on the real-code precision corpus and score it against the labels.

The corpus is a list of public repositories that use AutoGen or AG2 (tests/corpus/repos.csv),
pinned to a commit each. No code from them is kept in this repository: the script obtains a
copy of every repository (from local bare mirrors named by $KEYWIRE_CORPUS_MIRRORS, else with
`git clone`), runs `keywire check --format json` on the listed project folders and scores the
findings against tests/corpus/labels.csv. See tests/corpus/README.md.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REPOS_CSV = HERE / "repos.csv"
LABELS_CSV = HERE / "labels.csv"
MISSED_MD = HERE / "missed.md"
BASELINE_MD = HERE / "baseline.md"
DOCS_MD = ROOT / "docs" / "precision.md"
MIRRORS_ENV = "KEYWIRE_CORPUS_MIRRORS"
VERDICTS = ("TP", "defensible", "FP")
KEYWIRE_TIMEOUT = 900  # seconds for one keywire run


# --------------------------------------------------------------------------------------------
# Data


@dataclasses.dataclass
class Repo:
    name: str  # owner/name
    commit: str
    kind: str  # library | user
    projects: list[str]

    @property
    def slug(self) -> str:
        return self.name.replace("/", "+")

    @property
    def dirname(self) -> str:
        return f"{self.slug}@{self.commit}"


@dataclasses.dataclass
class Finding:
    repo: str
    commit: str
    kind: str
    path: str
    line: int
    column: int
    end_line: int
    code: str
    name: str
    severity: str
    message: str
    fix_lines: dict[str, set[int]]  # path -> original lines the finding's fixes edit
    verdict: str | None = None
    reason: str = ""

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.repo, self.path, self.line, self.code)


@dataclasses.dataclass
class Label:
    repo: str
    commit: str
    path: str
    line: int
    code: str
    verdict: str
    reason: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.repo, self.path, self.line, self.code)


def load_repos() -> list[Repo]:
    repos = []
    with REPOS_CSV.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            projects = [p.strip() for p in row["projects"].split(";") if p.strip()]
            repos.append(
                Repo(row["repo"].strip(), row["commit"].strip(), row["kind"].strip(), projects or ["."])
            )
    return repos


def check_files() -> int:
    """repos.csv and labels.csv are well formed and agree: every label names a listed
    repository at its pinned commit, a rule code, a 1-based line, a verdict and a reason."""
    problems: list[str] = []
    repos = load_repos()
    pinned = {r.name: r.commit for r in repos}
    if len(pinned) != len(repos):
        problems.append("repos.csv lists a repository twice")
    for r in repos:
        if r.kind not in ("library", "user"):
            problems.append(f"repos.csv: {r.name}: kind {r.kind!r} is not library or user")
        if not re.fullmatch(r"[0-9a-f]{40}", r.commit):
            problems.append(f"repos.csv: {r.name}: commit {r.commit!r} is not a full hash")
    labels = load_labels(problems)
    seen = set()
    for n, l in enumerate(labels, start=2):
        key = (l.repo, l.path, l.line, l.code)
        if key in seen:
            problems.append(f"labels.csv line {n}: {key} is labelled twice")
        seen.add(key)
        if pinned.get(l.repo) != l.commit:
            problems.append(f"labels.csv line {n}: {l.repo}@{l.commit[:8]} is not a pinned repository")
        if not re.fullmatch(r"KW\d{3}", l.code) or l.line < 1 or not l.reason:
            problems.append(f"labels.csv line {n}: needs a rule code, a 1-based line and a reason")
    for p in problems:
        print(f"corpus: {p}")
    print(f"corpus: {len(repos)} repositories, {len(labels)} labels, {len(problems)} problems")
    return 1 if problems else 0


def load_labels(problems: list[str]) -> list[Label]:
    if not LABELS_CSV.exists():
        return []
    labels = []
    with LABELS_CSV.open(newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            try:
                verdict = row["verdict"].strip()
                if verdict not in VERDICTS:
                    raise ValueError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
                labels.append(
                    Label(
                        row["repo"].strip(),
                        row["commit"].strip(),
                        row["path"],
                        int(row["line"]),
                        row["code"].strip(),
                        verdict,
                        (row.get("reason") or "").strip(),
                    )
                )
            except (KeyError, ValueError, TypeError) as e:
                problems.append(f"labels.csv line {n}: {e}")
    return labels


# --------------------------------------------------------------------------------------------
# Obtaining the repositories


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    # Never wait for a password prompt (GitHub asks one for a repository that is gone).
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, env=env, **kw)


def extract_from_mirror(gitdir: Path, commit: str, dest: Path) -> str | None:
    """Writes the tree of `commit` into `dest`. Returns an error or None."""
    if run(["git", "--git-dir", str(gitdir), "cat-file", "-e", f"{commit}^{{commit}}"]).returncode:
        return f"the mirror {gitdir} does not hold commit {commit}"
    dest.mkdir(parents=True)
    archive = subprocess.Popen(
        ["git", "--git-dir", str(gitdir), "archive", commit],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    tar = subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, capture_output=True)
    archive.stdout.close()
    archive_err = archive.stderr.read().decode(errors="replace")
    if archive.wait() == 0 and tar.returncode == 0:
        return None
    # A snapshot may lack some blobs (very large files): `git archive` stops at the first one.
    # Write the tree file by file instead, leaving out what the mirror lacks.
    shutil.rmtree(dest)
    dest.mkdir(parents=True)
    missing = extract_file_by_file(gitdir, commit, dest)
    if missing is None:
        return f"git archive failed: {archive_err.strip()[:300]}"
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        log(f"corpus:   absent from the mirror, left out: {shown}")
    return None


def extract_file_by_file(gitdir: Path, commit: str, dest: Path) -> list[str] | None:
    """Writes the tree blob by blob; returns the paths whose blobs the mirror lacks."""
    ls = run(["git", "--git-dir", str(gitdir), "ls-tree", "-r", "-z", commit])
    if ls.returncode:
        return None
    entries = []
    for rec in ls.stdout.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode, typ, sha = meta.split()
        if typ == b"blob":
            entries.append((mode, sha, os.fsdecode(path)))
    cat = subprocess.Popen(
        ["git", "--git-dir", str(gitdir), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    missing: list[str] = []
    try:
        for mode, sha, path in entries:
            cat.stdin.write(sha + b"\n")
            cat.stdin.flush()
            header = cat.stdout.readline()
            if header.endswith(b" missing\n"):
                missing.append(path)
                continue
            size = int(header.split()[2])
            data = cat.stdout.read(size)
            cat.stdout.read(1)
            target = dest / path
            if not target.resolve().is_relative_to(dest.resolve()):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == b"120000":
                try:
                    os.symlink(os.fsdecode(data), target)
                except OSError:
                    pass
            else:
                target.write_bytes(data)
                if mode == b"100755":
                    target.chmod(0o755)
    finally:
        cat.stdin.close()
        cat.wait()
    return missing


def clone(repo: Repo, dest: Path) -> str | None:
    url = f"https://github.com/{repo.name}"
    r = run(["git", "clone", "--quiet", "--filter=blob:none", "--no-checkout", url, str(dest)])
    if r.returncode:
        return f"git clone {url} failed: {r.stderr.decode(errors='replace').strip()[:300]}"
    r = run(["git", "-C", str(dest), "checkout", "--quiet", repo.commit])
    if r.returncode:
        return f"git checkout {repo.commit} failed: {r.stderr.decode(errors='replace').strip()[:300]}"
    return None


def index_env_files(tree: Path) -> str | None:
    """Put the tree's .env-like files in the fresh repository's index, as a clone has them:
    every file of the commit is tracked, also a `.env` that a later `.gitignore` line lists.
    keywire reads the index for exactly these files (tracked ones are the repository's
    template; tracked ones with real keys have leaked)."""
    names = [
        str(p.relative_to(tree))
        for p in tree.rglob("*")
        if "env" in p.name and ".git" not in p.relative_to(tree).parts and p.is_file()
    ]
    if not names:
        return None
    r = run(["git", "-C", str(tree), "add", "--force", "--", *names])
    if r.returncode:
        return f"git add failed: {r.stderr.decode(errors='replace').strip()[:300]}"
    return None


def obtain(repo: Repo, work: Path) -> Path | None:
    dest = work / repo.dirname
    if dest.is_dir():
        # Copies taken before the index was filled get it now.
        if not (dest / ".git" / "index").exists():
            err = index_env_files(dest)
            if err:
                log(f"corpus:   {repo.name}: {err}")
        return dest
    log(f"corpus: fetching {repo.name}")
    tmp = work / f".{repo.dirname}.partial"
    if tmp.exists():
        shutil.rmtree(tmp)
    work.mkdir(parents=True, exist_ok=True)
    err = None
    mirrors = os.environ.get(MIRRORS_ENV)
    mirror = Path(mirrors) / repo.slug / "repo" if mirrors else None
    if mirror is not None and mirror.is_dir():
        err = extract_from_mirror(mirror, repo.commit, tmp)
        if err:
            log(f"corpus:   {err}; cloning instead")
            if tmp.exists():
                shutil.rmtree(tmp)
            err = clone(repo, tmp)
    else:
        err = clone(repo, tmp)
    if err is None and not (tmp / ".git").exists():
        # keywire takes the git work tree as the project: without a .git here it would climb
        # to whatever repository holds the work dir, and read that one's .gitignore files.
        r = run(["git", "init", "--quiet", str(tmp)])
        if r.returncode:
            err = f"git init failed: {r.stderr.decode(errors='replace').strip()}"
        else:
            err = index_env_files(tmp)
    if err:
        print(f"corpus: ERROR: cannot obtain {repo.name}@{repo.commit[:12]}: {err}", flush=True)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        return None
    tmp.rename(dest)
    return dest


# --------------------------------------------------------------------------------------------
# Running keywire


def keywire_check(keywire: Path, tree: Path, args: list[str]) -> tuple[int, str, str]:
    try:
        r = subprocess.run(
            # A fresh run every time, and nothing written into the trees (`--fix` aside).
            [str(keywire), "check", "--no-cache", *args],
            cwd=tree,
            capture_output=True,
            timeout=KEYWIRE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return 2, "", f"timed out after {KEYWIRE_TIMEOUT} s"
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def fix_lines(diag: dict) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for fix in diag.get("fixes") or []:
        for edit in fix.get("edits") or []:
            rng = edit.get("range") or {}
            start = rng.get("start", {}).get("line")
            end = rng.get("end", {}).get("line", start)
            if start is None:
                continue
            # An insertion at the start of line N lands after line N-1.
            out[edit["path"]].update(range(max(start - 1, 0), end + 1))
    return dict(out)


def check_repo(repo: Repo, tree: Path, keywire: Path, errors: list[str]) -> list[Finding]:
    seen: dict[tuple, Finding] = {}
    for project in repo.projects:
        if not (tree / project).is_dir():
            errors.append(f"{repo.name}: project folder {project!r} does not exist at {repo.commit[:12]}")
            continue
        rc, out, err = keywire_check(keywire, tree, ["--format", "json", project])
        if rc not in (0, 1):
            errors.append(f"{repo.name}: keywire check {project} exited {rc}: {err.strip()[:500]}")
            continue
        try:
            data = json.loads(out)
        except json.JSONDecodeError as e:
            errors.append(f"{repo.name}: keywire check {project}: output is not JSON ({e})")
            continue
        for d in data.get("diagnostics", []):
            start = d["range"]["start"]
            end = d["range"].get("end", start)
            f = Finding(
                repo=repo.name,
                commit=repo.commit,
                kind=repo.kind,
                # A notebook finding's line counts inside its cell: the cell is part of its place.
                path=d["path"] + (f"#cell{d['cell']}" if "cell" in d else ""),
                line=start["line"],
                column=start["column"],
                end_line=end["line"],
                code=d["code"],
                name=d.get("name", ""),
                severity=d["severity"],
                message=d["message"],
                fix_lines=fix_lines(d),
            )
            # Two project folders may both report a finding (nested folders, shared files).
            seen.setdefault((f.path, f.line, f.column, f.code, f.message), f)
    return list(seen.values())


# --------------------------------------------------------------------------------------------
# --fix-check


KEYLIKE = re.compile(r"[A-Za-z0-9_\-]{24,}")


def mask(text: str) -> str:
    """Hides key-like tokens in a source line before it is printed."""
    def repl(m: re.Match) -> str:
        tok = m.group(0)
        if any(c.isdigit() for c in tok) and any(c.isalpha() for c in tok):
            return tok[:4] + "…"
        return tok
    return KEYLIKE.sub(repl, text)


def read_lines(path: Path) -> list[str] | None:
    try:
        return path.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None


def tree_files(root: Path) -> set[str]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_symlink():
                continue
            out.add(p.relative_to(root).as_posix())
    return out


def changed_lines(old: list[str], new: list[str]) -> list[tuple[int, str]]:
    """(original 1-based line, description) for every changed line."""
    out = []
    sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        for i in range(i1, i2):
            out.append((i + 1, f"- {old[i]}"))
        # Added lines belong to the nearest original line before them.
        anchor = i2 if i2 > i1 else i1
        for j in range(j1, j2):
            out.append((max(anchor, 1) if old else 0, f"+ {new[j]}"))
    return out


def fix_check(repo: Repo, tree: Path, keywire: Path, findings: list[Finding], errors: list[str]) -> list[str]:
    allowed: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        if f.verdict in ("TP", "defensible"):
            allowed[f.path].update(range(f.line, max(f.end_line, f.line) + 1))
            for path, lines in f.fix_lines.items():
                allowed[path].update(lines)
    projects = [p for p in repo.projects if (tree / p).is_dir()]
    failures = []
    with tempfile.TemporaryDirectory(prefix="keywire-fixcheck-") as tmp:
        copy = Path(tmp) / "tree"
        shutil.copytree(tree, copy, symlinks=True)
        rc, _out, err = keywire_check(keywire, copy, ["--fix", "--quiet", "--color", "never", *projects])
        if rc not in (0, 1):
            errors.append(f"{repo.name}: keywire check --fix exited {rc}: {err.strip()[:500]}")
            return []
        before, after = tree_files(tree), tree_files(copy)
        for rel in sorted(before | after):
            a, b = tree / rel, copy / rel
            if rel in before and rel in after and a.read_bytes() == b.read_bytes():
                continue
            old = read_lines(a) if rel in before else []
            new = read_lines(b) if rel in after else []
            for line, text in changed_lines(old or [], new or []):
                if line in allowed.get(rel, ()):
                    continue
                failures.append(f"{repo.name}: {rel}:{line}: {mask(text)[:160]}")
    return failures


# --------------------------------------------------------------------------------------------
# Scoring and reports


def precision(tp: int, dfn: int, fp: int) -> str:
    labelled = tp + dfn + fp
    return f"{(tp + dfn) / labelled:.1%}" if labelled else "n/a"


def tally(findings: list[Finding]) -> Counter:
    c = Counter()
    for f in findings:
        c["findings"] += 1
        c[f.verdict or "unlabelled"] += 1
    return c


def rule_rows(findings: list[Finding]) -> list[list[str]]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.code].append(f)
    rows = []
    for code in sorted(by_rule):
        fs = by_rule[code]
        c = tally(fs)
        sev = "/".join(sorted({f.severity for f in fs}))
        name = fs[0].name
        rows.append(
            [
                f"{code} {name}".strip(),
                sev,
                *count_cells(c),
            ]
        )
    c = tally(findings)
    rows.append(
        [
            "all",
            "",
            *count_cells(c),
        ]
    )
    return rows


def count_cells(c) -> list[str]:
    """The counting columns of a table row: findings, TP, defensible, FP, unlabelled, precision."""
    return [
        str(c["findings"]),
        str(c["TP"]),
        str(c["defensible"]),
        str(c["FP"]),
        str(c["unlabelled"]),
        precision(c["TP"], c["defensible"], c["FP"]),
    ]


RULE_HEADER = ["rule", "severity", "findings", "TP", "defensible", "FP", "unlabelled", "precision"]
KIND_HEADER = ["repos", "class", "findings", "TP", "defensible", "FP", "unlabelled", "precision"]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    def fmt(r):
        return "  ".join(
            (c.ljust(w) if i < 2 else c.rjust(w)) for i, (c, w) in enumerate(zip(r, widths))
        ).rstrip()
    lines = [fmt(header), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def md_table(header: list[str], rows: list[list[str]]) -> str:
    def esc(c: str) -> str:
        return c.replace("|", "\\|")
    align = ["---" if i < 2 else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def is_ew(f: Finding) -> bool:
    return f.severity in ("error", "warning")


def kind_rows(findings: list[Finding], repos: list[Repo]) -> list[list[str]]:
    rows = []
    for kind in ("library", "user"):
        n = sum(1 for r in repos if r.kind == kind)
        for cls, pred in (("errors+warnings", is_ew), ("hints", lambda f: not is_ew(f))):
            fs = [f for f in findings if f.kind == kind and pred(f)]
            c = tally(fs)
            rows.append(
                [
                    f"{kind} ({n})",
                    cls,
                    *count_cells(c),
                ]
            )
    return rows


def keywire_version(keywire: Path) -> str:
    r = run([str(keywire), "--version"])
    return r.stdout.decode(errors="replace").strip() or "unknown"


def write_docs(findings: list[Finding], repos: list[Repo], version: str, elapsed: float) -> None:
    ew = [f for f in findings if is_ew(f)]
    hints = [f for f in findings if not is_ew(f)]
    c = tally(ew)
    n_lib = sum(1 for r in repos if r.kind == "library")
    n_user = len(repos) - n_lib
    parts = [
        "# Precision on real code",
        "",
        "<!-- Generated by `python3 tests/corpus/run.py --write-docs`; do not edit by hand. -->",
        "",
        f"keywire is run on a corpus of {len(repos)} public repositories that use AutoGen or AG2: "
        f"the libraries themselves ({n_lib}, with their tests and samples) and {n_user} user "
        "projects (courses, tutorials, demos, apps and hackathon "
        "projects in AutoGen 0.2, AG2 and AutoGen 0.4+ style). Each repository is pinned to a "
        "commit in `tests/corpus/repos.csv`; every error and warning it reports there is "
        "labelled by hand in `tests/corpus/labels.csv` as TP (a real mistake), defensible (worth "
        "saying, not certainly a failure) or FP (wrong). Precision is (TP + defensible) / "
        "labelled. No code from these repositories is kept here; see `tests/corpus/README.md` "
        "for how to obtain them and how to label.",
        "",
        "Regenerate this page with",
        "",
        "```sh",
        "python3 tests/corpus/run.py --write-docs",
        "```",
        "",
        f"- keywire: `{version}`",
        f"- date: {datetime.date.today().isoformat()}",
        f"- repositories: {len(repos)} ({n_lib} library, {n_user} user), "
        f"{sum(len(r.projects) for r in repos)} project folders",
        f"- one full run took {elapsed:.0f} s (obtaining the copies not counted)",
        "",
        "## Overall",
        "",
        f"Errors and warnings: {c['findings']} findings, {c['TP']} TP, {c['defensible']} "
        f"defensible, {c['FP']} FP, {c['unlabelled']} unlabelled: precision "
        f"**{precision(c['TP'], c['defensible'], c['FP'])}**.",
        "",
        "## Errors and warnings by rule",
        "",
        md_table(RULE_HEADER, rule_rows(ew)) if ew else "No findings.",
        "",
        "## Hints by rule",
        "",
        "Hints are labelled when someone has looked at them; unlabelled hints do not count.",
        "",
        md_table(RULE_HEADER, rule_rows(hints)) if hints else "No findings.",
        "",
        "## Library and user repositories",
        "",
        md_table(KIND_HEADER, kind_rows(findings, repos)),
        "",
    ]
    if BASELINE_MD.exists():
        # The numbers before the corpus existed, kept as they were measured (that binary is
        # not rebuilt here).
        parts += ["## Before", "", BASELINE_MD.read_text(encoding="utf-8").strip(), ""]
    parts += ["## Missed (recall)", ""]
    if MISSED_MD.exists():
        missed = MISSED_MD.read_text(encoding="utf-8").strip()
        # Its own top-level heading would clash with this page's.
        lines = missed.splitlines()
        if lines and lines[0].startswith("# "):
            lines = lines[1:]
        parts.append("\n".join(lines).strip())
    else:
        parts.append("Nothing recorded yet (`tests/corpus/missed.md`).")
    parts.append("")
    DOCS_MD.parent.mkdir(parents=True, exist_ok=True)
    DOCS_MD.write_text("\n".join(parts), encoding="utf-8")


# --------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keywire", type=Path, default=None, help="keywire binary (default: target/release/keywire)")
    ap.add_argument("--work", type=Path, default=None, help="where the copies live (default: target/corpus)")
    ap.add_argument("--repo", default=None, help="only repositories whose owner/name contains this")
    ap.add_argument("--fix-check", action="store_true", help="check that --fix only touches TP/defensible lines")
    ap.add_argument("--write-docs", action="store_true", help="regenerate docs/precision.md")
    ap.add_argument("--dump", type=Path, default=None, help="write every finding as JSON lines to FILE")
    ap.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on an unlabelled error/warning, a lost TP, a fix-check failure, "
        "a repository that could not be obtained or a keywire error",
    )
    ap.add_argument(
        "--check-files",
        action="store_true",
        help="only check repos.csv and labels.csv (no copies, no keywire): for CI",
    )
    args = ap.parse_args()

    if args.check_files:
        return check_files()

    keywire = (args.keywire or ROOT / "target" / "release" / "keywire").resolve()
    work = (args.work or ROOT / "target" / "corpus").resolve()
    if not keywire.is_file():
        print(f"corpus: ERROR: no keywire binary at {keywire} (build it, or pass --keywire)")
        return 2
    if args.write_docs and args.repo:
        print("corpus: ERROR: --write-docs needs the whole corpus; drop --repo")
        return 2

    problems: list[str] = []
    repos = load_repos()
    labels = load_labels(problems)
    if args.repo:
        repos = [r for r in repos if args.repo.lower() in r.name.lower()]
        if not repos:
            print(f"corpus: ERROR: no repository matches {args.repo!r}")
            return 2
    commit_of = {r.name: r.commit for r in load_repos()}
    current = {lb.key: lb for lb in labels if commit_of.get(lb.repo) == lb.commit}
    stale = [lb for lb in labels if commit_of.get(lb.repo) != lb.commit]

    version = keywire_version(keywire)
    print(f"corpus: {version}, {len(repos)} repositories, work dir {work}", flush=True)

    errors: list[str] = []
    missing_repos: list[str] = []
    findings: list[Finding] = []
    fix_failures: list[str] = []
    done: list[Repo] = []
    check_time = 0.0
    per_repo_time: list[tuple[float, str]] = []
    for repo in repos:
        tree = obtain(repo, work)
        if tree is None:
            missing_repos.append(repo.name)
            continue
        t0 = time.monotonic()
        fs = check_repo(repo, tree, keywire, errors)
        dt = time.monotonic() - t0
        check_time += dt
        per_repo_time.append((dt, repo.name))
        for f in fs:
            lb = current.get(f.key)
            if lb:
                f.verdict, f.reason = lb.verdict, lb.reason
        findings.extend(fs)
        done.append(repo)
        if args.fix_check:
            fix_failures += fix_check(repo, tree, keywire, fs, errors)

    findings.sort(key=lambda f: (f.repo, f.path, f.line, f.column, f.code))
    done_names = {r.name for r in done}
    found_keys = {f.key for f in findings}
    lost = [lb for k, lb in current.items() if lb.repo in done_names and k not in found_keys]

    ew = [f for f in findings if is_ew(f)]
    hints = [f for f in findings if not is_ew(f)]
    unlabelled_ew = [f for f in ew if f.verdict is None]
    c = tally(ew)

    out = []
    out.append(f"keywire: {version}")
    out.append(
        f"repositories: {len(done)} checked ({sum(1 for r in done if r.kind == 'library')} library, "
        f"{sum(1 for r in done if r.kind == 'user')} user), {len(missing_repos)} not obtained; "
        f"keywire time {check_time:.1f} s"
    )
    out.append("")
    out.append("== Errors and warnings by rule")
    out.append(text_table(RULE_HEADER, rule_rows(ew)) if ew else "(none)")
    out.append("")
    out.append("== Hints by rule")
    out.append(text_table(RULE_HEADER, rule_rows(hints)) if hints else "(none)")
    out.append("")
    out.append("== Library and user repositories")
    out.append(text_table(KIND_HEADER, kind_rows(findings, done)))
    out.append("")
    out.append(
        f"== Overall precision (errors+warnings): {precision(c['TP'], c['defensible'], c['FP'])} "
        f"({c['TP']} TP, {c['defensible']} defensible, {c['FP']} FP, {c['unlabelled']} unlabelled "
        f"of {c['findings']})"
    )
    out.append("")
    out.append(f"== Unlabelled errors and warnings: {len(unlabelled_ew)}")
    for f in unlabelled_ew:
        out.append(f"{f.repo}  {f.path}:{f.line}  {f.code} {f.severity}  {f.message}")
    out.append("")
    lost_by = defaultdict(list)
    for lb in lost:
        lost_by[lb.verdict].append(lb)
    tp_lost = lost_by.get("TP", [])
    if tp_lost:
        out.append("!" * 78)
        out.append(f"!! TP LOST: {len(tp_lost)} labelled true positive(s) are no longer reported")
        for lb in sorted(tp_lost, key=lambda l: l.key):
            out.append(f"!!   {lb.repo}  {lb.path}:{lb.line}  {lb.code}  ({lb.reason})")
        out.append("!" * 78)
    else:
        out.append("== TP lost: 0")
    for verdict in ("defensible", "FP"):
        lbs = sorted(lost_by.get(verdict, []), key=lambda l: l.key)
        out.append(f"== {verdict} lost: {len(lbs)}" + ("  (fine for FP: a false positive went away)" if verdict == "FP" and lbs else ""))
        for lb in lbs:
            out.append(f"   {lb.repo}  {lb.path}:{lb.line}  {lb.code}  ({lb.reason})")
    if stale:
        out.append("")
        out.append(f"== Labels for another commit than repos.csv pins (ignored): {len(stale)}")
        for lb in stale[:50]:
            out.append(f"   {lb.repo}@{lb.commit[:12]}  {lb.path}:{lb.line}  {lb.code}")
    if args.fix_check:
        out.append("")
        out.append(f"== Fix check: {len(fix_failures)} changed line(s) outside TP/defensible findings")
        for line in fix_failures:
            out.append(f"FIX-CHECK FAIL  {line}")
    if missing_repos or errors or problems:
        out.append("")
        out.append(f"== Problems: {len(missing_repos) + len(errors) + len(problems)}")
        for name in missing_repos:
            out.append(f"   not obtained: {name}")
        for e in errors + problems:
            out.append(f"   {e}")
    out.append("")
    out.append("== Slowest repositories (keywire time)")
    for dt, name in sorted(per_repo_time, reverse=True)[:5]:
        out.append(f"   {dt:6.2f} s  {name}")
    print("\n".join(out), flush=True)

    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for f in findings:
                fh.write(
                    json.dumps(
                        {
                            "repo": f.repo,
                            "commit": f.commit,
                            "path": f.path,
                            "line": f.line,
                            "column": f.column,
                            "code": f.code,
                            "severity": f.severity,
                            "message": f.message,
                            "verdict": f.verdict,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        print(f"corpus: wrote {len(findings)} findings to {args.dump}", flush=True)
    if args.write_docs:
        if missing_repos:
            print("corpus: ERROR: not writing docs/precision.md: some repositories were not obtained")
            return 2
        write_docs(findings, done, version, check_time)
        print(f"corpus: wrote {DOCS_MD.relative_to(ROOT)}", flush=True)

    if args.strict and (unlabelled_ew or tp_lost or fix_failures or missing_repos or errors or problems):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
