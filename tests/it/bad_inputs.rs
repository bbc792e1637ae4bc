//! Malformed and hostile inputs (`fixtures/bad/`): each gives a precise
//! diagnostic (snapshotted as a user sees it) and never a panic, and a run
//! over all of them together still reports a good file next to them.

use std::path::{Path, PathBuf};
use std::process::Command;

use actlint::lint::{lint_bytes, lint_path, FileReport, Options, Status};
use actlint::render::human::{render, Style};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bad_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/bad"))
        .expect("fixtures/bad exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    files.sort();
    files
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// What a user sees for one file: the status, then the human output.
fn shown(report: &FileReport) -> String {
    let status = match &report.status {
        Status::Linted { models: 1 } => "linted: 1 model".to_string(),
        Status::Linted { models } => format!("linted: {models} models"),
        Status::Skipped { reason } => format!("skipped: {reason}"),
    };
    let style = Style {
        color: false,
        width: 100,
    };
    let out = render(std::slice::from_ref(report), &style);
    format!("status: {status}\n{out}")
}

/// Files that must lint clean: a BOM is fine.
const CLEAN: &[&str] = &["bom.keras.json", "bom.yaml"];

#[test]
fn there_are_at_least_forty_bad_inputs() {
    assert!(bad_files().len() >= 40, "{}", bad_files().len());
}

#[test]
fn each_bad_input_has_its_diagnostic() {
    for path in bad_files() {
        let name = name_of(&path);
        let display = format!("fixtures/bad/{name}");
        let report = lint_path(&path, &display, &Options::default()).expect("readable");
        assert!(
            !report.internal_error(),
            "{name}: {:#?}",
            report.diagnostics
        );
        let skipped = matches!(report.status, Status::Skipped { .. });
        if CLEAN.contains(&name.as_str()) {
            assert!(
                report.diagnostics.is_empty(),
                "{name}: {:#?}",
                report.diagnostics
            );
        } else {
            assert!(
                skipped || !report.diagnostics.is_empty(),
                "{name} gives no diagnostic"
            );
        }
        insta::assert_snapshot!(name.replace('.', "_"), shown(&report));
    }
}

/// 200,000 levels of block nesting (400 KB), made here rather than kept in
/// the repository; the flow-style deep files are in `fixtures/bad/`.
#[test]
fn deep_block_nesting_is_bounded() {
    let mut text = String::from("layers:\n");
    text.push_str(&"- ".repeat(200_000));
    text.push_str("x\n");
    let report = lint_bytes("deep.yaml", text.as_bytes(), &Options::default());
    assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
    let d = &report.diagnostics[0];
    assert_eq!(d.code, "ACT000");
    assert_eq!(
        d.message,
        "invalid YAML: nesting deeper than 256 levels (depth limit, `max-depth`)"
    );
    // The label is where the limit is crossed: the top-level mapping is
    // level 1, so the 256th sequence is level 257.
    let span = d.primary.as_ref().unwrap().span;
    assert_eq!(span.start, "layers:\n".len() + 2 * 255);
}

/// The whole directory and a good model, in one run of the binary: every
/// bad file is reported, the good one is linted and clean, and the run
/// ends normally (exit 1: findings, not 2: no I/O or internal error).
#[test]
fn all_bad_inputs_together_with_a_good_file() {
    let good = "fixtures/ok/binary_classifier.yaml";
    let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
        .current_dir(root())
        .args(["--format", "json", "fixtures/bad", good])
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert_eq!(out.status.code(), Some(1), "{stderr}\n{stdout}");
    assert_eq!(stderr, "", "nothing on stderr");
    let doc: Value = serde_json::from_str(&stdout).expect("JSON output");
    let files = doc["files"].as_array().expect("files");
    let diagnostics = doc["diagnostics"].as_array().expect("diagnostics");
    let codes_of = |file: &str| -> Vec<&str> {
        diagnostics
            .iter()
            .filter(|d| d["file"] == file)
            .map(|d| d["code"].as_str().unwrap())
            .collect()
    };
    let status_of = |file: &str| -> Option<&str> {
        files
            .iter()
            .find(|f| f["file"] == file)
            .and_then(|f| f["status"].as_str())
    };

    assert_eq!(status_of(good), Some("linted"), "{doc:#}");
    assert!(codes_of(good).is_empty(), "{doc:#}");
    // The directory walk finds the model extensions (.json, .yaml, .keras,
    // .h5, .hdf5).
    let walked: Vec<String> = bad_files()
        .iter()
        .map(|p| name_of(p))
        .filter(|n| {
            [".json", ".yaml", ".yml", ".keras", ".h5", ".hdf5"]
                .iter()
                .any(|e| n.ends_with(e))
        })
        .collect();
    assert!(walked.len() >= 40);
    for name in &walked {
        let file = format!("fixtures/bad/{name}");
        let status = status_of(&file);
        assert!(status.is_some(), "{file} is reported: {doc:#}");
        let codes = codes_of(&file);
        if CLEAN.contains(&name.as_str()) {
            assert!(codes.is_empty(), "{file}: {codes:?}");
        } else {
            assert!(
                status == Some("skipped") || !codes.is_empty(),
                "{file}: no diagnostic: {doc:#}"
            );
        }
    }
    assert_eq!(files.len(), walked.len() + 1, "{doc:#}");
    assert!(
        diagnostics
            .iter()
            .all(|d| !d["message"].as_str().unwrap().starts_with("internal error")),
        "{doc:#}"
    );
}
