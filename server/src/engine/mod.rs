//! The analysis engine: text and file facts in, findings with byte spans and fixes out.
//! Nothing in here knows about LSP or terminals.

mod check;
pub mod compose;
pub mod compose_env;
pub mod compose_hover;
pub mod config;
pub mod config_json;
pub mod diagnostic;
pub mod dockerfile;
pub mod dotenv;
pub mod fix;
pub mod json;
pub mod notebook;
mod notebook_check;
pub mod notebook_facts;
pub mod packages;
pub mod paths;
#[rustfmt::skip] // Generated: see the file.
pub mod known_keys;
pub mod providers;
pub mod python;
pub mod resolve;
pub mod rules;
pub mod runners;
pub mod secrets;
pub mod severity;
pub mod suppression;
pub mod test_code;
pub mod text;
pub mod workflow;
pub mod workspace;
pub mod yaml;

pub use check::Reach;
pub use diagnostic::{Edit, Finding, Fix, Related, Severity, Within};
pub use notebook_check::CheckedNotebook;
pub use rules::Rule;
pub use text::{LineIndex, Span};
