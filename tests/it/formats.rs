//! Every output format, as a user runs it: snapshots of the whole output on
//! fixed fixtures (one model; several files with a `.keras` archive, a file
//! that is not UTF-8, a YAML file that is not a model, non-ASCII names),
//! and the options that shape the output (`--quiet`, `--statistics`,
//! `--output-file`, `-v`).

use std::path::Path;
use std::process::{Command, Output};

use crate::external::TempDir;
use actlint::lint::{lint_bytes, lint_path, FileReport, Options, Status};
use serde_json::Value;

const FORMATS: &[&str] = &["human", "concise", "json", "sarif", "github", "gitlab"];
const RAINFALL: &str = "fixtures/forum/rainfall_lstm.yaml";
/// A multi-file run: Keras JSON and YAML, an archive, a non-UTF-8 file, a
/// YAML file that is not a model, names outside the Basic Multilingual Plane.
const MULTI: &[&str] = &["fixtures/forum", "fixtures/formats"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs actlint in `dir`, ignoring configuration files (`--isolated`) so
/// that the outputs are the defaults'.
fn actlint_in(dir: &Path, args: &[&str]) -> Output {
    actlint_configured(dir, &[&["--isolated"], args].concat())
}

fn actlint_configured(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_actlint"))
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .output()
        .expect("actlint runs")
}

fn actlint(args: &[&str]) -> Output {
    actlint_in(root(), args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// SARIF with what other changes may move replaced: the version, and the
/// rule documentation (tested against the docs in tests/it/schemas.rs).
fn stable_sarif(text: &str) -> String {
    let mut log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let driver = &mut log["runs"][0]["tool"]["driver"];
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    for rule in driver["rules"].as_array_mut().expect("rules") {
        rule["fullDescription"]["text"] = "[the doc's \"What it does\"]".into();
        rule["help"]["text"] = "[the rule's doc]".into();
        rule["help"]["markdown"] = "[the rule's doc]".into();
    }
    serde_json::to_string_pretty(&log).unwrap() + "\n"
}

/// The exit code and standard output of `actlint --format <format> <paths>`.
fn run_format(format: &str, paths: &[&str]) -> String {
    let mut args = vec!["--format", format];
    args.extend_from_slice(paths);
    let out = actlint(&args);
    let text = stdout(&out);
    let text = if format == "sarif" {
        stable_sarif(&text)
    } else {
        text
    };
    format!("exit code: {:?}\n{text}", out.status.code())
}

#[test]
fn rainfall_lstm_in_every_format() {
    for format in FORMATS {
        insta::assert_snapshot!(
            format!("rainfall_{format}"),
            run_format(format, &[RAINFALL])
        );
    }
}

#[test]
fn several_files_in_every_format() {
    for format in FORMATS {
        insta::assert_snapshot!(format!("multi_{format}"), run_format(format, MULTI));
    }
}

#[test]
fn statistics_as_text_and_json() {
    let mut args = vec!["--statistics"];
    args.extend_from_slice(MULTI);
    args.push("fixtures/misc");
    let text = actlint(&args);
    insta::assert_snapshot!("statistics_text", stdout(&text));
    assert_eq!(
        text.status.code(),
        Some(1),
        "findings still set the exit code"
    );
    args.extend(["--format", "json"]);
    insta::assert_snapshot!("statistics_json", stdout(&actlint(&args)));
}

#[test]
fn statistics_are_sorted_by_count_then_code() {
    let out = stdout(&actlint(&["--statistics", "--quiet", "fixtures"]));
    let rows: Vec<(usize, String)> = out
        .lines()
        .map(|l| {
            let mut cols = l.split_whitespace();
            let count = cols.next().unwrap().parse().expect("a count first");
            (count, cols.next().unwrap().to_string())
        })
        .collect();
    assert!(rows.len() > 10, "{out}");
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(rows, sorted);
    // The counts add up to the findings.
    let json: Value =
        serde_json::from_slice(&actlint(&["--format", "json", "fixtures"]).stdout).unwrap();
    let total: usize = rows.iter().map(|r| r.0).sum();
    assert_eq!(total, json["diagnostics"].as_array().unwrap().len());
}

#[test]
fn quiet_prints_only_the_findings() {
    for format in ["human", "concise"] {
        let loud = stdout(&actlint(&["--format", format, RAINFALL]));
        let quiet = actlint(&["--quiet", "--format", format, RAINFALL]);
        assert_eq!(quiet.status.code(), Some(1));
        let quiet = stdout(&quiet);
        let summary = loud.lines().last().unwrap();
        assert!(summary.ends_with(" in 1 file"), "{format}:\n{loud}");
        assert!(!quiet.contains(summary), "{format}:\n{quiet}");
        assert!(quiet.contains("ACT301") && quiet.contains("ACT103"));
    }
    let github = stdout(&actlint(&["-q", "--format", "github", RAINFALL]));
    assert!(!github.contains("title=actlint::"), "{github}");
    assert!(
        github.lines().all(|l| l.starts_with("::warning ")),
        "{github}"
    );
    let clean = actlint(&["-q", "--format", "concise", "fixtures/ok"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
}

#[test]
fn quiet_and_verbose_conflict() {
    let out = actlint(&["-q", "-v", RAINFALL]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verbose_says_what_was_skipped_and_why() {
    let quiet = actlint(&["--format", "concise", "fixtures/formats"]);
    assert!(!stderr(&quiet).contains("notes.yaml"), "{}", stderr(&quiet));
    let verbose = actlint(&["-v", "--format", "concise", "fixtures/formats"]);
    let err = stderr(&verbose);
    assert!(
        err.contains("skipped fixtures/formats/notes.yaml: no `layers` list"),
        "{err}"
    );
    assert_eq!(stdout(&quiet), stdout(&verbose));
}

#[test]
fn output_file_receives_the_output() {
    let dir = TempDir::new("output-file");
    let target = dir.path().join("reports/actlint.sarif");
    let target_arg = target.to_str().unwrap();
    let out = actlint(&["--format", "sarif", "--output-file", target_arg, RAINFALL]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "nothing on standard output");
    let written = std::fs::read_to_string(&target).expect("the file was written");
    assert_eq!(written, stdout(&actlint(&["--format", "sarif", RAINFALL])));

    // Human output in a file has no colour, even when asked for by `auto`.
    let human = dir.path().join("human.txt");
    actlint(&["-o", human.to_str().unwrap(), RAINFALL]);
    let text = std::fs::read_to_string(&human).unwrap();
    assert!(
        text.contains("ACT301") && !text.contains('\u{1b}'),
        "{text}"
    );
}

#[test]
fn an_unwritable_output_file_is_an_error() {
    let dir = TempDir::new("output-file-bad");
    let blocker = dir.write("file", b"not a directory");
    let target = blocker.join("out.json");
    let out = actlint(&["--output-file", target.to_str().unwrap(), RAINFALL]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
}

#[test]
fn ci_formats_report_paths_relative_to_the_repository() {
    let dir = TempDir::new("repo-relative");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let model = std::fs::read(root().join(RAINFALL)).unwrap();
    dir.write("models/rain fall.yaml", &model);
    let models = dir.path().join("models");

    let sarif: Value = serde_json::from_slice(
        &actlint_in(&models, &["--format", "sarif", "rain fall.yaml"]).stdout,
    )
    .unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "models/rain%20fall.yaml"
    );

    let gitlab: Value = serde_json::from_slice(
        &actlint_in(&models, &["--format", "gitlab", "./rain fall.yaml"]).stdout,
    )
    .unwrap();
    assert_eq!(gitlab[0]["location"]["path"], "models/rain fall.yaml");

    let github = stdout(&actlint_in(
        &models,
        &[
            "--format",
            "github",
            models.join("rain fall.yaml").to_str().unwrap(),
        ],
    ));
    assert!(
        github.starts_with("::warning file=models/rain fall.yaml,line=7,"),
        "{github}"
    );

    // The human and concise formats keep the path as given.
    let concise = stdout(&actlint_in(
        &models,
        &["--format", "concise", "rain fall.yaml"],
    ));
    assert!(concise.starts_with("rain fall.yaml:7:17: "), "{concise}");
}

#[test]
fn fingerprints_survive_lines_moving() {
    let dir = TempDir::new("fingerprints");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let model = std::fs::read_to_string(root().join(RAINFALL)).unwrap();
    dir.write("m.yaml", model.as_bytes());
    let before = actlint_in(dir.path(), &["--format", "gitlab", "m.yaml"]);
    dir.write(
        "m.yaml",
        format!("# a comment\n# and another\n{model}").as_bytes(),
    );
    let after = actlint_in(dir.path(), &["--format", "gitlab", "m.yaml"]);
    let parse = |o: &Output| -> Value { serde_json::from_slice(&o.stdout).unwrap() };
    let (before, after) = (parse(&before), parse(&after));
    let pick = |v: &Value, key: &str| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i[key].clone())
            .collect()
    };
    assert_eq!(pick(&before, "fingerprint"), pick(&after, "fingerprint"));
    assert_ne!(pick(&before, "location"), pick(&after, "location"));
}

#[test]
fn the_configured_output_format_applies_unless_format_is_given() {
    let dir = TempDir::new("configured-format");
    dir.write("actlint.toml", b"output-format = \"concise\"\n");
    dir.write("m.yaml", &std::fs::read(root().join(RAINFALL)).unwrap());
    let configured = stdout(&actlint_configured(dir.path(), &["m.yaml"]));
    assert!(
        configured.starts_with("m.yaml:7:17: warning[ACT301] "),
        "{configured}"
    );
    let given = stdout(&actlint_configured(
        dir.path(),
        &["--format", "gitlab", "m.yaml"],
    ));
    let doc: Value = serde_json::from_str(&given).expect("--format wins over the configuration");
    assert_eq!(doc[0]["check_name"], "ACT301");
}

/// The codes actlint reports for `path`, sorted, and the JSON report.
fn codes_of(path: &str) -> (Vec<String>, Value) {
    let out = actlint(&["--format", "json", path]);
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    let mut codes: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect();
    codes.sort();
    (codes, report)
}

/// The TF.js, double-encoded and loss-object fixtures give exactly the
/// codes of fixtures/formats/README.md; the clean twins give none.
#[test]
fn wrapped_formats_give_the_readme_codes() {
    let expected: &[(&str, &[&str])] = &[
        ("tfjs/converted_sigmoid_mse/model.json", &["ACT103"]),
        ("tfjs/converted_sigmoid_bce/model.json", &[]),
        ("tfjs/layers_js_softmax_single_unit/model.json", &["ACT101"]),
        ("tfjs/layers_js_sigmoid_single_unit/model.json", &[]),
        (
            "double-encoded/tf_keras_softmax_single_unit.json",
            &["ACT101"],
        ),
        ("double-encoded/tf_keras_sigmoid_single_unit.json", &[]),
        ("double-encoded/keras3_sigmoid_mse.json", &["ACT103"]),
        ("double-encoded/keras3_sigmoid_bce.json", &[]),
        ("loss-objects/function_cce_single_unit.json", &["ACT106"]),
        ("loss-objects/function_cce_single_unit.keras", &["ACT106"]),
        ("loss-objects/function_cce_softmax4.json", &[]),
        ("loss-objects/bce_from_logits_sigmoid.json", &["ACT105"]),
        ("loss-objects/bce_from_logits_linear.json", &[]),
        ("loss-objects/dict_losses_priority_mse.json", &["ACT103"]),
        ("loss-objects/dict_losses_priority_bce.json", &[]),
        ("loss-objects/custom_registered_function.json", &[]),
        ("loss-objects/custom_registered_class.json", &[]),
    ];
    let mut wrong = Vec::new();
    for (file, codes) in expected {
        let path = format!("fixtures/formats/{file}");
        let (got, report) = codes_of(&path);
        let linted = report["files"][0]["status"] == "linted";
        if got != *codes || !linted {
            wrong.push(format!(
                "{file}: expected {codes:?}, got {got:?} ({})",
                report["files"][0]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_priority_output_is_named_for_its_function_loss() {
    let (_, report) = codes_of("fixtures/formats/loss-objects/dict_losses_priority_mse.json");
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("`priority`"), "{message}");
    assert!(message.contains("mean_squared_error"), "{message}");
}

/// A finding in a double-encoded file names the layer and points into the
/// string, at the escaped value; no fix is offered there.
#[test]
fn double_encoded_findings_point_into_the_string() {
    let path = "fixtures/formats/double-encoded/tf_keras_softmax_single_unit.json";
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let (_, report) = codes_of(path);
    let d = &report["diagnostics"][0];
    assert_eq!(d["layer"], "dense_1");
    assert_eq!(d["line"], 1);
    assert!(d["fix"].is_null(), "{d}");
    // The file is one ASCII line: columns are byte offsets plus one.
    let start = d["column"].as_u64().unwrap() as usize - 1;
    let end = d["end_column"].as_u64().unwrap() as usize - 1;
    assert!(end <= text.len(), "{start}..{end} of {}", text.len());
    assert_eq!(&text[start..end], r#"\"softmax\""#);
    let diff = actlint(&["--diff", "--unsafe-fixes", path]);
    assert_eq!(stdout(&diff), "");
    assert!(
        stderr(&diff).contains("would fix 0 problems"),
        "{}",
        stderr(&diff)
    );
}

#[test]
fn a_tfjs_graph_model_is_skipped_with_a_reason() {
    let path = "fixtures/real-world/files/Alysoun__Super-Tic-Tac-Toe__model.json";
    let out = actlint(&["-v", "--format", "concise", path]);
    assert!(
        stderr(&out).contains("TensorFlow.js graph model"),
        "{}",
        stderr(&out)
    );
    let (codes, report) = codes_of(path);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(report["files"][0]["status"], "skipped");
}

#[test]
fn a_malformed_tfjs_model_is_a_parse_error_naming_the_place() {
    let dir = TempDir::new("tfjs");
    dir.write(
        "no_topology.json",
        br#"{"format": "layers-model", "weightsManifest": []}"#,
    );
    dir.write(
        "bad_topology.json",
        br#"{"format": "layers-model", "modelTopology": [1], "weightsManifest": []}"#,
    );
    let out = actlint_in(dir.path(), &["--format", "concise", "."]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "no_topology.json:1:1: error[ACT000] TensorFlow.js model without `modelTopology`"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "bad_topology.json:1:45: error[ACT000] TensorFlow.js `modelTopology` must be a mapping"
        ),
        "{text}"
    );
}

// HDF5 model files (`fixtures/formats/h5`, `fixtures/formats/keras1/*.h5`):
// the model is read from the root attributes `model_config` and
// `training_config`, through the Keras JSON front end.

fn lint_fixture(rel: &str) -> FileReport {
    lint_path(&root().join(rel), rel, &Options::default()).expect("fixture readable")
}

fn codes(report: &FileReport) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

/// Each HDF5 fixture gives the code `fixtures/formats/README.md` lists for
/// it, its clean twin none; the text is the attributes' JSON (named as the
/// member `HDF5 attributes`) and no fix is offered (it could not be
/// written back into the file).
#[test]
fn hdf5_fixtures_give_the_codes_the_formats_readme_lists() {
    // Keras 1 `init` keys are read by the Keras 1 front end: until they
    // are, a Keras 1 `he_normal` layer is taken for Glorot (ACT401), in the
    // JSON fixture as in the HDF5 one. This test is about reading HDF5, so
    // it allows that finding exactly while the JSON fixture still shows it.
    let keras1_init_unread = codes(&lint_fixture(
        "fixtures/formats/keras1/dense_relu_he_normal.json",
    ))
    .contains(&"ACT401");
    let cases: &[(&str, &[&str])] = &[
        ("fixtures/formats/h5/compiled_bce_softmax3.h5", &["ACT107"]),
        ("fixtures/formats/h5/compiled_cce_softmax3.h5", &[]),
        ("fixtures/formats/h5/uncompiled_relu_lstm.h5", &["ACT301"]),
        ("fixtures/formats/h5/uncompiled_tanh_lstm.h5", &[]),
        (
            "fixtures/formats/h5/hdf5_named_softmax_single_unit.keras",
            &["ACT101"],
        ),
        (
            "fixtures/formats/h5/hdf5_named_sigmoid_single_unit.keras",
            &[],
        ),
        (
            "fixtures/formats/keras1/functional_sigmoid_mse.h5",
            &["ACT103"],
        ),
        ("fixtures/formats/keras1/functional_sigmoid_bce.h5", &[]),
    ];
    let mut failures = Vec::new();
    for (rel, expected) in cases {
        let report = lint_fixture(rel);
        let mut got = codes(&report);
        if rel.contains("keras1/") && keras1_init_unread {
            got.retain(|c| *c != "ACT401");
        }
        if got != *expected || report.status != (Status::Linted { models: 1 }) {
            failures.push(format!(
                "{rel}: expected {expected:?}, got {:?} ({:?})",
                codes(&report),
                report.status
            ));
        }
        let source = report.source.as_ref();
        if !expected.is_empty()
            && source.and_then(|s| s.member.as_deref()) != Some("HDF5 attributes")
        {
            failures.push(format!(
                "{rel}: the report does not say the text is the HDF5 attributes"
            ));
        }
        if report.diagnostics.iter().any(|d| d.fix.is_some()) {
            failures.push(format!("{rel}: a fix is offered for an HDF5 file"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The report shows where the value came from: the file, the member
/// `HDF5 attributes`, and a snippet of the indented attribute JSON.
#[test]
fn hdf5_findings_name_the_file_and_show_the_attribute_json() {
    let rel = "fixtures/formats/h5/uncompiled_relu_lstm.h5";
    let concise = stdout(&actlint(&["--format", "concise", rel]));
    assert!(
        concise.starts_with(&format!("{rel}!HDF5 attributes:")) && concise.contains("[ACT301]"),
        "{concise}"
    );
    let human = stdout(&actlint(&[rel]));
    assert!(
        human.contains(&format!("[{rel}!HDF5 attributes:")),
        "{human}"
    );
    assert!(human.contains("\"activation\": \"relu\","), "{human}");
}

/// Weights saved with `save_weights` (new and legacy layout) have no
/// `model_config`: skipped as not a model, `-v` says why; not an error.
#[test]
fn hdf5_weights_files_are_skipped_as_not_a_model() {
    for rel in [
        "fixtures/formats/h5/weights_only.weights.h5",
        "fixtures/formats/h5/weights_only_legacy.h5",
    ] {
        let report = lint_fixture(rel);
        assert!(
            report.diagnostics.is_empty(),
            "{rel}: {:?}",
            report.diagnostics
        );
        match &report.status {
            Status::Skipped { reason } => assert!(reason.contains("`model_config`"), "{reason}"),
            other => panic!("{rel}: {other:?}"),
        }
        let out = actlint(&["-v", rel]);
        assert_eq!(out.status.code(), Some(0), "{rel}");
        assert!(
            stderr(&out).contains(&format!(
                "skipped {rel}: an HDF5 file without a `model_config` attribute"
            )),
            "{}",
            stderr(&out)
        );
    }
}

/// A truncated copy of a model file is one ACT000 naming the file, never a
/// panic (exit code 1, not 2) or a skip; so is garbage after the signature.
#[test]
fn a_truncated_hdf5_file_is_one_parse_error() {
    let bytes = std::fs::read(root().join("fixtures/formats/h5/compiled_bce_softmax3.h5")).unwrap();
    for cut in [8, 96, 512, 800, 2048, bytes.len() / 2, bytes.len() - 1] {
        let report = lint_bytes("cut.h5", &bytes[..cut], &Options::default());
        assert_eq!(
            codes(&report),
            ["ACT000"],
            "cut at {cut}: {:?}",
            report.diagnostics
        );
        assert!(
            !report.internal_error(),
            "cut at {cut}: {:?}",
            report.diagnostics
        );
    }
    let dir = TempDir::new("h5-truncated");
    dir.write("truncated.h5", &bytes[..bytes.len() / 2]);
    let mut garbage = bytes[..8].to_vec();
    garbage.extend(std::iter::repeat_n(0xA5u8, 200));
    dir.write("garbage.h5", &garbage);
    let out = actlint_in(
        dir.path(),
        &["--format", "concise", "truncated.h5", "garbage.h5"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("truncated.h5:1:1: error[ACT000] not a readable HDF5 file: it is truncated"),
        "{text}"
    );
    assert!(
        text.contains("garbage.h5:1:1: error[ACT000] not a readable HDF5 file"),
        "{text}"
    );
    assert!(text.contains("2 problems (2 errors) in 2 files"), "{text}");
}

/// The corpus's Keras 2 `.h5` files give the same findings as their
/// `.h5.attrs.json` twins (the same attributes, extracted with h5py).
#[test]
fn corpus_h5_files_match_their_attrs_json_twins() {
    let dirs = [
        root().join("../shared/corpus/keras2/h5"),
        root().join("fixtures/corpus/keras2/h5"),
    ];
    let mut compared = 0;
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "h5"))
            .collect();
        files.sort();
        for h5 in files {
            let twin = h5.with_extension("h5.attrs.json");
            let options = Options::default();
            let from_h5 = lint_path(&h5, "m", &options).unwrap();
            let from_json = lint_path(&twin, "m", &options).unwrap();
            let findings = |r: &FileReport| -> Vec<(&str, String, Option<String>, String)> {
                r.diagnostics
                    .iter()
                    .map(|d| {
                        (
                            d.code,
                            d.severity.to_string(),
                            d.layer.clone(),
                            d.message.clone(),
                        )
                    })
                    .collect()
            };
            assert_eq!(from_h5.status, from_json.status, "{}", h5.display());
            assert_eq!(findings(&from_h5), findings(&from_json), "{}", h5.display());
            compared += 1;
        }
    }
    assert!(compared >= 3, "only {compared} corpus .h5 files found");
}

/// The walk visits `.h5` and `.hdf5`; a binary file that is clearly not a
/// model (a pickle under a model name) is skipped by the walk with a `-v`
/// note, and an ACT000 "not a model file" when named. `.bin` and `.pkl`
/// files are never visited by the walk; named, they are ACT000 too.
#[test]
fn the_walk_reads_hdf5_and_skips_binaries_that_are_not_models() {
    let lstm = std::fs::read(root().join("fixtures/formats/h5/uncompiled_relu_lstm.h5")).unwrap();
    let dir = TempDir::new("h5-walk");
    dir.write("models/a.h5", &lstm);
    dir.write("models/b.HDF5", &lstm);
    dir.write(
        "models/pickled.h5",
        b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94.",
    );
    dir.write(
        "models/model.pkl",
        b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94.",
    );
    dir.write(
        "models/group1-shard1of1.bin",
        &[0u8, 0, 128, 63, 0, 0, 0, 64],
    );
    let out = actlint_in(dir.path(), &["-v", "--format", "concise", "models"]);
    let (text, notes) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{text}{notes}");
    assert_eq!(text.matches("[ACT301]").count(), 2, "{text}");
    assert!(text.contains("models/a.h5!HDF5 attributes:"), "{text}");
    assert!(text.contains("models/b.HDF5!HDF5 attributes:"), "{text}");
    assert!(!text.contains("ACT000"), "{text}");
    assert!(
        notes
            .contains("skipped models/pickled.h5: not a model file: it looks like a Python pickle"),
        "{notes}"
    );
    assert!(
        !notes.contains("model.pkl") && !notes.contains(".bin"),
        "{notes}"
    );
    for (name, says) in [
        ("models/pickled.h5", "it looks like a Python pickle"),
        ("models/model.pkl", "it looks like a Python pickle"),
        ("models/group1-shard1of1.bin", "TensorFlow.js weights"),
    ] {
        let out = actlint_in(dir.path(), &["--format", "concise", name]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        assert!(
            text.starts_with(&format!("{name}:1:1: error[ACT000] not a model file: "))
                && text.contains(says),
            "{name}: {text}"
        );
    }
}

/// `pickle.dump(model.to_json(), f)`: a pickle holding only the model's JSON
/// text is read as that text (positions are in the string), without
/// unpickling; `--fix` leaves it alone. A pickle of anything else is still
/// "not a model file".
#[test]
fn a_pickled_model_json_string_is_read_without_unpickling() {
    let json = r#"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "LSTM", "config": {"name": "lstm", "units": 8, "activation": "relu", "batch_input_shape": [null, 5, 3]}}, {"class_name": "Dense", "config": {"name": "out", "units": 1}}]}, "keras_version": "2.4.0", "backend": "tensorflow"}"#;
    // protocol 4 as Python writes it for a string: FRAME, SHORT_BINUNICODE
    // or BINUNICODE, MEMOIZE, STOP.
    let mut bytes = vec![0x80, 4, b'X'];
    bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
    bytes.extend_from_slice(json.as_bytes());
    bytes.extend_from_slice(b"\x94.");
    let dir = TempDir::new("pickled-json");
    let path = dir.write("model_arch.json", &bytes);
    let out = actlint_in(
        dir.path(),
        &[
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
            "model_arch.json",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with("model_arch.json!pickled string:1:"),
        "{text}"
    );
    assert!(text.contains("[ACT301]"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
    // A pickled list holding the string is not read.
    let mut list = vec![0x80, 4, b']', 0x94, b'X'];
    list.extend_from_slice(&(json.len() as u32).to_le_bytes());
    list.extend_from_slice(json.as_bytes());
    list.extend_from_slice(b"\x94a.");
    dir.write("list.json", &list);
    let out = actlint_in(dir.path(), &["--format", "concise", "list.json"]);
    assert!(
        stdout(&out).starts_with(
            "list.json:1:1: error[ACT000] not a model file: it looks like a Python pickle"
        ),
        "{}",
        stdout(&out)
    );
}

/// `--fix` never writes into an HDF5 file: no fix is offered for it, the
/// file is left as it was and the finding is still reported.
#[test]
fn fix_leaves_hdf5_files_alone() {
    let bytes = std::fs::read(root().join("fixtures/formats/h5/uncompiled_relu_lstm.h5")).unwrap();
    let dir = TempDir::new("h5-fix");
    let path = dir.write("m.h5", &bytes);
    let named = dir.write("m.keras", &bytes);
    let out = actlint_in(
        dir.path(),
        &[
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
            "m.h5",
            "m.keras",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).matches("[ACT301]").count(),
        2,
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(std::fs::read(&named).unwrap(), bytes);
}

/// Keras 1 keys are read: an explicit `init: he_normal` is He (no ACT401),
/// Dropout `p: 0.8` is a rate of 0.8 (ACT603, exit 1), its `p: 0.3` twin is
/// clean, and `output_dim: 1` with softmax is a single unit (ACT101).
#[test]
fn keras1_keys_are_read() {
    let run = |file: &str| {
        let out = actlint(&[
            "--format",
            "concise",
            &format!("fixtures/formats/keras1/{file}"),
        ]);
        (out.status.code(), stdout(&out))
    };
    let (code, text) = run("dropout_p08.json");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("warning[ACT603] `dropout_1` drops 80%"),
        "{text}"
    );
    assert!(!text.contains("ACT401"), "{text}");
    let (code, text) = run("dropout_p03.json");
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run("dense_relu_he_normal.json");
    assert_eq!(code, Some(0), "{text}");
    let (_, text) = run("cnn_softmax_single_unit.yaml");
    assert!(
        text.contains("error[ACT101]") && text.contains("`dense_16`"),
        "{text}"
    );
    assert!(!text.contains("ACT401"), "{text}");
    let (_, text) = run("dense_tanh_he_normal.json");
    assert!(text.contains("its `init` is He initialization"), "{text}");
}

/// A fix in a Keras 1 file writes the Keras 1 key and value form
/// (`"init": "glorot_uniform"`), never Keras 2's `kernel_initializer`.
#[test]
fn keras1_fix_writes_the_keras1_key() {
    let out = actlint(&[
        "--unsafe-fixes",
        "--diff",
        "fixtures/formats/keras1/dense_tanh_he_normal.json",
    ]);
    let text = stdout(&out);
    let added: Vec<&str> = text.lines().filter(|l| l.starts_with("+{")).collect();
    assert_eq!(added.len(), 1, "{text}");
    assert!(!added[0].contains("he_normal"), "{text}");
    assert_eq!(
        added[0].matches(r#""init": "glorot_uniform""#).count(),
        3,
        "{text}"
    );
    assert!(!added[0].contains("kernel_initializer"), "{text}");
}

/// Python source and notebooks named on the command line are read: the
/// model a script builds is checked, a syntax error is one located ACT000.
#[test]
fn python_source_is_read() {
    let dir = TempDir::new("python");
    dir.write(
        "train.py",
        b"from keras.layers import Dense\nfrom keras.models import Sequential\nmodel = Sequential()\nmodel.add(Dense(1, activation=\"softmax\"))\n",
    );
    dir.write("broken.py", b"model = Sequential(\n");
    let out = actlint_in(
        dir.path(),
        &["--format", "concise", "train.py", "broken.py"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("train.py:4:31: error[ACT101] softmax over a single unit"),
        "{text}"
    );
    assert!(
        text.contains("broken.py:1:19: error[ACT000] invalid Python: `(` is never closed"),
        "{text}"
    );
}

/// The simple format is strict about what looks like an attempted model: a
/// misspelt `layers` key holding layer entries, or a `task` with no layers,
/// is an error naming the key; a `layers:` mapping in another tool's config
/// is skipped (said under `-v`), never an error.
#[test]
fn attempted_simple_models_are_errors_and_other_configs_are_skipped() {
    let dir = TempDir::new("simple-strict");
    dir.write(
        "models/layer_key.yaml",
        b"task: binary\nlayesr:\n  - type: Dense\n    units: 1\n    activation: sigmoid\nloss: binary_crossentropy\n",
    );
    dir.write("models/task_only.yaml", b"task: regression\nloss: mse\n");
    dir.write(
        "models/ci.yaml",
        b"name: ci\nlayers:\n  base: ubuntu\n  cache: true\n",
    );
    dir.write(
        "models/hyper.yaml",
        b"loss: mse\noptimizer: adam\nepochs: 10\n",
    );
    let out = actlint_in(dir.path(), &["-v", "--format", "concise", "models"]);
    let (text, notes) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{text}{notes}");
    assert!(
        text.contains("models/layer_key.yaml:2:1: error[ACT000] `layesr` is not a key of the model format: did you mean `layers`?"),
        "{text}"
    );
    assert!(
        text.contains(
            "models/task_only.yaml:1:1: error[ACT000] the model has a `task` but no `layers` list"
        ),
        "{text}"
    );
    assert!(
        !text.contains("ci.yaml") && !text.contains("hyper.yaml"),
        "{text}"
    );
    assert!(
        notes.contains("skipped models/ci.yaml: `layers` is a mapping"),
        "{notes}"
    );
    assert!(notes.contains("skipped models/hyper.yaml"), "{notes}");
}
