//! keywire's test kit (dev-only, never published): what the integration tests
//! (`server/tests`), the benchmarks (`server/benches/perf`) and the fuzz targets
//! (`server/fuzz`) share.
//!
//! - [`framing`]: `Content-Length` framing, one tolerant reader with raw-bytes access.
//! - [`async_client`]: the async LSP test client (in-process server or any stdio).
//! - [`sync_client`]: the synchronous client of the hardening suites (the binary's stdio).
//! - [`process`]: running the built `keywire` binary.
//! - [`paths`]: repository root, temporary directories, file URIs, fixture files.
//! - [`fixture`]: fixture directories as in-memory workspaces.
//! - [`secrets`]: fake-key probes for leak checks.
//! - [`corpus`]: the generated benchmark workspace.
//! - [`harness`]: the fuzz harness (also replayed by the hardening tests).
//! - [`light`]: what the prefilter's light scan must give.
//! - [`rng`]: a deterministic generator for randomized tests.
//!
//! [`prelude`] gathers what the hardening suites use.

use std::time::Duration;

pub mod async_client;
pub mod corpus;
pub mod fixture;
pub mod framing;
pub mod harness;
pub mod light;
pub mod paths;
pub mod process;
pub mod rng;
pub mod secrets;
pub mod sync_client;

/// How long any single wait on a server may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The helpers of the hardening suites (`use testkit::prelude::*`).
pub mod prelude {
    pub use crate::framing::frame;
    pub use crate::paths::{copy_tree, file_uri, repo_root, tempdir, text, write};
    pub use crate::process::{assert_no_panic, keywire, keywire_bin, keywire_env, wait_output};
    pub use crate::rng::Rng;
    pub use crate::secrets::{
        assert_no_leak, fake_keys, key_tokens, leaks, secret_pieces, source_paths,
    };
    pub use crate::sync_client::{Finished, Lsp};
    pub use crate::TIMEOUT;
}
