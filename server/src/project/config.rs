//! Config discovery: the nearest `keywire.toml`, or `pyproject.toml` with a `[tool.keywire]`
//! table, at or above a directory.
//!
//! Owns finding and reading the config file; parsing and validating it is the engine's
//! ([`Config`]). Must never look below the start directory.

use std::fs;
use std::path::{Path, PathBuf};

use super::LoadError;
use crate::engine::config::Config;

/// A configuration file found by [`find_config`].
#[derive(Clone, Debug)]
pub struct FoundConfig {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub config: Config,
    /// The file's text, as read when it was found (the language server reads its rule
    /// settings from it).
    pub text: String,
}

/// The nearest directory at or above `start` with a keywire.toml, or a pyproject.toml with a
/// `[tool.keywire]` table (keywire.toml wins in the same directory).
pub fn find_config(start: &Path) -> Result<Option<FoundConfig>, LoadError> {
    for dir in start.ancestors() {
        let file = dir.join("keywire.toml");
        if file.is_file() {
            let text = read_config(&file)?;
            let config = Config::from_keywire_toml(&text, &file)?;
            return Ok(Some(FoundConfig {
                dir: dir.to_path_buf(),
                file,
                config,
                text,
            }));
        }
        let file = dir.join("pyproject.toml");
        if file.is_file() {
            let text = read_config(&file)?;
            if let Some(config) = Config::from_pyproject(&text, &file)? {
                return Ok(Some(FoundConfig {
                    dir: dir.to_path_buf(),
                    file,
                    config,
                    text,
                }));
            }
        }
    }
    Ok(None)
}

fn read_config(path: &Path) -> Result<String, LoadError> {
    fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::testing::write;

    #[test]
    fn pyproject_needs_a_keywire_table_and_keywire_toml_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        write(
            &root.join("pyproject.toml"),
            "[tool.keywire]\nignore = [\"KW1\"]\n",
        );
        write(
            &root.join("sub/pyproject.toml"),
            "[project]\nname = \"x\"\n",
        );
        write(&root.join("sub/deep/a.py"), "");
        let found = find_config(&root.join("sub/deep")).unwrap().unwrap();
        assert_eq!(found.dir, root);
        assert_eq!(found.config.ignore, vec!["KW1".to_string()]);
        write(&root.join("keywire.toml"), "ignore = [\"KW2\"]\n");
        let found = find_config(&root.join("sub/deep")).unwrap().unwrap();
        assert_eq!(found.file, root.join("keywire.toml"));
        write(&root.join("sub/keywire.toml"), "bogus = 1\n");
        let err = find_config(&root.join("sub/deep")).unwrap_err();
        assert!(err.to_string().contains("bogus: unknown key"), "{err}");
    }
}
