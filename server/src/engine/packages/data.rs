//! What each AutoGen distribution and `openai` installs, by version: the import names it
//! provides, the distributions it pulls in, and the `openai` it needs. Read from the published
//! wheels (top-level packages and `Requires-Dist` of each line's releases):
//!
//! - `pyautogen` 0.1.14 (`autogen`, `openai<1`), 0.2.35 (`autogen`, `openai>=1.3`), 0.3.2
//!   (`autogen`, `openai>=1.3`), 0.8.0 (`autogen`, AG2), 0.10.0 (only an empty `pyautogen`
//!   package and `Requires-Dist: autogen-agentchat>=0.6.4`);
//! - `ag2` 0.8.0 (no package of its own, `Requires-Dist: pyautogen==0.8.0`), 0.9.9
//!   (`autogen`), 1.2.1 (`ag2` only, with `ag2/config/`);
//! - `autogen` 0.14.1 (`autogen`, AG2 classic);
//! - `autogen-agentchat` 0.2.40 (`autogen`, `openai>=1.3`), 0.4.x–0.7.5 (`autogen_agentchat`,
//!   `autogen-core`); `autogen-ext` 0.4.0–0.7.5 (`autogen_ext`, `autogen-core`); `autogen-core`
//!   0.4.0–0.7.5 (`autogen_core`);
//! - `autogen.LLMConfig`: exported by `autogen/__init__.py` from AG2 0.8 on.

/// One range of releases of a distribution: `[from, below)` (empty strings: unbounded).
#[derive(Debug)]
pub struct Line {
    pub dist: &'static str,
    pub from: &'static str,
    pub below: &'static str,
    /// Top-level import names it installs.
    pub imports: &'static [&'static str],
    /// Distributions it installs with it (whose imports it therefore provides).
    pub requires: &'static [&'static str],
    /// The `openai` it requires, when it requires one.
    pub openai: Option<&'static str>,
    /// Has `autogen.LLMConfig`.
    pub llm_config: bool,
    /// Which AutoGen API the line is.
    pub api: Api,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// Microsoft's AutoGen 0.1 (`openai<1`).
    Classic01,
    /// Microsoft's AutoGen 0.2.
    Classic02,
    /// AG2 0.x (`autogen`, 0.2-compatible).
    Ag2Classic,
    /// AG2 1.x (`ag2`).
    Ag2,
    /// AutoGen 0.4+ (`autogen_agentchat`, `autogen_ext`, `autogen_core`).
    V04,
    /// `openai` itself.
    OpenAi,
}

impl Api {
    pub fn describe(self) -> &'static str {
        match self {
            Api::Classic01 => "AutoGen 0.1",
            Api::Classic02 => "AutoGen 0.2",
            Api::Ag2Classic => "AG2 0.x (`autogen`)",
            Api::Ag2 => "AG2 1.x (`ag2`)",
            Api::V04 => "AutoGen 0.4+",
            Api::OpenAi => "openai",
        }
    }
}

const fn line(
    dist: &'static str,
    from: &'static str,
    below: &'static str,
    imports: &'static [&'static str],
    api: Api,
) -> Line {
    Line {
        dist,
        from,
        below,
        imports,
        requires: &[],
        openai: None,
        llm_config: false,
        api,
    }
}

pub const LINES: &[Line] = &[
    Line {
        openai: Some("<1"),
        ..line("pyautogen", "", "0.2", &["autogen"], Api::Classic01)
    },
    Line {
        openai: Some(">=1.3"),
        ..line("pyautogen", "0.2", "0.3", &["autogen"], Api::Classic02)
    },
    Line {
        openai: Some(">=1.3"),
        ..line("pyautogen", "0.3", "0.8", &["autogen"], Api::Ag2Classic)
    },
    Line {
        llm_config: true,
        ..line("pyautogen", "0.8", "0.10", &["autogen"], Api::Ag2Classic)
    },
    Line {
        requires: &["autogen-agentchat"],
        ..line("pyautogen", "0.10", "", &["pyautogen"], Api::V04)
    },
    line("ag2", "", "0.8", &["autogen"], Api::Ag2Classic),
    Line {
        llm_config: true,
        ..line("ag2", "0.8", "1", &["autogen"], Api::Ag2Classic)
    },
    line("ag2", "1", "", &["ag2"], Api::Ag2),
    line("autogen", "", "0.8", &["autogen"], Api::Ag2Classic),
    Line {
        llm_config: true,
        ..line("autogen", "0.8", "", &["autogen"], Api::Ag2Classic)
    },
    Line {
        openai: Some(">=1.3"),
        ..line("autogen-agentchat", "", "0.4", &["autogen"], Api::Classic02)
    },
    Line {
        requires: &["autogen-core"],
        ..line(
            "autogen-agentchat",
            "0.4",
            "",
            &["autogen_agentchat"],
            Api::V04,
        )
    },
    Line {
        requires: &["autogen-core"],
        ..line("autogen-ext", "0.4", "", &["autogen_ext"], Api::V04)
    },
    line("autogen-core", "0.4", "", &["autogen_core"], Api::V04),
    line("openai", "", "", &["openai"], Api::OpenAi),
];

/// The distributions keywire judges.
pub const AUTOGEN_DISTS: &[&str] = &[
    "pyautogen",
    "ag2",
    "autogen",
    "autogen-agentchat",
    "autogen-ext",
    "autogen-core",
];

pub const OPENAI: &str = "openai";

/// Import names of AutoGen distributions: a module importing one of these is judged.
pub const AUTOGEN_IMPORTS: &[&str] = &[
    "autogen",
    "ag2",
    "autogen_agentchat",
    "autogen_ext",
    "autogen_core",
];

/// What to write in a manifest so that `import` works, keeping the distribution the line names
/// when one of its releases provides the import (`(dist, import, needs LLMConfig, specifier)`).
pub const REPAIRS: &[(&str, &str, bool, &str)] = &[
    ("pyautogen", "autogen", false, "<0.10"),
    ("pyautogen", "autogen", true, ">=0.8,<0.10"),
    ("ag2", "autogen", false, "<1"),
    ("ag2", "autogen", true, ">=0.8,<1"),
    ("ag2", "ag2", false, ">=1"),
    ("autogen", "autogen", true, ">=0.8"),
    ("autogen-agentchat", "autogen", false, "~=0.2.0"),
    ("autogen-agentchat", "autogen_agentchat", false, ">=0.4"),
    ("autogen-ext", "autogen_ext", false, ">=0.4"),
    ("autogen-core", "autogen_core", false, ">=0.4"),
];
