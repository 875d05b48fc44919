use super::*;

fn spans<'a>(text: &'a str, m: &Manifest) -> Vec<(&'a str, String)> {
    m.requirements
        .iter()
        .map(|r| (&text[r.span.start..r.span.end], r.name.clone()))
        .collect()
}

#[test]
fn requirements_lines_options_comments_and_includes() {
    let text = "# tools\n-r base.txt\n--constraint c.txt\n-e .\npyautogen==0.2.35  # pinned\n\
                Autogen_AgentChat >= 0.4 ; python_version >= \"3.10\"\n\
                openai[datalib]<1 --hash=sha256:abc\nnot a requirement !!\nhttps://x/y.whl\n  \n";
    let m = manifest(ManifestKind::Requirements, text);
    assert_eq!(m.includes, ["base.txt"]);
    assert_eq!(m.constraints, ["c.txt"]);
    assert_eq!(
        spans(text, &m),
        [
            ("pyautogen==0.2.35", "pyautogen".into()),
            ("Autogen_AgentChat >= 0.4", "autogen-agentchat".into()),
            ("openai[datalib]<1", "openai".into()),
        ]
    );
    assert_eq!(m.requirements[2].extras, ["datalib"]);
    let v = |s: &str| Version::from_str(s).unwrap();
    assert!(m.requirements[0].admits(&v("0.2.35")));
    assert!(!m.requirements[0].admits(&v("0.2.34")));
    assert!(!m.requirements[2].admits(&v("1.0.0")));
}

#[test]
fn pyproject_pep621_groups_and_poetry() {
    let text = r#"
[project]
name = "My_App"
dependencies = ["autogen-agentchat>=0.4", 'openai']
[project.optional-dependencies]
ext = ["autogen-ext[openai]~=0.4.0"]
[dependency-groups]
dev = ["pytest", {include-group = "ext"}]
[tool.poetry.dependencies]
python = "^3.10"
pyautogen = "^0.2.3"
ag2 = { version = "~0.9", extras = ["openai"] }
local = { path = "../x" }
"#;
    let m = manifest(ManifestKind::Pyproject, text);
    assert_eq!(m.own_name.as_deref(), Some("my-app"));
    assert_eq!(m.problem, None);
    let got = spans(text, &m);
    assert_eq!(
        got,
        [
            ("autogen-agentchat>=0.4", "autogen-agentchat".into()),
            ("openai", "openai".into()),
            ("autogen-ext[openai]~=0.4.0", "autogen-ext".into()),
            ("pytest", "pytest".into()),
            ("^0.2.3", "pyautogen".into()),
            ("~0.9", "ag2".into()),
        ]
    );
    assert_eq!(m.requirements[4].spec_text(), ">=0.2.3, <0.3");
    assert_eq!(m.requirements[5].spec_text(), ">=0.9, <0.10");
    assert_eq!(m.requirements[5].extras, ["openai"]);
}

#[test]
fn poetry_constraints() {
    let spec = |s: &str| poetry_constraint(s).map(|o| o.map(|s| s.to_string()));
    assert_eq!(spec("^1.2.3"), Some(Some(">=1.2.3, <2".into())));
    assert_eq!(spec("^0.0.3"), Some(Some(">=0.0.3, <0.0.4".into())));
    assert_eq!(spec("~1"), Some(Some(">=1, <2".into())));
    assert_eq!(spec("*"), Some(None));
    assert_eq!(spec("1.2.*"), Some(Some("==1.2.*".into())));
    assert_eq!(spec(">=1,<2 || ^3"), Some(Some(">=3, <4".into())));
    assert_eq!(spec("^banana"), None);
}

#[test]
fn pipfile_setup_cfg_and_conda() {
    let text = "[packages]\npyautogen = \"==0.2.35\"\nopenai = \"*\"\n[dev-packages]\nag2 = {version = \">=0.9\"}\n";
    let m = manifest(ManifestKind::Pipfile, text);
    assert_eq!(
        spans(text, &m),
        [
            ("==0.2.35", "pyautogen".into()),
            ("*", "openai".into()),
            (">=0.9", "ag2".into())
        ]
    );

    let text = "[metadata]\nname = x\n[options]\npackages = find:\ninstall_requires =\n    pyautogen>=0.2  # ok\n    openai<1\npython_requires = >=3.8\n[options.extras_require]\next = autogen-ext\n";
    let m = manifest(ManifestKind::SetupCfg, text);
    assert_eq!(
        spans(text, &m),
        [
            ("pyautogen>=0.2", "pyautogen".into()),
            ("openai<1", "openai".into()),
            ("autogen-ext", "autogen-ext".into())
        ]
    );

    let text = "name: x\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - pyautogen==0.2.35\n    - \"openai>=1\"\n";
    let m = manifest(ManifestKind::CondaEnv, text);
    assert_eq!(
        spans(text, &m),
        [
            ("pyautogen==0.2.35", "pyautogen".into()),
            ("openai>=1", "openai".into())
        ]
    );
}

#[test]
fn broken_files_say_why() {
    let m = manifest(ManifestKind::Pyproject, "[project\nname=");
    assert!(m.problem.as_deref().unwrap().starts_with("not valid TOML"));
    let m = manifest(ManifestKind::CondaEnv, "a: [");
    assert!(m.problem.is_some());
    let l = lock(LockKind::Pipenv, "{");
    assert!(l.problem.is_some());
    let l = lock(LockKind::Uv, "[[package]]\nname = 1");
    assert!(l.problem.is_some() || l.versions.is_empty());
}

#[test]
fn locks_and_metadata() {
    let l = lock(
        LockKind::Uv,
        "version = 1\n[[package]]\nname = \"Autogen-Core\"\nversion = \"0.4.9\"\n[[package]]\nname = \"openai\"\nversion = \"1.51.0\"\nsource = { registry = \"x\" }\n",
    );
    assert_eq!(l.versions["autogen-core"].to_string(), "0.4.9");
    assert_eq!(l.versions["openai"].to_string(), "1.51.0");
    let l = lock(
        LockKind::Pipenv,
        r#"{"_meta": {}, "default": {"pyautogen": {"version": "==0.2.35"}}, "develop": {}}"#,
    );
    assert_eq!(l.versions["pyautogen"].to_string(), "0.2.35");
    let (name, v) =
        metadata("Metadata-Version: 2.1\nName: autogen_agentchat\nVersion: 0.7.5\n\nName: no\n")
            .unwrap();
    assert_eq!(
        (name.as_str(), v.to_string().as_str()),
        ("autogen-agentchat", "0.7.5")
    );
    assert_eq!(metadata("Name: x\n"), None);
}

#[test]
fn a_name_ending_in_a_separator_is_no_requirement() {
    // pep508_rs panics on these; the reader must not reach it.
    for text in [
        "pyautogen-=1.1.14\nopenai<1\n",
        "a_ >=1\n",
        "x.;",
        "-",
        "a-[x]",
    ] {
        let m = manifest(ManifestKind::Requirements, text);
        assert!(
            m.requirements.iter().all(|r| r.name != "pyautogen"),
            "{text}"
        );
    }
    let m = manifest(ManifestKind::Requirements, "pyautogen-=1.1.14\nopenai<1\n");
    assert_eq!(m.requirements.len(), 1);
}

#[test]
fn generated_lock_files_are_read_line_by_line_as_toml_reads_them() {
    let uv = "version = 1\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"ag2\"\nversion = \"0.9.9\"\nsource = { registry = \"https://pypi.org/simple\" }\ndependencies = [\n    { name = \"openai\" },\n]\n\n[package.optional-dependencies]\nopenai = [\n    { name = \"openai\" },\n]\n\n[[package.wheels]]\nurl = \"x\"\n\n[[package]]\nname = \"Openai\"\nversion = \"1.51.0\"\n\n[[package]]\nname = \"local\"\nsource = { editable = \".\" }\n";
    let poetry = "[[package]]\nname = \"pyautogen\"\nversion = \"0.2.35\"\ndescription = \"a \\\"quoted\\\" word\"\noptional = false\n\n[package.dependencies]\nopenai = \">=1.3\"\nname = \"not a package name\"\n\n[metadata]\nlock-version = \"2.0\"\n";
    let pdm = "[metadata]\ngroups = [\"default\"]\n\n[[package]]\nname = \"openai\"\nversion = \"1.51.0\"\nnames = \"x\"\ngroups = [\"default\"]\ndependencies = [\n    \"anyio<5,>=3.5.0\",\n]\nfiles = [\n    {file = \"x.whl\", hash = \"sha256:1\"},\n]\n";
    for text in [uv, poetry, pdm, &uv.replace('\n', "\r\n")] {
        let fast = generated_lock_versions(text).expect("read line by line");
        let doc = ImDocument::parse(text.to_string()).unwrap();
        let mut toml = BTreeMap::new();
        for p in doc["package"].as_array_of_tables().unwrap() {
            if let (Some(n), Some(v)) = (
                p.get("name").and_then(Item::as_str),
                p.get("version").and_then(Item::as_str),
            ) {
                toml.insert(normalize_name(n), Version::from_str(v).unwrap());
            }
        }
        assert_eq!(fast, toml, "{text}");
        assert_eq!(lock(LockKind::Uv, text).versions, toml);
    }
    // Anything unusual goes to the TOML parser.
    for odd in [
        "[[package]]\nname = 'ag2'\nversion = \"1\"\n",
        "[[package]]\nname=\"ag2\"\nversion = \"1\"\n",
        "[[package]]\n  name = \"ag2\"\nversion = \"1\"\n",
        "[[package]]\n\"name\" = \"ag2\"\nversion = \"1\"\n",
        "[[package]]\nname = \"ag2\" # pinned\nversion = \"1\"\n",
        "[[package]]\nname = \"a\\u0067\"\nversion = \"1\"\n",
        "[[package]]\nname = \"a\"\nname = \"b\"\n",
        "<<<<<<< HEAD\n[[package]]\nname = \"a\"\n",
        "[[package]]\ndescription = \"\"\"\n[[package]]\nname = \"x\"\n\"\"\"\n",
    ] {
        assert!(generated_lock_versions(odd).is_none(), "{odd}");
    }
    assert!(
        lock(LockKind::Uv, "<<<<<<< HEAD\n[[package]]\nname = \"a\"\n")
            .problem
            .is_some()
    );
}
