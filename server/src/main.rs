use std::process::ExitCode;

use clap::Parser;
use keywire::cli::{self, Cli, Command};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    use libmimalloc_sys as mi;
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
        Command::Lsp { .. } => keywire::lsp::run(),
    };
    ExitCode::from(code)
}
