//! The human renderer on the inputs that break naive renderers: Keras's
//! one-line JSON (megabytes on one line), labels far apart on that line,
//! non-ASCII text, labels at the end of the file, diagnostics without a
//! place, and arbitrary spans.

use actlint::diagnostic::{Diagnostic, Severity};
use actlint::lint::{lint_bytes, FileReport, Options};
use actlint::render::human::{render, Style};
use actlint::source::Span;
use serde_json::Value;

/// No line of the output may be longer than this (in characters).
const MAX_LINE: usize = 250;

fn human(report: &FileReport) -> String {
    render(
        std::slice::from_ref(report),
        &Style {
            color: false,
            width: 100,
        },
    )
}

fn lint(path: &str, bytes: &[u8]) -> FileReport {
    lint_bytes(path, bytes, &Options::default())
}

/// The report of `path` with only the diagnostics given.
fn report_with(path: &str, text: &str, diagnostics: Vec<Diagnostic>) -> FileReport {
    let mut report = lint(path, text.as_bytes());
    assert!(report.source.is_some(), "{path} decodes");
    report.diagnostics = diagnostics;
    report
}

fn diag(message: &str) -> Diagnostic {
    Diagnostic::new("ACT000", "parse-error", Severity::Error, message)
}

/// 1-based `line:column` of a byte offset, columns in characters.
fn position(text: &str, offset: usize) -> String {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    format!("{line}:{column}")
}

fn assert_short_lines(out: &str) {
    for line in out.lines() {
        let n = line.chars().count();
        assert!(
            n <= MAX_LINE,
            "a line of {n} characters (at most {MAX_LINE}):\n{line}\n\nin:\n{out}"
        );
    }
}

/// Windows (snippets) in the output: one `╭─[` header each.
fn windows(out: &str) -> usize {
    out.matches("╭─[").count()
}

/// The column `--format json` reports for the first diagnostic with `code`.
fn json_position(report: &FileReport, code: &str) -> String {
    let doc: Value =
        serde_json::from_str(&actlint::render::json::render(std::slice::from_ref(report)))
            .expect("JSON output");
    let d = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {doc:#}"));
    format!("{}:{}", d["line"], d["column"])
}

/// A one-line model in the simple format, as JSON: `before` ReLU layers, a
/// one-unit softmax (ACT101), then `after` ReLU layers; `name` is written
/// into every hidden layer.
fn one_line_model(before: usize, after: usize, name: &str) -> String {
    let hidden = |i: usize| {
        format!(
            r#"{{"type": "Dense", "name": "{name}{i}", "units": 16, "activation": "relu", "kernel_initializer": "he_normal"}}"#
        )
    };
    let mut layers: Vec<String> = (0..before).map(hidden).collect();
    layers.push(r#"{"type": "Dense", "name": "out", "units": 1, "activation": "softmax"}"#.into());
    layers.extend((before..before + after).map(hidden));
    format!(
        r#"{{"task": "multiclass", "layers": [{}], "loss": "categorical_crossentropy"}}"#,
        layers.join(", ")
    )
}

/// The ACT101 diagnostic of a linted model (other findings dropped, so that
/// these tests do not depend on other rules).
fn act101(report: &FileReport) -> Diagnostic {
    report
        .diagnostics
        .iter()
        .find(|d| d.code == "ACT101")
        .cloned()
        .unwrap_or_else(|| panic!("no ACT101 in {:#?}", report.diagnostics))
}

#[test]
fn real_keras_one_line_file() {
    let path = "fixtures/misc/mnist_mlp_softmax1.keras.json";
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/misc/mnist_mlp_softmax1.keras.json"
    ))
    .expect("fixture");
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    assert_eq!(text.lines().count(), 1, "Keras writes one line");
    let mut report = lint(path, &bytes);
    let d = act101(&report);
    report.diagnostics = vec![d.clone()];
    let out = human(&report);

    let softmax = text.rfind(r#""softmax""#).expect("the softmax value");
    let header = format!("[{path}:{}]", position(&text, softmax));
    assert!(out.contains(&header), "`{header}` in:\n{out}");
    assert_eq!(json_position(&report, "ACT101"), position(&text, softmax));
    assert!(out.contains('…'), "the line is cut:\n{out}");
    assert!(out.contains(r#""activation": "softmax""#), "{out}");
    for label in std::iter::once(d.primary.as_ref().expect("primary")).chain(&d.secondary) {
        let message = label.message.as_deref().expect("labels have messages");
        assert!(out.contains(message), "label `{message}` in:\n{out}");
    }
    assert_eq!(
        windows(&out),
        1,
        "the two labels are close: one window\n{out}"
    );
    assert_short_lines(&out);
}

#[test]
fn label_at_column_150000_of_a_200_kb_line() {
    // Each hidden layer is ~110 bytes; put the softmax past column 150,000
    // and pad the line to ~200 kB.
    let text = one_line_model(1400, 450, "dense_");
    assert!(text.len() > 200_000, "{}", text.len());
    let softmax = text.find(r#""softmax""#).expect("softmax");
    assert!(softmax > 150_000, "{softmax}");
    let mut report = lint("big.json", text.as_bytes());
    report.diagnostics = vec![act101(&report)];
    let out = human(&report);

    let header = format!("[big.json:{}]", position(&text, softmax));
    assert!(out.contains(&header), "`{header}` in:\n{out}");
    assert!(out.contains('…'), "{out}");
    assert_eq!(out.matches('…').count(), 2, "cut on both sides:\n{out}");
    assert_short_lines(&out);
    assert!(out.len() < 2_000, "a window, not the line:\n{out}");
    // The gutter shows the real line number.
    assert!(out.contains(" 1 │ …"), "{out}");
}

#[test]
fn labels_far_apart_on_one_line_get_a_window_each() {
    let text = one_line_model(1400, 450, "dense_");
    let mut report = lint("big.json", text.as_bytes());
    let softmax = act101(&report);
    let task = text.find(r#""multiclass""#).expect("task value");
    let loss = text
        .rfind(r#""categorical_crossentropy""#)
        .expect("loss value");
    let primary = softmax.primary.clone().expect("primary");
    let d = diag("the declared task disagrees with the head")
        .at(primary.span, "the output")
        .label(Span::new(task, task + 12), "the task")
        .label(
            Span::new(loss, loss + r#""categorical_crossentropy""#.len()),
            "the loss",
        );
    report.diagnostics = vec![d];
    let out = human(&report);

    assert_eq!(windows(&out), 3, "three windows:\n{out}");
    for (offset, label) in [
        (primary.span.start, "the output"),
        (task, "the task"),
        (loss, "the loss"),
    ] {
        let header = format!("[big.json:{}]", position(&text, offset));
        assert!(out.contains(&header), "`{header}` in:\n{out}");
        assert_eq!(out.matches(label).count(), 1, "`{label}` once in:\n{out}");
    }
    // In file order: the task, the output, the loss.
    let at = |s: &str| out.find(s).expect("present");
    assert!(
        at("the task") < at("the output") && at("the output") < at("the loss"),
        "{out}"
    );
    assert_short_lines(&out);
}

#[test]
fn many_labels_close_together_do_not_make_one_huge_window() {
    let text = one_line_model(400, 0, "d");
    let mut report = lint("many.json", text.as_bytes());
    let mut d = diag("every layer");
    let mut from = 0;
    let mut n = 0;
    while let Some(i) = text[from..].find(r#""he_normal""#) {
        let start = from + i;
        d = d.label(Span::new(start, start + 11), format!("init {n}"));
        from = start + 11;
        n += 1;
    }
    assert_eq!(n, 400);
    report.diagnostics = vec![d];
    let out = human(&report);
    assert_short_lines(&out);
    assert!(windows(&out) > 1, "{out}");
    for i in [0, 199, 399] {
        assert!(out.contains(&format!("init {i}\n")), "label {i} in:\n{out}");
    }
}

#[test]
fn non_ascii_before_a_label_on_a_long_line() {
    let text = one_line_model(2000, 10, "schicht_é_ü_日本_");
    let softmax = text.find(r#""softmax""#).expect("softmax");
    assert!(text[..softmax].len() > text[..softmax].chars().count() + 10_000);
    let mut report = lint("unicode.json", text.as_bytes());
    report.diagnostics = vec![act101(&report)];
    let out = human(&report);
    let expected = position(&text, softmax);
    assert!(
        out.contains(&format!("[unicode.json:{expected}]")),
        "{expected} in:\n{out}"
    );
    assert_eq!(json_position(&report, "ACT101"), expected);
    assert_short_lines(&out);
}

#[test]
fn non_ascii_before_a_label_on_a_short_line() {
    let text = "name: \"Modèle für Regen ☔\"\nlayers: [{type: Dense, name: \"é日本\", units: 1, activation: softmax}]\n";
    let mut report = lint("unicode.yaml", text.as_bytes());
    report.diagnostics = vec![act101(&report)];
    let out = human(&report);
    let softmax = text.find("softmax").expect("softmax");
    let expected = position(text, softmax);
    assert_eq!(expected, "2:59", "characters, not bytes");
    assert!(out.contains(&format!("[unicode.yaml:{expected}]")), "{out}");
    assert_eq!(json_position(&report, "ACT101"), expected);
}

#[test]
fn label_at_the_end_of_the_file_is_drawn() {
    let text = r#"{"class_name": "Sequential", "config": {"layers": ["#;
    let d = diag("invalid JSON").at(Span::empty(text.len()), "the file ends here");
    let out = human(&report_with("cut.json", text, vec![d]));
    assert!(
        out.contains(&format!("[cut.json:1:{}]", text.len() + 1)),
        "{out}"
    );
    assert!(out.contains("╰── the file ends here"), "{out}");

    // The same on a long line, and after a final newline.
    let long = format!("{}\n", &one_line_model(300, 0, "x")[..30_000]);
    let d = diag("invalid JSON").at(Span::empty(long.len()), "the file ends here");
    let out = human(&report_with("cut.json", &long, vec![d]));
    assert!(out.contains("[cut.json:2:1]"), "{out}");
    assert!(out.contains("╰── the file ends here"), "{out}");
    let d = diag("invalid JSON").at(Span::empty(long.len() - 1), "the line ends here");
    let out = human(&report_with("cut.json", &long, vec![d]));
    assert!(out.contains("[cut.json:1:30001]"), "{out}");
    assert!(out.contains("╰── the line ends here"), "{out}");
    assert_short_lines(&out);
}

#[test]
fn real_parse_error_at_end_of_file() {
    let text = br#"{"class_name": "Sequential", "config": {"layers": ["#;
    let report = lint("truncated.json", text);
    let out = human(&report);
    let primary = report.diagnostics[0].primary.clone().expect("a place");
    let message = primary.message.expect("a label message");
    assert!(
        out.contains(&format!("╰── {message}")),
        "the label is drawn:\n{out}"
    );
}

#[test]
fn diagnostic_without_a_place_names_the_file() {
    let report = lint("latin1.yaml", b"name: mod\xe8le\nlayers: []\n");
    assert!(report.source.is_none());
    let out = human(&report);
    assert!(out.contains("ACT000 parse-error"), "{out}");
    assert!(out.contains("latin1.yaml: file is not UTF-8"), "{out}");

    // A diagnostic about a whole readable file, with no label.
    let text = "layers: []\n";
    let d = diag("the model has no layers");
    let out = human(&report_with("nolayers.yaml", text, vec![d]));
    assert!(
        out.contains("nolayers.yaml: the model has no layers"),
        "{out}"
    );
}

#[test]
fn label_spanning_many_lines_is_cut_to_its_first_line() {
    let mut text = String::from("layers:\n");
    for i in 0..200 {
        text.push_str(&format!("  - {{type: Dense, units: {i}}}\n"));
    }
    let start = text.find("  - ").expect("a layer");
    let d = diag("whole list").at(Span::new(start, text.len() - 1), "all of these");
    let out = human(&report_with("many.yaml", &text, vec![d]));
    assert!(out.contains("[many.yaml:2:1]"), "{out}");
    assert!(out.contains("all of these"), "{out}");
    assert!(out.lines().count() < 20, "not 200 lines:\n{out}");
}

#[test]
fn long_line_next_to_a_labelled_line_is_not_printed() {
    // miette shows a line of context around a label; a huge neighbour must
    // not be printed whole.
    let text = format!("# {}\nlayers: 5\n", "x".repeat(100_000));
    let at = text.find('5').expect("5");
    let d = diag("`layers` must be a list").at(Span::new(at, at + 1), "a number");
    let out = human(&report_with("wide.yaml", &text, vec![d]));
    assert!(out.contains("[wide.yaml:2:9]"), "{out}");
    assert!(out.contains("a number"), "{out}");
    assert_short_lines(&out);
}

#[test]
fn control_characters_are_not_written_to_the_terminal() {
    let text = "layers: [\"\u{1b}[31mred\u{1b}[0m\", \u{9b}2J]\n";
    let at = text.find("red").expect("red");
    let d = diag("unknown value `\u{1b}[2J`")
        .at(Span::new(at, at + 3), "here \u{1b}[1m")
        .help("rename \u{7}it");
    let out = human(&report_with("esc.yaml", text, vec![d]));
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(!out.contains('\u{9b}'), "{out:?}");
    assert!(!out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("[esc.yaml:1:"), "{out}");
    assert!(out.contains("red"), "{out}");
    // The column is unchanged by the replacement.
    assert!(
        out.contains(&format!("[esc.yaml:{}]", position(text, at))),
        "{out}"
    );
}

/// A small deterministic generator, so that failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n as u64).max(1)) as usize
    }
}

#[test]
fn arbitrary_spans_never_panic_and_lines_stay_short() {
    let texts = [
        String::new(),
        "x".to_string(),
        one_line_model(40, 40, "é日"),
        "layers:\r\n  - type: Dense\r\n\tunits: 1\r\n".repeat(20),
        format!("a: 1\n{}\nb: 2\r\n", "日本語".repeat(400)),
        "\n\n\n".to_string(),
        format!("{}\n", "ü".repeat(1000)),
    ];
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for text in &texts {
        for _ in 0..150 {
            let n = 1 + rng.below(3);
            let mut d = diag("arbitrary");
            for k in 0..n {
                // Anywhere, including past the end, inside a character, and reversed.
                let a = rng.below(text.len() + 6);
                let b = if rng.below(4) == 0 {
                    a
                } else {
                    rng.below(text.len() + 6)
                };
                let span = Span::new(a, b);
                d = if k == 0 {
                    d.at(span, format!("label {k}"))
                } else {
                    d.label(span, format!("label {k}"))
                };
            }
            let report = report_with("fuzz.json", text, vec![d.clone()]);
            let out = human(&report);
            assert!(out.contains("arbitrary"), "{d:?}:\n{out}");
            assert_short_lines(&out);
        }
    }
}

#[test]
fn summary_line_wording() {
    use actlint::render::Summary;
    let line = |errors, warnings, infos, files_with_problems| {
        Summary {
            files: 9,
            files_with_problems,
            skipped: 0,
            errors,
            warnings,
            infos,
        }
        .line()
    };
    assert_eq!(
        line(1, 2, 0, 2),
        "3 problems (1 error, 2 warnings) in 2 files"
    );
    assert_eq!(line(1, 0, 0, 1), "1 problem (1 error) in 1 file");
    assert_eq!(line(0, 1, 1, 1), "2 problems (1 warning, 1 info) in 1 file");
    assert_eq!(
        line(2, 1, 3, 4),
        "6 problems (2 errors, 1 warning, 3 infos) in 4 files"
    );
    assert_eq!(line(0, 0, 0, 0), "no problems in 9 files");
}
