//! Per-rule fixtures in `fixtures/rules/<CODE>/`: `bad.*` files trigger the
//! rule, `good.*` files are clean, and the rendered output of every `bad.*`
//! file is a snapshot beside it (`bad.yaml` → `bad.yaml.snap`).
//!
//! Each rule has `bad.yaml` and `good.yaml` (the simple format) and
//! `bad.keras.json` and `good.keras.json` (real Keras 3 `to_json()` output);
//! more `bad.*` / `good.*` files (e.g. `bad.json`) are checked the same way.

use crate::common::describe;

use std::path::Path;

use actlint::config::{Overrides, Resolver};
use actlint::lint::{lint_bytes, FileReport, Status};
use actlint::render::human::{self, Style};
use actlint::rules::all_meta;

const FIXTURE_FILES: [&str; 4] = ["bad.yaml", "bad.keras.json", "good.yaml", "good.keras.json"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether a file in a fixture directory is a snapshot (`bad.yaml.snap`, or
/// `bad.yaml.snap.new` written by a failed run) rather than a fixture.
fn is_snapshot(file: &str) -> bool {
    file.ends_with(".snap") || file.ends_with(".snap.new")
}

/// `fixtures/rules/<CODE>/<file>` for every fixture on disk, sorted.
fn fixture_files() -> Vec<(String, String)> {
    all_files()
        .into_iter()
        .filter(|(_, file)| !is_snapshot(file))
        .collect()
}

/// `fixtures/rules/<CODE>/<file>` for every file on disk, snapshots
/// included, sorted.
fn all_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let dir = root().join("fixtures/rules");
    let Ok(codes) = std::fs::read_dir(&dir) else {
        return out;
    };
    for code in codes {
        let code = code.expect("readable entry");
        if !code.path().is_dir() {
            continue;
        }
        let code_name = code.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(code.path()).expect("readable fixture directory") {
            let file = file.expect("readable entry").file_name();
            out.push((code_name.clone(), file.to_string_lossy().into_owned()));
        }
    }
    out.sort();
    out
}

/// Lints a fixture under its repository-relative name, as a user would see it,
/// with the configuration discovered for it (a fixture directory may hold an
/// `actlint.toml`: model hints and pointer ignores are how Keras JSON, which
/// has no comments and no `task:`, reaches ACT109 and ACT006).
fn lint_fixture(code: &str, file: &str) -> FileReport {
    let rel = format!("fixtures/rules/{code}/{file}");
    let bytes = std::fs::read(root().join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut resolver = Resolver::with_cwd(Overrides::default(), root().to_path_buf())
        .unwrap_or_else(|_| panic!("configuration for {rel} resolves"));
    let options = match resolver.settings_for(&root().join(&rel)) {
        Ok(settings) => settings.options(),
        Err(_) => panic!("configuration for {rel} is valid"),
    };
    lint_bytes(&rel, &bytes, &options.enabling(code))
}

fn fail_all(what: &str, problems: Vec<String>) {
    if !problems.is_empty() {
        panic!("{} {what}:\n\n{}", problems.len(), problems.join("\n"));
    }
}

#[test]
fn every_rule_has_yaml_and_keras_fixtures() {
    let mut problems = Vec::new();
    for meta in all_meta() {
        for file in FIXTURE_FILES {
            let rel = format!("fixtures/rules/{}/{file}", meta.code);
            if !root().join(&rel).is_file() {
                problems.push(format!("{} ({}): {rel} is missing", meta.code, meta.name));
            }
        }
    }
    fail_all("missing fixtures", problems);
}

#[test]
fn fixture_directories_are_registered_rules_with_known_files() {
    let codes: Vec<&str> = all_meta().iter().map(|m| m.code).collect();
    let fixtures = fixture_files();
    let mut problems = Vec::new();
    for (code, file) in all_files() {
        if let Some(name) = file.strip_suffix(".snap") {
            // A snapshot renders the bad fixture it is named after, or what
            // `--fix` makes of it (`bad.yaml.fix.snap`, see fix.rs).
            let fixture = name.strip_suffix(".fix").unwrap_or(name);
            if !fixture.starts_with("bad.") || !fixtures.contains(&(code.clone(), fixture.into())) {
                problems.push(format!(
                    "fixtures/rules/{code}/{file}: orphan snapshot (no bad fixture `{fixture}` beside it)"
                ));
            }
            continue;
        }
        if file.ends_with(".snap.new") {
            continue;
        }
        if !codes.contains(&code.as_str()) {
            problems.push(format!(
                "fixtures/rules/{code}/: {code} is not a registered rule"
            ));
        }
        let known = file.starts_with("bad.") || file.starts_with("good.") || file == "actlint.toml";
        if !known {
            problems.push(format!(
                "fixtures/rules/{code}/{file}: unexpected file (fixtures are named bad.* or good.*, e.g. {FIXTURE_FILES:?})"
            ));
        }
    }
    problems.dedup();
    fail_all("stray fixtures", problems);
}

#[test]
fn bad_fixtures_trigger_their_rule() {
    let mut problems = Vec::new();
    for (code, file) in fixture_files() {
        if !file.starts_with("bad.") {
            continue;
        }
        let report = lint_fixture(&code, &file);
        if !report.diagnostics.iter().any(|d| d.code == code) {
            problems.push(format!(
                "fixtures/rules/{code}/{file}: expected at least one {code}; got:\n{}",
                describe(&report, "    ")
            ));
        }
    }
    fail_all("bad fixtures that miss their rule", problems);
}

#[test]
fn good_fixtures_are_clean() {
    let mut problems = Vec::new();
    for (code, file) in fixture_files() {
        if !file.starts_with("good.") {
            continue;
        }
        let report = lint_fixture(&code, &file);
        if !report.diagnostics.is_empty() {
            problems.push(format!(
                "fixtures/rules/{code}/{file}: expected no diagnostics; got:\n{}",
                describe(&report, "    ")
            ));
        }
        if let Status::Skipped { reason } = &report.status {
            problems.push(format!(
                "fixtures/rules/{code}/{file}: not read as a model ({reason}), so it proves nothing"
            ));
        }
    }
    fail_all("good fixtures that are not clean", problems);
}

/// The human output a user sees for one file: no colour, 100 columns.
fn rendered(report: &FileReport) -> String {
    let reports = std::slice::from_ref(report);
    let style = Style {
        color: false,
        width: 100,
    };
    let mut out = human::render(reports, &style);
    out.push_str(&human::summary_line(reports));
    out.push('\n');
    out
}

#[test]
fn bad_fixture_output_snapshots() {
    // Every snapshot is checked (and, locally, written as `.snap.new`) before
    // the test fails, so one run shows every change.
    let mut failed = Vec::new();
    for (code, file) in fixture_files() {
        if !file.starts_with("bad.") {
            continue;
        }
        let output = rendered(&lint_fixture(&code, &file));
        // The snapshot sits beside its fixture: `bad.yaml` -> `bad.yaml.snap`.
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(root().join("fixtures/rules").join(&code));
        settings.set_prepend_module_to_snapshot(false);
        let result = settings
            .bind(|| std::panic::catch_unwind(|| insta::assert_snapshot!(file.as_str(), output)));
        if result.is_err() {
            failed.push(format!(
                "fixtures/rules/{code}/{file} (snapshot `{file}.snap`)"
            ));
        }
    }
    fail_all(
        "rendered outputs that differ from their snapshots (review with `cargo insta review`)",
        failed,
    );
}

/// The rule codes a report holds, sorted, once each.
fn codes(report: &FileReport) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = report.diagnostics.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// A `bad.py` / `good.py` fixture (or a notebook, `bad.ipynb`) is the model
/// of the Keras JSON fixture beside it written as Keras code: read from the
/// Python source, it yields the same rule codes as the JSON.
#[test]
fn python_twins_yield_the_codes_of_their_keras_json() {
    let mut problems = Vec::new();
    let mut twins = 0;
    for (code, file) in fixture_files() {
        let Some(stem) = file
            .strip_suffix(".py")
            .or_else(|| file.strip_suffix(".ipynb"))
        else {
            continue;
        };
        twins += 1;
        let json = format!("{stem}.keras.json");
        let from_python = lint_fixture(&code, &file);
        let from_json = lint_fixture(&code, &json);
        if codes(&from_python) != codes(&from_json) {
            problems.push(format!(
                "fixtures/rules/{code}/{file}: {:?}, but {json} gives {:?}; got:\n{}",
                codes(&from_python),
                codes(&from_json),
                describe(&from_python, "    ")
            ));
        }
        if let Status::Skipped { reason } = &from_python.status {
            problems.push(format!(
                "fixtures/rules/{code}/{file}: not read as a model ({reason})"
            ));
        }
    }
    assert!(twins > 0, "no Python fixtures found");
    fail_all("Python twins that differ from their Keras JSON", problems);
}
