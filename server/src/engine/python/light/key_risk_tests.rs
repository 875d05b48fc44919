//! No fact KW104 reads ever stays in a file the prefilter keeps light.

use super::super::{extract, prefilter, Relevance};
use crate::engine::secrets::looks_like_key;

/// Every fact KW104 could report (a secret constant or an env write whose value looks like
/// a key) is in a file the prefilter sends to the parser, whatever the spelling.
#[test]
fn kw104_facts_never_stay_in_light_files() {
    let key = "sk-proj-9fQ2xLr7Tb4WmZ1cVn8KpE3sHd6JyA0u";
    let (a, b) = key.split_at(19);
    let values = [
        format!("\"{key}\""),
        format!("'{key}'"),
        format!("r'{key}'"),
        format!("(\"{key}\")"),
        format!("(  # comment\n    \"{a}\"\n    \"{b}\"\n)"),
        format!("\"{a}\" \\\n    \"{b}\""),
        format!("'''{key}'''"),
        format!("\"\\x73k-proj-{}\"", &key[8..]),
    ];
    let targets = [
        "OPENAI_API_KEY",
        "api_key",
        "Token",
        "db_password",
        "MY_SECRET",
        "creds",
    ];
    let mut checked = 0;
    for value in &values {
        for target in targets {
            for template in [
                "{t} = {v}\n",
                "{t}: str = {v}\n",
                "import os\n\nclass C:\n    {t} = {v}\n",
                "if True:\n    {t} = {v}\nelse: {t} = {v}\n",
                "x = 1; {t} = {v}\n",
                "import os\nos.environ[\"{t}\"] = {v}\n",
                "import os\nos.environ.setdefault(\"{t}\", {v})\n",
                "from os import environ\nenviron.update({{\"{t}\": {v}}})\n",
                "import os\nos.environ.update({t}={v})\n",
                "import os\n\ndef f():\n    os.environ[\"{t}\"] = {v}\n",
                "import os\nos.environ[\"{t}\"] = (  # c\n    {v})\n",
                "import os\nos.environ.setdefault(\n    \"{t}\",\n    {v},\n)\n",
                "import os\nos.environ.update({{\n    \"{t}\":\n        {v}}})\n",
                "def f():\n    {t} = {v}\n",
            ] {
                let text = template.replace("{t}", target).replace("{v}", value);
                let facts = extract(&text);
                let reportable = facts
                    .secret_constants
                    .iter()
                    .any(|c| looks_like_key(&c.value.value))
                    || facts
                        .env_writes
                        .iter()
                        .any(|w| w.value.as_ref().is_some_and(|v| looks_like_key(&v.value)));
                if reportable {
                    checked += 1;
                    assert_eq!(
                        prefilter(&text).relevance,
                        Relevance::Full,
                        "a KW104 fact in a file the prefilter keeps from the parser:\n{text}"
                    );
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} cases had a KW104 fact");
}
