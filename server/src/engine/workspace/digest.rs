//! A digest of everything the rules read from a workspace: two workspaces with the same digest
//! give the same findings, so a report made from one serves the other (the report cache,
//! `project/findings_cache.rs`). Python modules and notebooks count by their content hash, which
//! the caller gives: their facts are made from their text, and the rules read that text too.

use std::fmt::{self, Debug, Write};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use super::Workspace;

impl Workspace {
    /// The digest, or None when `module_hash` does not know a module's text.
    pub fn digest(&self, module_hash: impl Fn(&Path) -> Option<u64>) -> Option<u64> {
        // Every field by name: a field added to the workspace does not compile until it is
        // either hashed here or said to be derived from the others.
        let Workspace {
            root,
            config,
            python,
            envs,
            config_lists,
            deploy,
            dirs,
            runners,
            compose_runs,
            workflows,
            packages,
            derived: _,
        } = self;
        let mut h = DefaultHasher::new();
        root.hash(&mut h);
        hash_debug(&mut h, config);
        // Summed, so that the map's order does not matter and no sort is needed.
        let mut modules = 0u64;
        for path in python.keys() {
            let mut m = DefaultHasher::new();
            (path.as_os_str().as_encoded_bytes(), module_hash(path)?).hash(&mut m);
            modules = modules.wrapping_add(m.finish());
        }
        (python.len(), modules).hash(&mut h);
        for (path, file) in envs {
            (path, &file.text, file.template).hash(&mut h);
            hash_debug(&mut h, &file.git);
        }
        for (path, file) in config_lists {
            (path, &file.text, file.template).hash(&mut h);
            hash_debug(&mut h, &file.git);
        }
        for (path, file) in deploy {
            (path, &file.text).hash(&mut h);
        }
        for (path, file) in workflows {
            (path, &file.text).hash(&mut h);
        }
        // Derived from files whose texts are not kept: what the rules see of them.
        hash_debug(&mut h, dirs);
        hash_debug(&mut h, runners);
        hash_debug(&mut h, compose_runs);
        hash_debug(&mut h, packages);
        Some(h.finish())
    }
}

/// Hash a value's `Debug` form (every type it holds orders its items: no hash map).
fn hash_debug(h: &mut DefaultHasher, value: &impl Debug) {
    struct Sink<'a>(&'a mut DefaultHasher);
    impl Write for Sink<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let _ = write!(Sink(h), "{value:?}");
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::engine::config::Config;
    use crate::engine::workspace::{GitStatus, Workspace};

    fn base() -> Workspace {
        let mut ws = Workspace::new("/p", Config::default());
        ws.set_python("/p/app.py".into(), "import os\n");
        ws.set_env("/p/.env".into(), "OPENAI_API_KEY=x\n", GitStatus::default());
        ws
    }

    fn digest(ws: &Workspace) -> u64 {
        ws.digest(|_: &Path| Some(1)).unwrap()
    }

    #[test]
    fn the_digest_follows_every_input() {
        let d = digest(&base());
        assert_eq!(d, digest(&base()), "not deterministic");
        let mut other = base();
        other.set_env("/p/.env".into(), "OPENAI_API_KEY=y\n", GitStatus::default());
        assert_ne!(d, digest(&other), "a .env text");
        let mut other = base();
        other.set_env("/p/.env".into(), "OPENAI_API_KEY=x\n", GitStatus::Ignored);
        assert_ne!(d, digest(&other), "a .env's place in git");
        let mut other = base();
        other.set_python("/p/b.py".into(), "x = 1\n");
        assert_ne!(d, digest(&other), "a new module");
        let mut other = base();
        other.config.ignore.push("KW101".into());
        assert_ne!(d, digest(&other), "the configuration");
        let mut other = base();
        other.set_workflow("/p/.github/workflows/ci.yml".into(), "on: push\n");
        assert_ne!(d, digest(&other), "a workflow");
        assert_ne!(
            d,
            base().digest(|_: &Path| Some(2)).unwrap(),
            "a module's text"
        );
        assert_eq!(base().digest(|_: &Path| None), None);
    }
}
