//! The rule reference (`docs/rules.md`, with the rule table at its top) is
//! generated from the rule metadata and docs; CI fails when it is stale.
//! Regenerate with `ACTLINT_UPDATE_DOCS=1 cargo test --test it generated_docs`.

use std::path::Path;

use actlint::rules::docs;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn update() -> bool {
    std::env::var_os("ACTLINT_UPDATE_DOCS").is_some()
}

#[test]
fn rules_reference_is_current() {
    let path = root().join("docs/rules.md");
    let expected = docs::reference_markdown();
    if update() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `ACTLINT_UPDATE_DOCS=1 cargo test --test it generated_docs` and commit the result"
    );
}

#[test]
fn rules_command_lists_every_rule() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_actlint"))
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed: Vec<&str> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    let registered: Vec<&str> = actlint::rules::all_meta().iter().map(|m| m.code).collect();
    assert_eq!(listed, registered);
    let act205 = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "ACT205")
        .unwrap();
    assert_eq!(act205["enabled_by_default"], false);

    let text = std::process::Command::new(env!("CARGO_BIN_EXE_actlint"))
        .arg("rules")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for code in registered {
        assert!(text.contains(code), "`actlint rules` does not list {code}");
    }
}
