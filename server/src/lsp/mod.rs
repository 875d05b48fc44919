//! The language server, `keywire lsp`: diagnostics, quick fixes and navigation for AutoGen
//! API-key wiring, over stdio.
//!
//! Layout: [`session`] (state), [`settings`] (editor settings merged under the project's
//! config file), [`document`] (ropes and trees), [`position`] (the one place byte offsets meet
//! LSP positions), [`uri`] (paths and URIs), one file per LSP method group ([`diagnostics`],
//! [`code_action`], [`hover`], [`definition`], [`completion`], [`symbols`]), [`notebook`]
//! (notebooks synced cell by cell, and their mapping to cells), and the analysis
//! path, one job per file, in the direction the diagnostics flow: [`worker`] (passes and
//! publishing), [`scopes`] (indexing from disk), [`install`] (documents and changed files into
//! workspaces), [`snapshot`] (snapshot and the engine call), [`convert`] (findings to LSP), with
//! [`provisional`] beside the worker. The engine knows nothing about LSP: every conversion lives
//! here. Nothing here touches the disk: the project layer ([`crate::project`]) does.
//!
//! # Ordering
//!
//! tower-lsp-server runs handlers concurrently (up to 4 at once), but it creates and first
//! polls their futures in the order messages arrive. `didOpen` / `didChange` / `didClose`
//! apply their change to the document store *before their first `.await`*, under a
//! `std::sync::Mutex` that is never held across an `.await`, so the store sees them in
//! arrival order. A change whose version is not newer than the document's is dropped (and
//! logged). Analysis and publishing happen later, in the worker (see [`worker`]), which
//! never publishes a result computed for a version the document no longer has.
//!
//! stdout carries the protocol and nothing else: logs go to stderr (`RUST_LOG`, or the
//! `logLevel` initialization option), and printing is denied in this module.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod code_action;
mod completion;
mod convert;
mod cursor;
mod definition;
mod diagnostics;
mod document;
mod hover;
mod install;
mod notebook;
pub mod position;
mod provisional;
mod scopes;
mod server;
mod session;
mod settings;
mod snapshot;
mod symbols;
mod transport;
mod uri;
mod worker;

#[doc(hidden)]
pub use document::Document;
#[doc(hidden)]
pub use install::refresh_facts;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, Registry};

pub use convert::{
    rule_docs_url, DiagnosticData, FileEdit, FixData, DOCS_BASE, REPOSITORY_URL, RULE_DOCS_DIR,
};

use server::Backend;

type FilterHandle = reload::Handle<Targets, Registry>;

/// Set when [`run`] installed the stderr logger, so `logLevel` can change its filter.
static LOG_FILTER: OnceLock<FilterHandle> = OnceLock::new();

const DEFAULT_LOG: &str = "keywire=info,tower_lsp_server=warn";

/// Log to stderr, filtered by `RUST_LOG` (else [`DEFAULT_LOG`] until `logLevel` says
/// otherwise).
fn init_tracing() {
    let from_env = std::env::var("RUST_LOG").ok().filter(|v| !v.is_empty());
    let filter = parse_filter(from_env.as_deref().unwrap_or(DEFAULT_LOG))
        .or_else(|_| parse_filter(DEFAULT_LOG))
        .unwrap_or_default();
    let (filter, handle) = reload::Layer::new(filter);
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
            !logs_message_bodies(meta)
        }));
    if tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .try_init()
        .is_ok()
        && from_env.is_none()
    {
        let _ = LOG_FILTER.set(handle);
    }
}

/// tower-lsp-server logs every message in and out at TRACE (`<- {"method":"textDocument/didOpen",
/// …"text":…}`): document texts, and fix edits that carry a key. Those events are dropped
/// whatever `RUST_LOG` or `logLevel` say; clients have their own protocol trace.
fn logs_message_bodies(meta: &tracing::Metadata<'_>) -> bool {
    *meta.level() == tracing::Level::TRACE && meta.target().starts_with("tower_lsp_server")
}

/// A `RUST_LOG`-style list of `target=level` directives (and a bare default level). A
/// `Targets` filter, not an `EnvFilter`: the latter's span and field filters pull in the
/// regex engine's eager DFA construction, which every glob of every `.gitignore` then pays for.
fn parse_filter(directives: &str) -> Result<Targets, String> {
    directives.parse::<Targets>().map_err(|e| e.to_string())
}

/// The filter directives for a `logLevel` setting.
fn log_directive(level: &str) -> String {
    match level {
        "error" | "warn" | "info" | "debug" | "trace" | "off" => {
            format!("keywire={level},tower_lsp_server=warn")
        }
        other => other.to_string(),
    }
}

/// Ok when `level` is a usable `logLevel`; else why not.
pub(crate) fn check_log_level(level: &str) -> Result<(), String> {
    parse_filter(&log_directive(level))
        .map(|_| ())
        .map_err(|e| format!("invalid log level {level:?}: {e}"))
}

/// Apply the `logLevel` setting (`error`, `warn`, `info`, `debug`, `trace`, `off`, or a
/// `RUST_LOG`-style list of `target=level` directives). `RUST_LOG` wins when set.
pub(crate) fn set_log_level(level: &str) {
    let Some(handle) = LOG_FILTER.get() else {
        return;
    };
    let directive = log_directive(level);
    match parse_filter(&directive) {
        Ok(filter) => {
            let _ = handle.reload(filter);
        }
        Err(e) => tracing::warn!("ignoring logLevel {level:?}: {e}"),
    }
}

/// Run the server on stdin/stdout until `exit` (or end of input). Returns the process exit
/// code: 0 after `shutdown` then `exit`, 1 otherwise (as the LSP specification asks).
pub fn run() -> u8 {
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Do not wait for an indexing walk still running on the blocking pool.
    runtime.shutdown_timeout(Duration::from_millis(200));
    code
}

/// Serve one client over any byte streams (stdio, or an in-memory pipe in tests). Returns
/// 0 when the client sent `shutdown` before `exit`, else 1.
pub async fn serve<I, O>(input: I, output: O) -> u8
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (service, socket) = LspService::build(move |client| Backend::new(client, flag.clone()))
        .custom_method("keywire/debugDocumentText", Backend::debug_document_text)
        .finish();
    // Malformed messages are filtered out before tower-lsp-server's reader sees them.
    let (filtered, filter_end) = tokio::io::duplex(1 << 16);
    let filter = transport::filter(input, filter_end);
    let serve = Server::new(filtered, output, socket).serve(service);
    tokio::pin!(filter, serve);
    let mut input_done = false;
    loop {
        tokio::select! {
            () = &mut serve => break,
            () = &mut filter, if !input_done => input_done = true,
        }
    }
    tracing::info!("language server stopped");
    if shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::check_log_level;

    #[test]
    fn log_levels_and_directives() {
        for ok in [
            "trace",
            "off",
            "keywire=debug",
            "keywire=debug,tower_lsp_server=warn",
        ] {
            assert_eq!(check_log_level(ok), Ok(()), "{ok}");
        }
        for bad in ["keywire=loud", "keywire=trace=trace"] {
            assert!(check_log_level(bad).is_err(), "{bad}");
        }
    }
}
