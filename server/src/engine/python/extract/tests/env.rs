//! Env reads and writes in every spelling, and dotenv load points with their paths.

use super::*;

// ----- env reads -------------------------------------------------------------------------

#[test]
fn env_reads_in_all_spellings() {
    let text = r#"import os
import os as o
from os import environ, getenv
from os import environ as env, getenv as ge
a = os.environ["A"]
b = os.environ.get("B")
c = os.environ.get("C", "d")
d = os.getenv("D")
e = os.getenv("E", default=None)
f = environ["F"]
g = environ.get('G')
h = getenv("H")
i = o.environ["I"]
j = env.get("J")
k = ge("K", "x")
l = os.environ[f"L{x}"]
m = os.environ[name]
n = os.getenv(b"N")
p = other.environ["P"]
def fn():
    return os.environ["Q"]
"#;
    let facts = extract(text);
    let got: Vec<(&str, EnvReadKind, bool, bool)> = facts
        .env_reads
        .iter()
        .map(|r| (r.name.as_str(), r.kind, r.has_default, r.module_level))
        .collect();
    use EnvReadKind::*;
    assert_eq!(
        got,
        vec![
            ("A", Subscript, false, true),
            ("B", EnvironGet, false, true),
            ("C", EnvironGet, true, true),
            ("D", Getenv, false, true),
            ("E", Getenv, true, true),
            ("F", Subscript, false, true),
            ("G", EnvironGet, false, true),
            ("H", Getenv, false, true),
            ("I", Subscript, false, true),
            ("J", EnvironGet, false, true),
            ("K", Getenv, true, true),
            ("Q", Subscript, false, false),
        ]
    );
    let a = &facts.env_reads[0];
    assert_eq!(at(text, a.span), r#"os.environ["A"]"#);
    assert_eq!(at(text, a.name_span), r#""A""#);
    assert_eq!(a.stmt_start, text.find("a = ").unwrap());
    let c = &facts.env_reads[2];
    assert_eq!(at(text, c.span), r#"os.environ.get("C", "d")"#);
    let g = &facts.env_reads[6];
    assert_eq!(at(text, g.name_span), "'G'");
    let q = facts.env_reads.last().unwrap();
    assert_eq!(q.stmt_start, text.find("def fn").unwrap());
}

#[test]
fn env_reads_without_os_import_do_not_count() {
    let text = "environ['A']\nos.environ['B']\ngetenv('C')\n";
    assert!(extract(text).env_reads.is_empty());
}

#[test]
fn env_read_names_decode_escapes_and_concatenation() {
    let text = "import os\nos.environ['A\\x42' 'C']\nos.getenv(r'D\\n')\n";
    let facts = extract(text);
    let names: Vec<&str> = facts.env_reads.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["ABC", "D\\n"]);
}

#[test]
fn env_reads_inside_fstrings_and_lambdas() {
    let text = "import os\nx = f\"{os.environ['A']}\"\ny = lambda: os.getenv('B')\n";
    let facts = extract(text);
    assert_eq!(facts.env_reads.len(), 2);
    assert!(facts.env_reads[0].module_level);
    assert!(!facts.env_reads[1].module_level);
}

#[test]
fn env_reads_in_prefixed_fstrings_only() {
    // Code in every spelling of an f-string prefix; none in other strings.
    let text = "import os\na = rf\"{os.environ['A']}\"\nb = Fr'{os.getenv(\"B\")}'\nc = \"{os.environ['C']}\"\nd = rb'{os.getenv(\"D\")}'\ne = F\"{os.environ['E']}\"\n";
    let names: Vec<String> = extract(text)
        .env_reads
        .iter()
        .map(|r| at(text, r.span).to_string())
        .collect();
    assert_eq!(
        names,
        vec!["os.environ['A']", "os.getenv(\"B\")", "os.environ['E']"]
    );
}

// ----- env writes ------------------------------------------------------------------------

#[test]
fn env_writes_in_all_spellings() {
    let text = r#"import os
os.environ["A"] = "va"
os.environ["B"] = compute()
os.environ.setdefault("C", "vc")
os.environ.update({"D": "vd", "E": x})
os.environ.update(F="vf")
del os.environ["G"]
"#;
    let facts = extract(text);
    assert!(facts.env_reads.is_empty(), "{:?}", facts.env_reads);
    let got: Vec<(&str, Option<&str>)> = facts
        .env_writes
        .iter()
        .map(|w| (w.name.as_str(), w.value.as_ref().map(|v| v.value.as_str())))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A", Some("va")),
            ("B", None),
            ("C", Some("vc")),
            ("D", Some("vd")),
            ("E", None),
            ("F", Some("vf")),
        ]
    );
    let a = &facts.env_writes[0];
    assert_eq!(at(text, a.span), r#"os.environ["A"] = "va""#);
    assert_eq!(at(text, a.name_span), r#""A""#);
    assert_eq!(at(text, a.value.as_ref().unwrap().span), r#""va""#);
    assert_eq!(
        at(text, facts.env_writes[2].span),
        r#"os.environ.setdefault("C", "vc")"#
    );
    assert_eq!(at(text, facts.env_writes[3].span), r#""D": "vd""#);
    assert_eq!(at(text, facts.env_writes[5].name_span), "F");
}

// ----- load points -----------------------------------------------------------------------

#[test]
fn load_points_and_paths() {
    let text = r#"import dotenv
from dotenv import load_dotenv as ld, dotenv_values, find_dotenv
from autogen import config_list_from_dotenv
load_dotenv()
ld()
dotenv.load_dotenv(".env.local", override=True)
ld(dotenv_path="a/.env")
ld(find_dotenv())
ld(find_dotenv(usecwd=True))
ld(path)
ld(override=True)
dotenv_values(".env")
config_list_from_dotenv(dotenv_file_path=".env")
config_list_from_dotenv()
def f():
    ld()
"#;
    let facts = extract(text);
    let got: Vec<(LoadKind, LoadPath, bool, bool, bool)> = facts
        .loads
        .iter()
        .map(|l| {
            (
                l.kind,
                l.path.clone(),
                l.override_env,
                l.has_dotenv_file_path,
                l.module_level,
            )
        })
        .collect();
    use LoadKind::*;
    assert_eq!(
        got,
        vec![
            (LoadDotenv, LoadPath::Default, false, false, true),
            (
                LoadDotenv,
                LoadPath::Literal(".env.local".into()),
                true,
                false,
                true
            ),
            (
                LoadDotenv,
                LoadPath::Literal("a/.env".into()),
                false,
                false,
                true
            ),
            (
                LoadDotenv,
                LoadPath::FindDotenv { usecwd: false },
                false,
                false,
                true
            ),
            (
                LoadDotenv,
                LoadPath::FindDotenv { usecwd: true },
                false,
                false,
                true
            ),
            (LoadDotenv, LoadPath::Unknown, false, false, true),
            (LoadDotenv, LoadPath::Default, true, false, true),
            (
                DotenvValues,
                LoadPath::Literal(".env".into()),
                false,
                false,
                true
            ),
            (
                ConfigListFromDotenv,
                LoadPath::Literal(".env".into()),
                false,
                true,
                true
            ),
            (ConfigListFromDotenv, LoadPath::Default, false, false, true),
            (LoadDotenv, LoadPath::Default, false, false, false),
        ]
    );
    // `load_dotenv()` unresolved (the first call): `load_dotenv` was never imported by name.
    assert_eq!(at(text, facts.loads[0].span), "ld()");
    let l = &facts.loads[1];
    assert_eq!(
        at(text, l.span),
        r#"dotenv.load_dotenv(".env.local", override=True)"#
    );
    assert_eq!(at(text, l.stmt_span), at(text, l.span));
    assert_eq!(l.stmt_start, l.stmt_span.start);
    let last = facts.loads.last().unwrap();
    assert_eq!(at(text, last.stmt_span), "def f():\n    ld()");
    assert_eq!(facts.edit_points.load_dotenv_name.as_deref(), Some("ld"));
}

#[test]
fn unimported_load_dotenv_is_not_a_load_point() {
    let facts = extract("load_dotenv()\n");
    assert!(facts.loads.is_empty());
}
