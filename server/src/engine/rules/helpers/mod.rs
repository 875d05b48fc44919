//! What rules share. A rule imports from here, never from another rule.
//!
//! - `entry`: what a config entry means (its client, provider, endpoint, key);
//! - `edits`: edits Python fixes share (a field, `import os`, `load_dotenv()`, a `.env` line);
//! - `guards`: whether code handles a missing variable itself;
//! - `keys`: misspelt and legacy config keys;
//! - `packages`: a module's manifests, locks and virtualenv, and what an import needs;
//! - `runners`: which runners (`uv run --env-file`, `dotenv run`, VS Code's `envFile`…) load
//!   a `.env` for a module, and how messages name them;
//! - `deploy`: compose files and Dockerfiles (build paths, start-up reads, YAML edits);
//! - `dotenv_values`: the .env rules' view of definitions, values and quotes;
//! - `test_support`: the .env rules' unit-test kit.

pub(crate) mod deploy;
pub(crate) mod dotenv_values;
pub(crate) mod edits;
pub(crate) mod entry;
pub(crate) mod guards;
pub(crate) mod keys;
pub(crate) mod packages;
pub(crate) mod runners;
#[cfg(test)]
pub(crate) mod test_support;
