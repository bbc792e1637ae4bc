//! The command line as a user runs it: the real binary, its output and its
//! exit code.

use crate::common::TempDir;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

const CLEAN: &str = "fixtures/ok/binary_classifier.yaml";
/// One ACT101 error (the softmax at 10:17, its one unit at 9:12), nothing else.
const SOFTMAX: &str = "fixtures/misc/softmax_single_unit.yaml";
/// Two ACT101 errors, at 6:17 and 10:17.
const TWO_SOFTMAX: &str = "fixtures/misc/two_softmax_units.yaml";
/// The forum case: ACT301 and ACT103, both warnings.
const FORUM_YAML: &str = "fixtures/forum/rainfall_lstm.yaml";
const FORUM_KERAS: &str = "fixtures/forum/rainfall_lstm.keras.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
    /// The last line of stdout: the summary.
    fn summary(&self) -> &str {
        self.stdout.lines().last().unwrap_or("")
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The binary, run from the repository root with a known width and no
/// colour settings inherited from the environment.
fn actlint() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_actlint"));
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .env("COLUMNS", "100");
    cmd
}

fn run_cmd(mut cmd: Command, stdin: &[u8]) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the actlint binary runs");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        // The binary may exit without reading (usage errors); ignore EPIPE.
        let _ = input.write_all(stdin);
    }
    let out = child.wait_with_output().expect("actlint finishes");
    Output {
        code: out
            .status
            .code()
            .expect("actlint exits normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn run(args: &[&str]) -> Output {
    let mut cmd = actlint();
    cmd.args(args);
    run_cmd(cmd, b"")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = actlint();
    cmd.current_dir(dir).args(args);
    run_cmd(cmd, b"")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut cmd = actlint();
    cmd.args(args);
    run_cmd(cmd, input)
}

fn read_fixture(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn diagnostics(doc: &Value) -> &Vec<Value> {
    doc["diagnostics"]
        .as_array()
        .expect("`diagnostics` is an array")
}

fn codes_of<'a>(doc: &'a Value, file: &str) -> Vec<&'a str> {
    diagnostics(doc)
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| d["code"].as_str().expect("`code` is a string"))
        .collect()
}

/// `(line, column, end_line, end_column)` of every label of a diagnostic.
fn label_positions(d: &Value) -> Vec<(u64, u64, u64, u64)> {
    d["labels"]
        .as_array()
        .expect("`labels` is an array")
        .iter()
        .map(|l| {
            let n = |k: &str| {
                l[k].as_u64()
                    .unwrap_or_else(|| panic!("label `{k}` in {l}"))
            };
            (n("line"), n("column"), n("end_line"), n("end_column"))
        })
        .collect()
}

fn find_diag<'a>(doc: &'a Value, file: &str, code: &str) -> &'a Value {
    diagnostics(doc)
        .iter()
        .find(|d| d["file"] == file && d["code"] == code)
        .unwrap_or_else(|| {
            panic!(
                "no {code} for {file}; got:\n{}",
                serde_json::to_string_pretty(doc).expect("printable")
            )
        })
}

// ---------------------------------------------------------------- exit codes

#[test]
fn clean_file_exits_0() {
    let out = run(&[CLEAN]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "no problems in 1 file\n", "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
}

#[test]
fn well_formed_models_are_clean() {
    // fixtures/ok holds sound models in every format; a finding on any of
    // them is a false positive.
    let out = run(&["--format", "json", "fixtures/ok"]);
    let doc = out.json();
    assert_eq!(diagnostics(&doc).len(), 0, "{doc:#}");
    let files = doc["files"].as_array().expect("files");
    assert!(files.len() >= 6, "{doc:#}");
    for f in files {
        assert_eq!(f["status"], "linted", "read as a model: {f}");
    }
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn findings_exit_1() {
    let out = run(&[SOFTMAX]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("ACT101 softmax-single-unit"), "{out:?}");
}

#[test]
fn fail_on_sets_the_threshold() {
    // The forum case has warnings and no error; check that first, or the
    // assertions below would prove nothing.
    let doc = run(&["--format", "json", FORUM_YAML]).json();
    assert_eq!(doc["summary"]["errors"], 0, "{doc:#}");
    assert!(doc["summary"]["warnings"].as_u64() > Some(0), "{doc:#}");

    assert_eq!(run(&[FORUM_YAML]).code, 1, "default --fail-on is warning");
    assert_eq!(run(&["--fail-on", "warning", FORUM_YAML]).code, 1);
    assert_eq!(run(&["--fail-on", "error", FORUM_YAML]).code, 0);
    assert_eq!(run(&["--fail-on", "error", SOFTMAX]).code, 1);
    assert_eq!(run(&["--fail-on", "never", SOFTMAX]).code, 0);
    // The threshold changes the exit code, not what is reported.
    let out = run(&["--fail-on", "error", FORUM_YAML]);
    assert!(out.stdout.contains("ACT301"), "{out:?}");
}

#[test]
fn missing_path_exits_2_and_the_other_files_are_still_reported() {
    let out = run(&[SOFTMAX, "no/such/model.yaml", CLEAN]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("error: no/such/model.yaml: no such file or directory"),
        "{out:?}"
    );
    assert!(out.stdout.contains("ACT101 softmax-single-unit"), "{out:?}");
    assert!(out.stdout.contains(SOFTMAX), "{out:?}");
    assert_eq!(out.summary(), "1 problem (1 error) in 1 file", "{out:?}");

    // Also in JSON, and also when everything found is clean.
    let out = run(&["--format", "json", "missing.json", CLEAN]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("error: missing.json: "), "{out:?}");
    assert_eq!(out.json()["summary"]["files"], 1, "{out:?}");
}

#[test]
fn only_missing_paths_print_no_clean_summary() {
    let out = run(&["no/such/model.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("error: no/such/model.yaml: no such file or directory"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("no problems"), "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    // An empty but readable directory is still a clean run of 0 files.
    let dir = std::env::temp_dir().join(format!("actlint-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = run(&[dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "no problems in 0 files\n", "{out:?}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--no-such-flag", CLEAN][..],
        &["--format", "xml", CLEAN],
        &["--fail-on", "sometimes", CLEAN],
        &[],
    ] {
        let out = run(args);
        assert_eq!(out.code, 2, "actlint {args:?}: {out:?}");
        assert_eq!(out.stdout, "", "actlint {args:?}: {out:?}");
        assert!(
            out.stderr.starts_with("error: "),
            "actlint {args:?}: {out:?}"
        );
        assert!(out.stderr.contains("--help"), "actlint {args:?}: {out:?}");
    }
}

// ------------------------------------------------------------------- inputs

const NOT_A_MODEL: &[u8] =
    b"# CI settings, not a model\njobs:\n  test:\n    runs-on: ubuntu-latest\n";

#[test]
fn directories_are_searched_recursively() {
    let dir = TempDir::new("walk");
    let softmax = read_fixture(SOFTMAX);
    dir.write("models/a/b/deep.yaml", &softmax);
    dir.write(
        "models/top.json",
        &read_fixture("fixtures/ok/regression.json"),
    );
    dir.write(
        "models/keras/clf.json",
        &read_fixture("fixtures/ok/binary_classifier.keras.json"),
    );
    dir.write("models/config/settings.yml", NOT_A_MODEL);
    dir.write("models/notes.txt", b"not: [a model");
    dir.write("models/.hidden/bad.yaml", &softmax);

    let doc = run_in(dir.path(), &["--format", "json", "models"]).json();
    let files: Vec<(String, String)> = doc["files"]
        .as_array()
        .expect("`files` is an array")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file").to_string(),
                f["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    let expected = [
        ("models/a/b/deep.yaml", "linted"),
        ("models/config/settings.yml", "skipped"),
        ("models/keras/clf.json", "linted"),
        ("models/top.json", "linted"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .collect();
    assert_eq!(files, expected, "{doc:#}");
    assert_eq!(
        codes_of(&doc, "models/a/b/deep.yaml"),
        ["ACT101"],
        "{doc:#}"
    );
    assert_eq!(diagnostics(&doc).len(), 1, "{doc:#}");

    // Skipped quietly...
    let out = run_in(dir.path(), &["models"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("models/a/b/deep.yaml:10:17"), "{out:?}");
    assert!(!out.stdout.contains("settings.yml"), "{out:?}");
    assert!(!out.stderr.contains("settings.yml"), "{out:?}");
    assert_eq!(out.summary(), "1 problem (1 error) in 1 file", "{out:?}");

    // ...and said with -v, with the reason.
    let out = run_in(dir.path(), &["-v", "models"]);
    let note = out
        .stderr
        .lines()
        .find(|l| l.starts_with("skipped models/config/settings.yml: "))
        .unwrap_or_else(|| panic!("no skip note: {out:?}"));
    assert!(
        note.len() > "skipped models/config/settings.yml: ".len(),
        "{out:?}"
    );
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn a_file_named_explicitly_is_linted_whatever_its_extension() {
    let dir = TempDir::new("explicit");
    dir.write("model.txt", &read_fixture(SOFTMAX));
    let out = run_in(dir.path(), &["model.txt"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("model.txt:10:17"), "{out:?}");
}

#[test]
fn stdin_with_stdin_filename() {
    let yaml = read_fixture(SOFTMAX);
    let out = run_stdin(&["-", "--stdin-filename", "piped/model.yaml"], &yaml);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("[piped/model.yaml:10:17]"), "{out:?}");

    let out = run_stdin(
        &[
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "piped/model.yaml",
        ],
        &yaml,
    );
    assert_eq!(
        codes_of(&out.json(), "piped/model.yaml"),
        ["ACT101"],
        "{out:?}"
    );

    // JSON through stdin, named .json.
    let json = br#"{"layers": [{"type": "Dense", "units": 1, "activation": "softmax"}]}"#;
    let out = run_stdin(
        &["--format", "json", "-", "--stdin-filename", "model.json"],
        json,
    );
    let doc = out.json();
    let d = find_diag(&doc, "model.json", "ACT101");
    assert_eq!(
        (&d["line"], &d["column"]),
        (&Value::from(1), &Value::from(57)),
        "{doc:#}"
    );

    // Clean input through stdin.
    let out = run_stdin(&["-", "--stdin-filename", "ok.yaml"], &read_fixture(CLEAN));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "no problems in 1 file\n", "{out:?}");
}

// ------------------------------------------------------------------- output

#[test]
fn no_escape_codes_without_colour() {
    let always = run(&["--color", "always", SOFTMAX]);
    assert!(
        always.stdout.contains('\u{1b}'),
        "--color always must colour, or the checks below prove nothing: {always:?}"
    );
    let never = run(&["--color", "never", SOFTMAX]);
    assert!(!never.stdout.contains('\u{1b}'), "{never:?}");
    let mut cmd = actlint();
    cmd.env("NO_COLOR", "1").arg(SOFTMAX);
    let no_color = run_cmd(cmd, b"");
    assert!(!no_color.stdout.contains('\u{1b}'), "{no_color:?}");
    // The same text, only without styling.
    assert_eq!(never.stdout, no_color.stdout);
}

#[test]
fn force_color_colours_a_pipe_unless_no_color_is_set() {
    let always = run(&["--color", "always", SOFTMAX]);
    let mut cmd = actlint();
    cmd.env("FORCE_COLOR", "1").arg(SOFTMAX);
    let forced = run_cmd(cmd, b"");
    assert!(forced.stdout.contains('\u{1b}'), "{forced:?}");
    assert_eq!(forced.stdout, always.stdout);
    // An empty FORCE_COLOR is unset.
    let mut cmd = actlint();
    cmd.env("FORCE_COLOR", "").arg(SOFTMAX);
    let empty = run_cmd(cmd, b"");
    assert!(!empty.stdout.contains('\u{1b}'), "{empty:?}");
    // NO_COLOR wins over FORCE_COLOR; --color wins over both.
    let mut cmd = actlint();
    cmd.env("FORCE_COLOR", "1")
        .env("NO_COLOR", "1")
        .arg(SOFTMAX);
    let both = run_cmd(cmd, b"");
    assert!(!both.stdout.contains('\u{1b}'), "{both:?}");
    let mut cmd = actlint();
    cmd.env("FORCE_COLOR", "1")
        .args(["--color", "never", SOFTMAX]);
    let never = run_cmd(cmd, b"");
    assert!(!never.stdout.contains('\u{1b}'), "{never:?}");
}

/// Runs actlint on a pseudo-terminal (util-linux `script`), where `--color
/// auto` decides by itself; `None` where `script` is not available.
fn run_on_terminal(no_color: bool) -> Option<String> {
    let probe = Command::new("script").arg("--version").output().ok()?;
    if !String::from_utf8_lossy(&probe.stdout).contains("util-linux") {
        return None;
    }
    let command = format!("{} {SOFTMAX}", env!("CARGO_BIN_EXE_actlint"));
    let mut cmd = Command::new("script");
    cmd.current_dir(root())
        .args(["-qec", &command, "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.output().expect("script runs");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let Some(coloured) = run_on_terminal(false) else {
        eprintln!("note: util-linux `script` not found; terminal colour not checked");
        return;
    };
    assert!(
        coloured.contains('\u{1b}'),
        "a terminal gets colour:\n{coloured}"
    );
    let plain = run_on_terminal(true).expect("script ran before");
    assert!(plain.contains("ACT101"), "{plain}");
    assert!(
        !plain.contains('\u{1b}'),
        "NO_COLOR turns colour off:\n{plain}"
    );
}

#[test]
fn json_output_lists_each_layer_with_its_shape_and_parameters() {
    let out = run(&["--format", "json", "fixtures/rules/ACT119/good.keras.json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let doc = out.json();
    let layers = doc["files"][0]["layers"].as_array().expect("layers");
    let rows: Vec<(String, String, Value, Value)> = layers
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap_or_default().to_string(),
                l["class"].as_str().unwrap_or_default().to_string(),
                l["output_shape"].clone(),
                l["params"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows[1..],
        [
            (
                "flatten".into(),
                "Flatten".into(),
                serde_json::json!([784]),
                0.into()
            ),
            (
                "hidden".into(),
                "Dense".into(),
                serde_json::json!([128]),
                100480.into()
            ),
            (
                "digits".into(),
                "Dense".into(),
                serde_json::json!([10]),
                1290.into()
            ),
        ],
        "{doc:#}"
    );
    // Without a declared input shape nothing is known, and nothing guessed.
    let out = run(&["--format", "json", SOFTMAX]);
    let layers = out.json()["files"][0]["layers"].clone();
    assert!(
        layers
            .as_array()
            .is_some_and(|l| !l.is_empty() && l.iter().all(|l| l["output_shape"].is_null())),
        "{layers:#}"
    );
}

#[test]
fn verbose_human_output_prints_the_layer_table() {
    let out = run(&["-v", "fixtures/rules/ACT119/good.keras.json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let table = [
        "fixtures/rules/ACT119/good.keras.json",
        "  Layer (type)                Output shape  Param #",
        "  input_layer_4 (InputLayer)  (28, 28)            0",
        "  flatten (Flatten)           (784)               0",
        "  hidden (Dense)              (128)         100,480",
        "  digits (Dense)              (10)            1,290",
        "  Total params: 101,770",
    ]
    .join("\n");
    assert!(out.stdout.starts_with(&table), "{out:?}");
    // Not without -v.
    let out = run(&["fixtures/rules/ACT119/good.keras.json"]);
    assert!(!out.stdout.contains("Layer (type)"), "{out:?}");
}

#[test]
fn json_output_fields() {
    let out = run(&["--format", "json", SOFTMAX]);
    assert_eq!(out.code, 1, "{out:?}");
    let doc = out.json();
    assert_eq!(doc["version"], 2);
    let all = diagnostics(&doc);
    assert_eq!(all.len(), 1, "{doc:#}");
    let d = &all[0];
    assert_eq!(d["code"], "ACT101");
    assert_eq!(d["name"], "softmax-single-unit");
    assert_eq!(d["severity"], "error");
    assert!(
        d["message"].as_str().is_some_and(|m| m.contains("softmax")),
        "{d:#}"
    );
    assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()), "{d:#}");
    assert_eq!(d["file"], SOFTMAX);
    // `    activation: softmax` on line 10: the value, 1-based, end exclusive.
    assert_eq!(d["line"], 10);
    assert_eq!(d["column"], 17);
    assert_eq!(d["end_line"], 10);
    assert_eq!(d["end_column"], 24);
    assert_eq!(d["layer"], "output");
    let labels = label_positions(d);
    assert!(labels.contains(&(10, 17, 10, 24)), "{d:#}");
    assert!(labels.contains(&(9, 12, 9, 13)), "the one unit: {d:#}");
    let primary: Vec<&Value> = d["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .filter(|l| l["primary"] == true)
        .collect();
    assert_eq!(primary.len(), 1, "{d:#}");
    assert_eq!(
        (&primary[0]["line"], &primary[0]["column"]),
        (&d["line"], &d["column"])
    );

    let s = &doc["summary"];
    assert_eq!(s["files"], 1, "{s}");
    assert_eq!(s["files_with_problems"], 1, "{s}");
    assert_eq!(s["errors"], 1, "{s}");
    assert_eq!(s["warnings"], 0, "{s}");
    assert_eq!(s["infos"], 0, "{s}");
    assert_eq!(s["skipped"], 0, "{s}");
}

#[test]
fn json_diagnostics_are_sorted_by_file_then_position() {
    // Given out of order on purpose.
    let out = run(&["--format", "json", TWO_SOFTMAX, FORUM_YAML, SOFTMAX]);
    let doc = out.json();
    let keys: Vec<(String, u64, u64)> = diagnostics(&doc)
        .iter()
        .map(|d| {
            (
                d["file"].as_str().expect("file").to_string(),
                d["line"].as_u64().expect("line"),
                d["column"].as_u64().expect("column"),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "{doc:#}");
    let files: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    assert!(
        files.contains(&FORUM_YAML) && files.contains(&TWO_SOFTMAX),
        "{doc:#}"
    );
    let act101: Vec<(u64, u64)> = diagnostics(&doc)
        .iter()
        .filter(|d| d["file"] == TWO_SOFTMAX && d["code"] == "ACT101")
        .map(|d| {
            (
                d["line"].as_u64().expect("line"),
                d["column"].as_u64().expect("column"),
            )
        })
        .collect();
    assert_eq!(act101, [(6, 17), (10, 17)], "{doc:#}");
}

/// `3 problems (1 error, 2 warnings) in 2 files`, written independently of
/// the implementation.
fn expected_summary(errors: u64, warnings: u64, infos: u64, files: u64) -> String {
    let plural = |n: u64, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let total = errors + warnings + infos;
    if total == 0 {
        return format!("no problems in {}", plural(files, "file"));
    }
    let parts: Vec<String> = [(errors, "error"), (warnings, "warning"), (infos, "info")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| plural(*n, what))
        .collect();
    format!(
        "{} ({}) in {}",
        plural(total, "problem"),
        parts.join(", "),
        plural(files, "file")
    )
}

#[test]
fn summary_line_counts_problems_by_severity_and_files_with_problems() {
    let files = [SOFTMAX, FORUM_YAML, CLEAN];
    let mut args = vec!["--format", "json"];
    args.extend(files);
    let doc = run(&args).json();
    let n = |k: &str| doc["summary"][k].as_u64().expect("a count");
    // An error in one file, warnings in another, a clean third.
    assert_eq!(n("errors"), 1, "{doc:#}");
    assert!(n("warnings") >= 2, "{doc:#}");
    assert_eq!(n("files_with_problems"), 2, "{doc:#}");
    assert_eq!(n("files"), 3, "{doc:#}");
    let expected = expected_summary(n("errors"), n("warnings"), n("infos"), 2);
    let out = run(&files);
    assert_eq!(out.summary(), expected, "{out:?}");

    assert_eq!(run(&[SOFTMAX]).summary(), "1 problem (1 error) in 1 file");
    let out = run(&[CLEAN, "fixtures/ok/regression.json"]);
    assert_eq!(out.stdout, "no problems in 2 files\n", "{out:?}");
}

// -------------------------------------------------------------- actlint rule

#[test]
fn rule_prints_its_doc_by_code_or_name() {
    let doc = std::fs::read_to_string(root().join("rules/ACT101-softmax-single-unit.md"))
        .expect("the ACT101 doc exists");
    for query in ["ACT101", "act101", "softmax-single-unit"] {
        let out = run(&["rule", query]);
        assert_eq!(out.code, 0, "rule {query}: {out:?}");
        assert_eq!(out.stdout.trim_end(), doc.trim_end(), "rule {query}");
        assert_eq!(out.stderr, "", "rule {query}: {out:?}");
    }
}

#[test]
fn unknown_rule_exits_2_with_a_suggestion() {
    let out = run(&["rule", "softmax-singel-unit"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    assert!(
        out.stderr.contains("unknown rule `softmax-singel-unit`"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("did you mean `softmax-single-unit`?"),
        "{out:?}"
    );

    let out = run(&["rule", "ACT10"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("unknown rule `ACT10`"), "{out:?}");
}

// ----------------------------------------------------------- the forum case

/// 1-based `(line, column)` of a byte offset, columns in characters.
fn position(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u64, column as u64)
}

/// The label positions `(line, column, end_line, end_column)` of `needle`'s
/// value (the last `value_len` bytes of the match) at its first occurrence
/// after `after`.
fn value_at(text: &str, after: usize, needle: &str, value: &str) -> (u64, u64, u64, u64) {
    let at = text[after..]
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found after byte {after}"))
        + after;
    let start = at + needle.len() - value.len();
    assert_eq!(&text[start..at + needle.len()], value);
    let (l, c) = position(text, start);
    let (el, ec) = position(text, start + value.len());
    (l, c, el, ec)
}

fn check_forum_case(
    file: &str,
    relu: (u64, u64, u64, u64),
    sigmoid: (u64, u64, u64, u64),
    mse: (u64, u64, u64, u64),
) {
    let out = run(&["--format", "json", file]);
    let doc = out.json();
    let codes = codes_of(&doc, file);
    assert!(
        codes.contains(&"ACT301") && codes.contains(&"ACT103"),
        "{doc:#}"
    );

    let act301 = find_diag(&doc, file, "ACT301");
    assert_eq!(
        (
            &act301["line"],
            &act301["column"],
            &act301["end_line"],
            &act301["end_column"]
        ),
        (
            &Value::from(relu.0),
            &Value::from(relu.1),
            &Value::from(relu.2),
            &Value::from(relu.3)
        ),
        "ACT301's primary label is on the LSTM's `relu`: {act301:#}"
    );

    let act103 = find_diag(&doc, file, "ACT103");
    let labels = label_positions(act103);
    assert!(
        labels.contains(&sigmoid),
        "a label on the sigmoid {sigmoid:?}: {act103:#}"
    );
    assert!(
        labels.contains(&mse),
        "a label on the loss {mse:?}: {act103:#}"
    );
    let primary = (
        act103["line"].as_u64().expect("line"),
        act103["column"].as_u64().expect("column"),
        act103["end_line"].as_u64().expect("end_line"),
        act103["end_column"].as_u64().expect("end_column"),
    );
    assert!(
        primary == sigmoid || primary == mse,
        "primary on a value: {act103:#}"
    );
}

#[test]
fn forum_case_yaml() {
    // LSTM `activation: relu` on line 7; `activation: sigmoid` on line 15;
    // `loss: mse` on line 16.
    check_forum_case(
        FORUM_YAML,
        (7, 17, 7, 21),
        (15, 17, 15, 24),
        (16, 7, 16, 10),
    );
    let out = run(&["--color", "never", FORUM_YAML]);
    insta::assert_snapshot!("forum_rainfall_lstm_yaml", out.stdout);
}

#[test]
fn forum_case_keras_json() {
    let path = root().join(FORUM_KERAS);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{FORUM_KERAS} (the forum case as Keras 3 JSON): {e}"));
    let lstm = text.find(r#""class_name": "LSTM""#).expect("an LSTM layer");
    let relu = value_at(&text, lstm, r#""activation": "relu""#, r#""relu""#);
    let last_dense = text
        .rfind(r#""class_name": "Dense""#)
        .expect("a Dense layer");
    let sigmoid = value_at(
        &text,
        last_dense,
        r#""activation": "sigmoid""#,
        r#""sigmoid""#,
    );
    let compile = text.find(r#""compile_config""#).expect("a compiled model");
    let loss_key = text[compile..].find(r#""loss": "#).expect("a loss") + compile;
    let loss_value = text[loss_key + r#""loss": "#.len()..]
        .split([',', '}'])
        .next()
        .expect("a value");
    let mse = value_at(
        &text,
        loss_key,
        &format!(r#""loss": {loss_value}"#),
        loss_value,
    );
    check_forum_case(FORUM_KERAS, relu, sigmoid, mse);
    let out = run(&["--color", "never", FORUM_KERAS]);
    insta::assert_snapshot!("forum_rainfall_lstm_keras_json", out.stdout);
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_input_is_reported_as_act000_and_the_rest_is_still_linted() {
    let dir = TempDir::new("bad");
    let truncated = br#"{"class_name": "Sequential", "config": {"layers": ["#;
    let mut noise: Vec<u8> = Vec::new();
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push((x >> 24) as u8);
    }
    noise[0] = 0xff; // never valid UTF-8
    let files: [(&str, &[u8]); 8] = [
        ("empty.yaml", b""),
        ("comments.yaml", b"# nothing here yet\n# (to be written)\n"),
        ("noise.json", &noise),
        ("latin1.yaml", b"name: mod\xe8le\nlayers: []\n"),
        ("truncated.json", truncated),
        ("layers5.yaml", b"layers: 5\n"),
        (
            "broken.yaml",
            b"layers:\n  - type: Dense\n    units: [1, 2\n",
        ),
        ("good.yaml", &read_fixture(CLEAN)),
    ];
    let mut args = vec!["--format", "json"];
    for (name, bytes) in &files {
        dir.write(name, bytes);
        args.push(name);
    }
    let out = run_in(dir.path(), &args);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
    let doc = out.json();

    // (file, expected position of the primary label, or None without text)
    let expected: [(&str, Option<(u64, u64)>); 7] = [
        ("empty.yaml", Some((1, 1))),
        ("comments.yaml", Some((1, 1))),
        ("noise.json", None),
        ("latin1.yaml", None),
        ("truncated.json", Some((1, truncated.len() as u64 + 1))),
        ("layers5.yaml", Some((1, 9))),
        ("broken.yaml", Some((0, 0))), // somewhere; checked below
    ];
    for (file, place) in expected {
        let codes = codes_of(&doc, file);
        assert!(
            !codes.is_empty() && codes.iter().all(|c| *c == "ACT000"),
            "{file}: expected ACT000 only, got {codes:?}: {doc:#}"
        );
        let d = find_diag(&doc, file, "ACT000");
        let message = d["message"].as_str().expect("message");
        match place {
            Some((0, 0)) => assert!(d["line"].as_u64().is_some(), "{file}: a place: {d:#}"),
            Some((line, column)) => assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(line), Some(column)),
                "{file}: {d:#}"
            ),
            None => {
                assert!(d["line"].is_null(), "{file}: {d:#}");
                assert!(message.contains("not UTF-8"), "{file}: {d:#}");
                assert!(message.contains("offset"), "{file}: the place: {d:#}");
            }
        }
    }
    assert!(codes_of(&doc, "latin1.yaml").len() == 1);
    assert!(
        find_diag(&doc, "latin1.yaml", "ACT000")["message"]
            .as_str()
            .is_some_and(|m| m.contains("offset 9")),
        "the offset of the bad byte: {doc:#}"
    );
    assert!(codes_of(&doc, "good.yaml").is_empty(), "{doc:#}");
    let good = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["file"] == "good.yaml")
        .unwrap_or_else(|| panic!("good.yaml is reported: {doc:#}"));
    assert_eq!(good["status"], "linted", "{doc:#}");
    assert_eq!(doc["summary"]["files"], 8, "{doc:#}");
    assert_eq!(doc["summary"]["files_with_problems"], 7, "{doc:#}");

    // The human output names every broken file, with the place where there is text.
    let human_args: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let out = run_in(dir.path(), &human_args);
    assert_eq!(out.code, 1, "{out:?}");
    for needle in [
        "[empty.yaml:1:1]",
        "[comments.yaml:1:1]",
        "noise.json: file is not UTF-8",
        "latin1.yaml: file is not UTF-8",
        &format!("[truncated.json:1:{}]", truncated.len() + 1),
        "[layers5.yaml:1:9]",
        "[broken.yaml:",
    ] {
        assert!(out.stdout.contains(needle), "`{needle}` in {out:?}");
    }
    assert_eq!(out.summary(), "7 problems (7 errors) in 7 files", "{out:?}");
}

#[test]
fn deep_nesting_and_alias_bombs_are_bounded() {
    let dir = TempDir::new("bounds");
    dir.write("deep.json", "[".repeat(100_000).as_bytes());
    let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    bomb.push_str("layers: *i\n");
    dir.write("bomb.yaml", bomb.as_bytes());
    let out = run_in(dir.path(), &["--format", "json", "deep.json", "bomb.yaml"]);
    assert_eq!(out.code, 1, "{out:?}");
    let doc = out.json();
    assert_eq!(codes_of(&doc, "deep.json"), ["ACT000"], "{doc:#}");
    assert_eq!(codes_of(&doc, "bomb.yaml"), ["ACT000"], "{doc:#}");
}

#[test]
fn completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {out:?}");
        assert!(out.stdout.contains("actlint"), "{shell}: {out:?}");
        assert!(out.stdout.contains("fail-on"), "{shell}: {out:?}");
    }
    assert_eq!(run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn bash_completion_script_parses() {
    let out = run(&["completions", "bash"]);
    assert_eq!(out.code, 0, "{out:?}");
    let Ok(mut child) = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: no bash on PATH");
        return;
    };
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(out.stdout.as_bytes()).unwrap();
    }
    let checked = child.wait_with_output().unwrap();
    assert!(
        checked.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
}
