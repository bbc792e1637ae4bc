//! Real output validated by a real JSON Schema validator (Python's
//! `jsonschema`): `--format json` against docs/actlint-output.schema.json,
//! `--format sarif` against the SARIF 2.1.0 schema. Skipped with a message
//! when the validator is not installed, unless ACTLINT_REQUIRE_EXTERNAL=1.

use crate::external;

use std::path::{Path, PathBuf};
use std::process::Command;

use actlint::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use actlint::lint::{lint_bytes, Options};
use actlint::source::Span;
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn output_schema() -> PathBuf {
    root().join("docs/actlint-output.schema.json")
}

fn sarif_schema() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/schemas/sarif-schema-2.1.0.json"
    ))
}

/// The validator, or `None` (after saying why) when it is not installed.
fn validator_ready(test: &str) -> bool {
    if external::python_has("jsonschema") {
        return true;
    }
    external::missing(test, "python jsonschema");
    false
}

/// Runs actlint from the repository root (configuration files ignored) and
/// parses its standard output.
fn actlint_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
        .arg("--isolated")
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("actlint runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "actlint {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "actlint {args:?} printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A report that has what the fixtures lack today: a fix with edits, a
/// label without a message, a layer name.
fn report_with_fix() -> Value {
    let text = "layers:\n  - {name: out, type: Dense, units: 1, activation: softmax}\nloss: binary_crossentropy\n";
    let mut report = lint_bytes("fix.yaml", text.as_bytes(), &Options::default());
    let at = text.find("softmax").unwrap();
    let span = Span::new(at, at + "softmax".len());
    let units = text.find("units: 1").unwrap();
    report.diagnostics = vec![Diagnostic::new(
        "ACT101",
        "softmax-single-unit",
        Severity::Error,
        "softmax over a single unit always outputs 1.0",
    )
    .at(span, "always 1.0")
    .label(Span::new(units, units + 8), "")
    .layer(Some("out"))
    .fix(Fix {
        message: "use sigmoid".into(),
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            span,
            replacement: "sigmoid".into(),
        }],
    })];
    report.diagnostics[0].secondary[0].message = None;
    serde_json::from_str(&actlint::render::json::render(&[report])).expect("JSON output")
}

fn assert_valid(schema: &Path, named: &[(&str, Value)]) {
    let instances: Vec<Value> = named.iter().map(|(_, v)| v.clone()).collect();
    let report = external::validate(schema, &instances);
    for ((name, _), errors) in named.iter().zip(&report) {
        assert!(
            errors.is_empty(),
            "{name} does not match {}:\n{}",
            schema.display(),
            errors.join("\n")
        );
    }
}

fn assert_invalid(schema: &Path, named: &[(&str, Value)]) {
    let instances: Vec<Value> = named.iter().map(|(_, v)| v.clone()).collect();
    let report = external::validate(schema, &instances);
    for ((name, _), errors) in named.iter().zip(&report) {
        assert!(
            !errors.is_empty(),
            "{name} should be rejected by {}",
            schema.display()
        );
    }
}

#[test]
fn json_output_matches_its_schema() {
    if !validator_ready("json_output_matches_its_schema") {
        return;
    }
    let all = actlint_json(&["--format", "json", "fixtures"]);
    // The run covers what the schema distinguishes.
    let diagnostics = all["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| d["line"].is_null()),
        "no finding without a place"
    );
    assert!(
        diagnostics.iter().any(|d| d["member"].is_string()),
        "no archive member"
    );
    assert!(
        diagnostics.iter().any(|d| d["layer"].is_string()),
        "no layer name"
    );
    assert!(
        all["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["status"] == "skipped"),
        "no skipped file"
    );
    let layers: Vec<&Value> = all["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["layers"].as_array().unwrap().iter())
        .collect();
    let shape_has = |test: &dyn Fn(&Value) -> bool| {
        layers.iter().any(|l| {
            l["output_shape"]
                .as_array()
                .is_some_and(|s| s.iter().any(test))
        })
    };
    assert!(shape_has(&|d| d.is_u64()), "no layer with a known size");
    assert!(shape_has(&|d| d.is_null()), "no layer with an unknown size");
    assert!(
        layers.iter().any(|l| l["output_shape"].is_null()),
        "no layer with an unknown shape"
    );
    let fixed = report_with_fix();
    assert!(fixed["diagnostics"][0]["fix"].is_object());
    assert_valid(
        &output_schema(),
        &[
            ("`actlint --format json fixtures`", all.clone()),
            (
                "`actlint --format json fixtures/ok` (clean)",
                actlint_json(&["--format", "json", "fixtures/ok"]),
            ),
            ("a report with a fix", fixed),
            (
                "`actlint --statistics --format json fixtures`",
                actlint_json(&["--statistics", "--format", "json", "fixtures"]),
            ),
            (
                "`actlint --statistics --format json fixtures/ok`",
                actlint_json(&["--statistics", "--format", "json", "fixtures/ok"]),
            ),
        ],
    );

    // The schema is strict: what json.rs does not write is rejected.
    let placed = diagnostics
        .iter()
        .position(|d| d["line"].is_u64())
        .expect("a finding with a place");
    let mut extra_field = all.clone();
    extra_field["diagnostics"][0]["url"] = json!("https://example.invalid");
    let mut missing_summary = all.clone();
    missing_summary.as_object_mut().unwrap().remove("summary");
    let mut bad_severity = all.clone();
    bad_severity["diagnostics"][0]["severity"] = json!("fatal");
    let mut column_zero = all.clone();
    column_zero["diagnostics"][placed]["column"] = json!(0);
    let mut half_position = all.clone();
    half_position["diagnostics"][placed]["line"] = Value::Null;
    let mut skipped_without_reason = all.clone();
    skipped_without_reason["files"][0] = json!({"file": "x.yaml", "status": "skipped"});
    assert_invalid(
        &output_schema(),
        &[
            ("an unknown diagnostic field", extra_field),
            ("a document without summary", missing_summary),
            ("an unknown severity", bad_severity),
            ("column 0", column_zero),
            ("a line of null with a column", half_position),
            ("a skipped file without a reason", skipped_without_reason),
        ],
    );
}

#[test]
fn sarif_output_matches_the_sarif_schema() {
    if !validator_ready("sarif_output_matches_the_sarif_schema") {
        return;
    }
    let schema = sarif_schema();
    assert!(schema.is_file(), "{} is missing", schema.display());
    let all = actlint_json(&["--format", "sarif", "fixtures"]);
    let clean = actlint_json(&["--format", "sarif", "fixtures/ok"]);
    assert_eq!(clean["runs"][0]["results"], json!([]));
    let results = all["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
    assert_valid(
        &schema,
        &[
            ("`actlint --format sarif fixtures`", all.clone()),
            ("`actlint --format sarif fixtures/ok` (clean)", clean),
        ],
    );

    let mut line_zero = all.clone();
    line_zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    let mut bad_level = all.clone();
    bad_level["runs"][0]["results"][0]["level"] = json!("info");
    let mut no_version = all.clone();
    no_version.as_object_mut().unwrap().remove("version");
    assert_invalid(
        &schema,
        &[
            ("a region at line 0", line_zero),
            ("level `info`", bad_level),
            ("a log without version", no_version),
        ],
    );
}

/// What GitHub code scanning needs beyond the schema.
#[test]
fn sarif_output_has_what_github_code_scanning_needs() {
    let log = actlint_json(&["--format", "sarif", "fixtures"]);
    let run = &log["runs"][0];
    assert!(run["columnKind"].is_string());
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "actlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    for rule in rules {
        assert!(rule["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(rule["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        let code = rule["id"].as_str().unwrap();
        let doc = actlint::rules::find(code).unwrap().doc;
        assert_eq!(rule["help"]["text"], doc, "{code}: help is the rule's doc");
    }
    let mut prints = std::collections::HashSet::new();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 20);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let location = &r["locations"][0]["physicalLocation"];
        assert!(
            location["region"]["startLine"].as_u64().unwrap() >= 1,
            "{r:#}"
        );
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("fixtures/"),
            "repository-relative uri: {uri}"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let print = r["partialFingerprints"]["actlint/v1"].as_str().unwrap();
        assert!(
            prints.insert(print.to_string()),
            "duplicate fingerprint {print}"
        );
    }
}
