//! The `keywire` command line: argument types (clap derive) and the subcommands.
//!
//! Every command returns an exit code: 0 clean, 1 findings at warning level or above, 2 usage,
//! configuration or I/O errors. Nothing here panics on bad input.

pub mod check;
pub mod fixes;
pub mod output;
pub mod redact;
pub mod rules;

use std::fmt;
use std::path::{Component, Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "keywire",
    version,
    about = "Finds AutoGen API-key wiring mistakes in Python and .env files"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Python and .env files for API-key wiring mistakes.
    Check(CheckArgs),
    /// List every rule: code, name, default severity and summary.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// A rule code (KW101) or name (missing-api-key), any case.
        rule: String,
    },
    /// Run the language server on stdin/stdout (for editors).
    Lsp {
        /// Accepted for clients that always pass it (stdio is the only transport).
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Rules to run (codes, prefixes like KW2, names or ALL; comma-separated). Replaces the
    /// configured selection.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Rules not to run (comma-separated). Added to the configured ones.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Apply the safe fixes of warnings and errors, then report what remains.
    #[arg(long)]
    pub fix: bool,

    /// Apply unsafe fixes of warnings and errors too (they can change what a working program
    /// does: review them). Implies --fix.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// When to use colour.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Never use colour (same as --color never; wins over --color).
    #[arg(long)]
    pub no_color: bool,

    /// Print findings only: no summary line.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print what --fix (with --unsafe-fixes, if given) would change as a unified diff, and
    /// write nothing. Exit code 1 when there is a change.
    #[arg(long)]
    pub diff: bool,

    /// Exit with 0 even when there are findings (errors still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print how many findings each rule has instead of the findings (text or JSON).
    #[arg(long)]
    pub statistics: bool,

    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Neither read nor write the facts cache (`.keywire_cache/` in the project root, which
    /// lets a run skip the files unchanged since the last one; safe to delete). Also
    /// KEYWIRE_NO_CACHE=1.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with code frames, and a summary line.
    Text,
    /// keywire's JSON report.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other dashboards).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A GitLab Code Quality report.
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// An error for the user: printed as `keywire: error: {message}`, exit code 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

impl From<String> for CliError {
    fn from(s: String) -> Self {
        CliError(s)
    }
}

/// Print an error the way every keywire command does.
pub fn print_error(message: &dyn fmt::Display) {
    eprintln!("keywire: error: {message}");
}

/// `path` relative to `cwd` (with `../` when needed), using `/`. Absolute when there is no
/// common prefix (another drive) or no working directory.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let rel = cwd.and_then(|cwd| relative_to(path, cwd));
    let shown = rel.as_deref().unwrap_or(path);
    let text = shown.to_string_lossy();
    let text = if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    };
    if text.is_empty() {
        ".".into()
    } else {
        text
    }
}

/// [`display_path`] for a line of text (see [`printable_text`]). JSON output keeps the real
/// name (its strings are escaped anyway).
pub fn display_path_text(path: &Path, cwd: Option<&Path>) -> String {
    printable_text(&display_path(path, cwd))
}

/// Control characters escaped (`\n`, `\t`, `\u{1b}`): a file name cannot split a diagnostic
/// over two lines or drive the terminal.
pub fn printable_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    if !path.is_absolute() || !base.is_absolute() {
        return None;
    }
    let mut p = path.components().peekable();
    let mut b = base.components().peekable();
    // Same root (and drive) required.
    match (p.peek(), b.peek()) {
        (Some(Component::Prefix(x)), Some(Component::Prefix(y))) if x != y => return None,
        _ => {}
    }
    while let (Some(x), Some(y)) = (p.peek(), b.peek()) {
        if x != y {
            break;
        }
        p.next();
        b.next();
    }
    let mut out = PathBuf::new();
    for c in b {
        match c {
            Component::Normal(_) => out.push(".."),
            Component::CurDir => {}
            _ => return None,
        }
    }
    for c in p {
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_paths_escape_control_characters() {
        assert_eq!(
            display_path_text(Path::new("/w/a\nb\t\u{1b}.py"), Some(Path::new("/w"))),
            "a\\nb\\t\\u{1b}.py"
        );
        assert_eq!(
            display_path_text(Path::new("/w/日本.py"), Some(Path::new("/w"))),
            "日本.py"
        );
    }

    #[test]
    fn display_paths_are_relative_with_slashes() {
        let cwd = Path::new("/w/proj");
        assert_eq!(
            display_path(Path::new("/w/proj/a/b.py"), Some(cwd)),
            "a/b.py"
        );
        assert_eq!(
            display_path(Path::new("/w/other/.env"), Some(cwd)),
            "../other/.env"
        );
        assert_eq!(display_path(Path::new("/w/proj"), Some(cwd)), ".");
        assert_eq!(display_path(Path::new("/x.py"), None), "/x.py");
    }

    #[test]
    fn arguments_parse() {
        let cli = Cli::try_parse_from([
            "keywire",
            "check",
            "a",
            "b",
            "--format",
            "json",
            "--select",
            "KW1,KW303",
            "--ignore",
            "KW101",
            "--ignore",
            "KW102",
            "--fix",
            "--unsafe-fixes",
            "--no-color",
            "-q",
        ])
        .unwrap();
        let Command::Check(args) = cli.command else {
            panic!("not check");
        };
        assert_eq!(args.paths.len(), 2);
        assert_eq!(args.format, Format::Json);
        assert_eq!(
            args.select,
            Some(vec!["KW1".to_string(), "KW303".to_string()])
        );
        assert_eq!(args.ignore, vec!["KW101".to_string(), "KW102".to_string()]);
        assert!(args.fix && args.unsafe_fixes && args.no_color && args.quiet);
        assert!(Cli::try_parse_from(["keywire", "check", "--format", "xml"]).is_err());
        assert!(Cli::try_parse_from(["keywire", "check", "--color", "sometimes"]).is_err());
    }
}
