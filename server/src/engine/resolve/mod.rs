//! Cross-file facts: the import graph between workspace modules (`graph`), import resolution
//! (`module_tree`), which .env file each load point loads and where a variable is defined as seen
//! from one module (`scope`), which runners load a `.env` for a module (`runners`).

pub mod config_filter;
pub mod config_source;
pub mod graph;
mod module_tree;
pub mod runners;
mod scope;

pub use graph::Derived;
pub use runners::runners_loading;
pub use scope::{
    load_target, normalize, sets_environment, EnvDef, LoadRef, LoadTarget, Lookup, ModuleScope,
};

#[cfg(test)]
mod tests;
