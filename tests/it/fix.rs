//! Autofix: `--fix`, `--unsafe-fixes`, `--diff`, `--fix-only`.
//!
//! Every fix is snapshotted (before and after) on the rule's bad fixtures in
//! the simple format and in Keras JSON, through the command line on copies
//! in a temporary directory, beside the fixture (`bad.yaml.fix.snap`); property tests check on generated models that
//! fixes leave the file parseable, fix what they claim and touch only the
//! values they replace.

use crate::common::TempDir;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use actlint::diagnostic::Applicability;
use actlint::fix;
use actlint::lint::{lint_bytes, FileReport, Options};
use actlint::source::Span;
use actlint::source::Syntax;
use actlint::tree::{self, Node, Value};
use proptest::prelude::*;

/// The rules that declare a fix, in code order.
fn fixed() -> Vec<&'static str> {
    let codes: Vec<&'static str> = actlint::rules::all_meta()
        .iter()
        .filter(|meta| meta.fix != actlint::diagnostic::FixKind::None)
        .map(|meta| meta.code)
        .collect();
    assert!(!codes.is_empty(), "no rule declares a fix");
    codes
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn actlint(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_actlint"))
        .current_dir(dir)
        .args(["--isolated", "--color", "never"])
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn only(code: &'static str) -> Options {
    Options {
        select: Some([code].into()),
        ..Options::default()
    }
}

fn parse_errors(report: &FileReport) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == "ACT000")
        .count()
}

/// The changes between two texts, inline: `…context[-old-]{+new+}context…`,
/// one line per change (Keras JSON is one long line, so a line diff would
/// not show what changed).
fn inline_changes(old: &str, new: &str) -> String {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_words(old, new);
    let mut out = String::new();
    for group in diff.grouped_ops(2) {
        // Runs of one kind of change, merged: `[-a b c-]`, not `[-a-][- -]...`.
        let mut runs: Vec<(ChangeTag, String)> = Vec::new();
        for op in group {
            for change in diff.iter_changes(&op) {
                match runs.last_mut() {
                    Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
                    _ => runs.push((change.tag(), change.value().to_string())),
                }
            }
        }
        let mut line = String::from("…");
        for (tag, text) in runs {
            match tag {
                ChangeTag::Equal => line.push_str(&text),
                ChangeTag::Delete => line.push_str(&format!("[-{text}-]")),
                ChangeTag::Insert => line.push_str(&format!("{{+{text}+}}")),
            }
        }
        line.push('…');
        out.push_str(&line.replace('\n', "⏎"));
        out.push('\n');
    }
    out
}

#[test]
fn every_fix_on_the_bad_fixtures() {
    for code in fixed() {
        for (fixture, name) in [("bad.yaml", "model.yaml"), ("bad.keras.json", "model.json")] {
            let dir = TempDir::new(code);
            let source = root().join("fixtures/rules").join(code).join(fixture);
            let path = dir.copy(&source, name);
            let before = std::fs::read_to_string(&path).unwrap();
            let out = actlint(
                &dir.0,
                &["--fix", "--unsafe-fixes", "--select", code, name],
                b"",
            );
            let after = std::fs::read_to_string(&path).unwrap();
            assert_ne!(before, after, "{code} {fixture}: nothing fixed\n{out:?}");
            assert!(out.stderr.contains("fixed "), "{out:?}");
            // No temporary file is left behind.
            assert_eq!(dir.entries(), [name], "{code} {fixture}");
            // The result parses and the rule has nothing left to fix.
            let report = lint_bytes(name, after.as_bytes(), &only(code));
            assert_eq!(parse_errors(&report), 0, "{code} {fixture}:\n{after}");
            assert!(
                report.diagnostics.iter().all(|d| d.fix.is_none()),
                "{code} {fixture}: fixable findings remain: {:#?}",
                report.diagnostics
            );
            let shown = if name.ends_with(".yaml") {
                fix::diff::unified(name, &before, &after)
            } else {
                inline_changes(&before, &after)
            };
            // Beside the fixture: `bad.yaml` -> `bad.yaml.fix.snap`.
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(root().join("fixtures/rules").join(code));
            settings.set_prepend_module_to_snapshot(false);
            settings.bind(|| insta::assert_snapshot!(format!("{fixture}.fix"), shown));
        }
    }
}

#[test]
fn safe_fixes_need_no_flag_and_unsafe_ones_need_unsafe_fixes() {
    let dir = TempDir::new("safety");
    let text = "layers:\n  - {type: Dense, units: 8, activation: rleu, kernel_initializer: he_normal}\n  - {type: Dense, units: 1, activation: softmax}\nloss: binary_crossentropy\n";
    std::fs::write(dir.0.join("m.yaml"), text).unwrap();
    let out = actlint(&dir.0, &["m.yaml"], b"");
    assert!(
        out.stdout.contains("ACT001 unknown-activation [*]"),
        "{out:?}"
    );
    assert!(
        !out.stdout.contains("ACT101 softmax-single-unit [*]"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains(
            "[*] 1 fixable with `--fix` (1 hidden fix can be enabled with `--unsafe-fixes`)"
        ),
        "{out:?}"
    );
    let out = actlint(&dir.0, &["--fix", "m.yaml"], b"");
    assert_eq!(out.code, 1, "ACT101 remains: {out:?}");
    let fixed = std::fs::read_to_string(dir.0.join("m.yaml")).unwrap();
    assert_eq!(fixed, text.replace("rleu", "relu"));
    assert!(out.stdout.contains("ACT101"), "{out:?}");
    assert!(!out.stdout.contains("ACT001"), "{out:?}");
    let out = actlint(&dir.0, &["--fix", "--unsafe-fixes", "m.yaml"], b"");
    assert_eq!(out.code, 0, "{out:?}");
    let fixed = std::fs::read_to_string(dir.0.join("m.yaml")).unwrap();
    assert_eq!(
        fixed,
        text.replace("rleu", "relu").replace("softmax", "sigmoid")
    );
}

#[test]
fn fix_is_idempotent() {
    let dir = TempDir::new("idem");
    let mut names = Vec::new();
    for code in fixed() {
        for (fixture, ext) in [("bad.yaml", "yaml"), ("bad.keras.json", "json")] {
            let name = format!("{code}.{ext}");
            dir.copy(
                &root().join("fixtures/rules").join(code).join(fixture),
                &name,
            );
            names.push(name);
        }
    }
    let args = |names: &[String]| {
        let mut a = vec!["--fix".to_string(), "--unsafe-fixes".to_string()];
        a.extend(names.iter().cloned());
        a
    };
    let first = args(&names);
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let out = actlint(&dir.0, &first, b"");
    assert!(!out.stderr.contains("fixed 0 "), "{out:?}");
    let snapshot = |names: &[String]| -> Vec<Vec<u8>> {
        names
            .iter()
            .map(|n| std::fs::read(dir.0.join(n)).unwrap())
            .collect()
    };
    let once = snapshot(&names);
    let out = actlint(&dir.0, &first, b"");
    assert!(out.stderr.contains("fixed 0 problems"), "{out:?}");
    assert_eq!(snapshot(&names), once, "a second --fix changed something");
}

#[test]
fn diff_shows_and_writes_nothing_and_fix_only_reports_nothing() {
    let dir = TempDir::new("diff");
    let text = "layers:\n  - type: Dense\n    units: 4\n    activation: \"rleu\"  # typo\n    kernel_initializer: he_normal\n  - {type: Dense, units: 1}\nloss: mse\n";
    std::fs::write(dir.0.join("m.yaml"), text).unwrap();
    let out = actlint(&dir.0, &["--diff", "m.yaml"], b"");
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "--- a/m.yaml\n+++ b/m.yaml\n@@ -1,7 +1,7 @@\n layers:\n   - type: Dense\n     units: 4\n-    activation: \"rleu\"  # typo\n+    activation: \"relu\"  # typo\n     kernel_initializer: he_normal\n   - {type: Dense, units: 1}\n loss: mse\n"
    );
    assert!(out.stderr.contains("would fix 1 problem"), "{out:?}");
    assert_eq!(std::fs::read_to_string(dir.0.join("m.yaml")).unwrap(), text);

    let out = actlint(&dir.0, &["--fix-only", "m.yaml"], b"");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "");
    assert_eq!(
        std::fs::read_to_string(dir.0.join("m.yaml")).unwrap(),
        text.replace("rleu", "relu")
    );
    // Nothing left: --diff is clean.
    let out = actlint(&dir.0, &["--diff", "m.yaml"], b"");
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
}

/// The notebook with the `source` of every cell cut out: what a fix must
/// leave byte for byte (outputs, metadata, the file's layout).
fn without_sources(text: &str) -> String {
    let root = tree::json::parse(text, tree::Limits::default()).expect("notebook JSON");
    let mut sources: Vec<Span> = root
        .get("cells")
        .and_then(Node::as_array)
        .expect("a cell list")
        .iter()
        .filter_map(|cell| cell.get("source").map(|s| s.span))
        .collect();
    sources.sort_by_key(|s| s.start);
    let mut out = String::new();
    let mut at = 0;
    for s in sources {
        out.push_str(&text[at..s.start]);
        out.push_str("<source>");
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Each code cell's source as Jupyter joins it.
fn cell_sources(text: &str) -> Vec<String> {
    let nb: serde_json::Value = serde_json::from_str(text).expect("notebook JSON");
    nb["cells"]
        .as_array()
        .expect("a cell list")
        .iter()
        .map(|cell| match &cell["source"] {
            serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect(),
            other => other.as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// `--fix` on a notebook edits the source of the cell the finding is in,
/// escaped as JSON and one string per line as Jupyter writes it; outputs,
/// metadata and the rest of the file stay byte for byte.
#[test]
fn notebook_fixes_land_in_their_cell() {
    let dir = TempDir::new("notebook");
    let source = root().join("fixtures/rules/ACT001/bad.ipynb");
    let path = dir.copy(&source, "rain.ipynb");
    let before = std::fs::read_to_string(&path).unwrap();

    // --diff shows the two lines of the cell and writes nothing.
    let out = actlint(&dir.0, &["--diff", "rain.ipynb"], b"");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("would fix 2 problems"), "{out:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let diff = out.stdout;

    let out = actlint(&dir.0, &["--fix", "rain.ipynb"], b"");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("fixed 2 problems"), "{out:?}");
    assert_eq!(dir.entries(), ["rain.ipynb"]);
    let after = std::fs::read_to_string(&path).unwrap();
    // The diff said what --fix did.
    assert_eq!(diff, fix::diff::unified("rain.ipynb", &before, &after));
    assert_eq!(without_sources(&after), without_sources(&before));
    // Only the third cell changed, and as Python it says what the fix said.
    let (old, new) = (cell_sources(&before), cell_sources(&after));
    assert_eq!(old.len(), new.len());
    for (i, (o, n)) in old.iter().zip(&new).enumerate() {
        if i == 2 {
            assert_eq!(
                *n,
                o.replace("\"hard_sigmod\"", "\"hard_sigmoid\"")
                    .replace("\"rleu\"", "\"relu\"")
            );
        } else {
            assert_eq!(o, n, "cell {}", i + 1);
        }
    }
    // The result lints clean for the rule, and nothing is left to fix.
    let report = lint_bytes("rain.ipynb", after.as_bytes(), &only("ACT001"));
    assert_eq!(report.diagnostics, [], "{after}");
    let out = actlint(&dir.0, &["--diff", "rain.ipynb"], b"");
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("fixtures/rules/ACT001"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("bad.ipynb.fix", diff));
}

#[test]
fn stdin_is_fixed_to_stdout() {
    let dir = TempDir::new("stdin");
    let text = "\u{feff}layers:\n  - {type: Dense, units: 1, activation: sigmiod}\nloss: binary_crossentropy\n";
    let out = actlint(
        &dir.0,
        &["--fix", "-", "--stdin-filename", "m.yaml"],
        text.as_bytes(),
    );
    assert_eq!(out.stdout, text.replace("sigmiod", "sigmoid"), "{out:?}");
    assert_eq!(out.code, 0, "{out:?}");
    // Unfixable findings are reported on standard error, not mixed into the text.
    let text =
        "layers:\n  - {type: Dense, units: 1, activation: softmax}\nloss: binary_crossentropy\n";
    let out = actlint(
        &dir.0,
        &["--fix", "-", "--stdin-filename", "m.yaml"],
        text.as_bytes(),
    );
    assert_eq!(out.stdout, text, "{out:?}");
    assert!(out.stderr.contains("ACT101"), "{out:?}");
    assert_eq!(out.code, 1, "{out:?}");
}

#[cfg(unix)]
#[test]
fn read_only_files_are_reported_and_left_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("ro");
    let text =
        "layers:\n  - {type: Dense, units: 1, activation: sigmiod}\nloss: binary_crossentropy\n";
    let path = dir.0.join("m.yaml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = actlint(&dir.0, &["--fix", "m.yaml"], b"");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("error: m.yaml: the file is read-only: fixes not written"),
        "{out:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(dir.entries(), ["m.yaml"]);
    // The finding is still reported, as not fixed.
    assert!(out.stdout.contains("ACT001"), "{out:?}");
}

#[test]
fn a_file_changed_since_it_was_read_is_not_overwritten() {
    let dir = TempDir::new("race");
    let path = dir.0.join("m.yaml");
    let read = "a: 1\n";
    std::fs::write(&path, read).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    // Someone saves the file between our read and our write.
    std::fs::write(&path, "a: 2\n").unwrap();
    let err =
        actlint::run::write::write_atomic(&path, read.as_bytes(), b"a: 3\n", &meta).unwrap_err();
    assert!(err.contains("changed while it was being fixed"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a: 2\n");
    assert_eq!(dir.entries(), ["m.yaml"], "the temporary file is removed");
    // Unchanged, it is replaced, and keeps its permissions.
    let meta = std::fs::metadata(&path).unwrap();
    actlint::run::write::write_atomic(&path, b"a: 2\n", b"a: 3\n", &meta).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a: 3\n");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions(),
        meta.permissions()
    );
}

#[test]
fn keras_archives_are_never_modified() {
    use std::io::Write;
    let dir = TempDir::new("archive");
    let config = std::fs::read(root().join("fixtures/rules/ACT001/bad.keras.json")).unwrap();
    let path = dir.0.join("m.keras");
    {
        let file = std::fs::File::create(&path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("config.json", options).unwrap();
        zip.write_all(&config).unwrap();
        zip.finish().unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let out = actlint(&dir.0, &["--fix", "m.keras"], b"");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("m.keras: fixes are not applicable to `.keras` archives"),
        "{out:?}"
    );
    assert!(out.stdout.contains("ACT001"), "{out:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn sarif_and_json_carry_the_fix() {
    let dir = TempDir::new("formats");
    let text =
        "layers:\n  - {type: Dense, units: 1, activation: sigmiod}\nloss: binary_crossentropy\n";
    std::fs::write(dir.0.join("m.yaml"), text).unwrap();
    let out = actlint(&dir.0, &["--format", "json", "m.yaml"], b"");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let fix = &doc["diagnostics"][0]["fix"];
    assert_eq!(fix["applicability"], "safe", "{fix}");
    let out = actlint(&dir.0, &["--format", "sarif", "m.yaml"], b"");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let fix = &doc["runs"][0]["results"][0]["fixes"][0];
    assert_eq!(
        fix["description"]["text"],
        "replace `sigmiod` with `sigmoid`"
    );
    let replacement = &fix["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "sigmoid");
    assert_eq!(replacement["deletedRegion"]["startLine"], 2);
    assert_eq!(replacement["deletedRegion"]["startColumn"], 41);
    assert_eq!(replacement["deletedRegion"]["endColumn"], 48);
    assert_eq!(fix["properties"]["applicability"], "safe");
}

// ---------------------------------------------------------------------------
// Property tests on generated models.
// ---------------------------------------------------------------------------

/// How a string value is written.
fn quoted(s: &str, style: u8) -> String {
    match style {
        0 => s.to_string(),
        1 => format!("\"{s}\""),
        _ => format!("'{s}'"),
    }
}

#[derive(Clone, Debug)]
struct GenLayer {
    class: &'static str,
    units: u64,
    activation: Option<&'static str>,
    init: Option<&'static str>,
    rate: f64,
    flow: bool,
    quote: u8,
}

fn layer_strategy() -> impl Strategy<Value = GenLayer> {
    let act = prop::option::of(prop::sample::select(vec![
        "relu", "rleu", "tanh", "sigmoid", "softmax", "sigmiod", "linear", "elu",
    ]));
    let init = prop::option::of(prop::sample::select(vec![
        "glorot_uniform",
        "he_normal",
        "he_norml",
        "GlorotUniform",
        "{type: VarianceScaling, scale: 2.0}",
        "{type: GlorotNormal, seed: 3}",
    ]));
    let class = prop::sample::select(vec!["Dense", "Dense", "Dense", "Dropout", "ReLU", "LSTM"]);
    (
        class,
        prop::sample::select(vec![1u64, 2, 8]),
        act,
        init,
        prop::sample::select(vec![0.2, 0.8]),
        any::<bool>(),
        0u8..3,
    )
        .prop_map(
            |(class, units, activation, init, rate, flow, quote)| GenLayer {
                class,
                units,
                activation,
                init,
                rate,
                flow,
                quote,
            },
        )
}

fn render_model(
    layers: &[GenLayer],
    loss: &str,
    from_logits: Option<bool>,
    indent: usize,
) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("# generated\nlayers:\n");
    for l in layers {
        let mut entries: Vec<(String, String)> = vec![("type".into(), l.class.into())];
        match l.class {
            "Dropout" => entries.push(("rate".into(), l.rate.to_string())),
            "ReLU" => {}
            _ => {
                entries.push(("units".into(), l.units.to_string()));
                if let Some(a) = l.activation {
                    entries.push(("activation".into(), quoted(a, l.quote)));
                }
                if let Some(i) = l.init.filter(|_| l.class == "Dense") {
                    let v = if i.starts_with('{') {
                        i.to_string()
                    } else {
                        quoted(i, l.quote)
                    };
                    entries.push(("kernel_initializer".into(), v));
                }
            }
        }
        if l.flow {
            let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            out.push_str(&format!("{pad}- {{{}}}\n", body.join(", ")));
        } else {
            for (i, (k, v)) in entries.iter().enumerate() {
                let lead = if i == 0 { "- " } else { "  " };
                out.push_str(&format!("{pad}{lead}{k}: {v}  # {k}\n"));
            }
        }
    }
    match from_logits {
        Some(f) => out.push_str(&format!("loss: {{type: {loss}, from_logits: {f}}}\n")),
        None => out.push_str(&format!("loss: {loss}\n")),
    }
    out
}

fn model_strategy() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(layer_strategy(), 1..7),
        prop::sample::select(vec![
            "binary_crossentropy",
            "BinaryCrossentropy",
            "mse",
            "binary_crossentropyy",
        ]),
        prop::option::of(any::<bool>()),
        prop::sample::select(vec![2usize, 4]),
    )
        .prop_map(|(layers, loss, logits, indent)| {
            let logits = logits.filter(|_| loss == "BinaryCrossentropy");
            render_model(&layers, loss, logits, indent)
        })
}

/// Every node span of a document.
fn node_spans(node: &Node, out: &mut Vec<Span>) {
    out.push(node.span);
    match &node.value {
        Value::Array(items) => items.iter().for_each(|i| node_spans(i, out)),
        Value::Object(entries) => entries.iter().for_each(|e| node_spans(&e.value, out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// One pass of one rule's fixes: the result parses, the rule has fewer
    /// findings, a replacement replaces exactly a value, and every line no
    /// edit touches is unchanged.
    #[test]
    fn fixes_do_what_they_say_and_nothing_else(text in model_strategy()) {
        let all = Options::default();
        let report = lint_bytes("m.yaml", text.as_bytes(), &all);
        prop_assert_eq!(parse_errors(&report), 0, "{}", text);
        let docs = tree::yaml::parse(&text, tree::Limits::default()).unwrap();
        let mut spans = Vec::new();
        node_spans(&docs[0], &mut spans);
        let mut codes: Vec<&str> = report.diagnostics.iter().filter(|d| d.fix.is_some()).map(|d| d.code).collect();
        codes.dedup();
        for code in codes {
            let fixes: Vec<&actlint::diagnostic::Fix> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == code)
                .filter_map(|d| d.fix.as_ref())
                .collect();
            let (fixed, taken) = fix::apply(&text, fixes.iter().copied());
            prop_assert_eq!(taken.len(), fixes.len(), "{} fixes clash:\n{}", code, text);
            let after = lint_bytes("m.yaml", fixed.as_bytes(), &all);
            prop_assert_eq!(parse_errors(&after), 0, "{} broke the file:\n{}\n->\n{}", code, text, fixed);
            // Fewer findings of the rule remain (a fix can uncover another,
            // as in a chain of three ReLUs: the loop, below, clears those).
            let count = |r: &FileReport| r.diagnostics.iter().filter(|d| d.code == code).count();
            prop_assert!(
                count(&after) < count(&report),
                "{} fixed nothing:\n{}\n->\n{}",
                code,
                text,
                fixed
            );
            let mut edits: Vec<&actlint::diagnostic::Edit> = fixes.iter().flat_map(|f| &f.edits).collect();
            edits.sort_by_key(|e| e.span.start);
            for e in &edits {
                if !e.span.is_empty() && !e.replacement.is_empty() {
                    // A value, or a quoted value without what the YAML
                    // parser's span runs on over (spaces, a comment).
                    let is_value = spans.iter().any(|v| {
                        v.start == e.span.start
                            && v.end >= e.span.end
                            && text[e.span.end..v.end].trim_start().chars().next().is_none_or(|c| c == '#')
                    });
                    prop_assert!(is_value, "{} edit {:?} is not a value:\n{}", code, e, text);
                }
            }
            // Lines no edit touches are unchanged: map each through the edits before it.
            let mut delta: isize = 0;
            let mut next = 0;
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                let (start, end) = (at, at + line.len());
                at = end;
                while next < edits.len() && edits[next].span.end < start {
                    delta += edits[next].replacement.len() as isize - edits[next].span.len() as isize;
                    next += 1;
                }
                let touched = edits.iter().any(|e| e.span.start <= end && e.span.end >= start);
                if !touched {
                    let s = (start as isize + delta) as usize;
                    prop_assert_eq!(fixed.get(s..s + line.len()), Some(line), "{} changed an untouched line:\n{}\n->\n{}", code, text, fixed);
                }
            }
        }
    }

    /// The whole loop: it stops, leaves no finding fixable with the flags
    /// it ran with (of any rule), the result parses, and running it again
    /// changes nothing.
    #[test]
    fn the_fix_loop_settles(text in model_strategy(), unsafe_fixes in any::<bool>()) {
        let options = Options::default();
        let once = fix::run("m.yaml", &text, false, &options, unsafe_fixes);
        prop_assert_eq!(parse_errors(&once.report), 0, "{}\n->\n{}", text, once.text);
        prop_assert!(
            once.report.diagnostics.iter().all(|d| !fix::apply::wanted(d, unsafe_fixes)),
            "fixable findings remain:\n{}\n->\n{}", text, once.text
        );
        let twice = fix::run("m.yaml", &once.text, false, &options, unsafe_fixes);
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert_eq!(twice.count(), 0);
        // Without `--unsafe-fixes`, what remains fixable is unsafe.
        if !unsafe_fixes {
            prop_assert!(once
                .report
                .diagnostics
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .all(|f| f.applicability == Applicability::Unsafe));
        }
    }
}

#[test]
fn inserted_keys_follow_keras_json_style() {
    // A hand-written Keras 3 layer without `kernel_initializer` (the
    // default applied): the serialized object is inserted, on one line.
    let text =
        std::fs::read_to_string(root().join("fixtures/rules/ACT401/bad.keras.json")).unwrap();
    let stripped = {
        // Drop the first Dense's initializer object.
        let key = "\"kernel_initializer\": {";
        let start = text.find(key).unwrap();
        let end = start
            + text[start..].find("\"registered_name\": null}").unwrap()
            + "\"registered_name\": null}".len();
        format!("{}{}", &text[..start - 2], &text[end..])
    };
    let report = lint_bytes("m.json", stripped.as_bytes(), &only("ACT401"));
    assert_eq!(parse_errors(&report), 0, "{stripped}");
    let fixed = fix::run("m.json", &stripped, false, &only("ACT401"), true);
    assert!(fixed.count() > 0, "{:#?}", report.diagnostics);
    assert!(
        fixed.text.contains(r#", "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": null}, "registered_name": null}"#),
        "{}",
        inline_changes(&stripped, &fixed.text)
    );
    assert_eq!(
        Syntax::Json,
        actlint::source::decode("m.json", fixed.text.as_bytes(), Default::default())
            .unwrap()
            .syntax
    );
}
