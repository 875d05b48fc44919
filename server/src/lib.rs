pub mod cli;
pub mod engine;
pub mod loader;
pub mod lsp;
