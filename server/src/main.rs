use std::process::ExitCode;

use clap::Parser;
use keywire::cli::{self, Cli, Command};
use libmimalloc_sys as mi;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option numbers (`mi_option_e` in the bundled v3 `include/mimalloc.h`; the
/// crate's constants predate them), checked against their defaults by a test.
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: mi::mi_option_t = 43;

fn main() -> ExitCode {
    // SAFETY: set before any tree-sitter object exists, so nothing allocated by one allocator
    // is freed by the other.
    unsafe {
        tree_sitter::set_allocator(
            Some(mi::mi_malloc),
            Some(mi::mi_calloc),
            Some(mi::mi_realloc),
            Some(mi::mi_free),
        );
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => cli::check::run(&args),
        Command::Rules => cli::rules::list(),
        Command::Rule { rule } => cli::rules::show(&rule),
        Command::Lsp { .. } => {
            // A check is over in a second and may keep what it allocates; the server stays
            // up: return freed memory at once and take no huge pages (with mimalloc's
            // defaults its resident memory after indexing 5,000 files doubled, to 69 MB).
            // SAFETY: plain option setters.
            unsafe {
                mi::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
                mi::mi_option_set(MI_OPTION_ALLOW_THP, 0);
            }
            // The arena mimalloc reserved before `main` asked for huge pages already.
            // SAFETY: a flag of this process, no pointer passed.
            #[cfg(target_os = "linux")]
            unsafe {
                libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
            }
            keywire::lsp::run()
        }
    };
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mimalloc_option_numbers_name_the_options_meant() {
        // Defaults from the bundled `src/options.c`: purging delayed 1,000 ms, THP allowed
        // (Linux); options near each with a default of their own as a second check.
        if std::env::vars().any(|(k, _)| k.starts_with("MIMALLOC_")) {
            return;
        }
        // SAFETY: plain option getters.
        let get = |o| unsafe { mi::mi_option_get(o) };
        assert_eq!(get(MI_OPTION_PURGE_DELAY), 1000);
        assert_eq!(get(MI_OPTION_PURGE_DELAY + 3), 100, "os_tag");
        assert_eq!(get(MI_OPTION_ALLOW_THP - 9), 10000, "generic_collect");
        #[cfg(target_os = "linux")]
        assert_eq!(get(MI_OPTION_ALLOW_THP), 1);
    }
}
