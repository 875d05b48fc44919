pub mod cli;
pub mod engine;
pub mod lsp;
pub mod project;
