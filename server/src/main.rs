use std::process::ExitCode;

use clap::Parser;
use keywire::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => cli::check::run(&args),
        Command::Rules => cli::rules::list(),
        Command::Rule { rule } => cli::rules::show(&rule),
        Command::Lsp { .. } => keywire::lsp::run(),
    };
    ExitCode::from(code)
}
