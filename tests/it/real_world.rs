//! The real-file benchmarks: lint every file of a benchmark's `files/`,
//! judge each warning and error against its `EXPECTED.tsv` the way
//! `fixtures/real-world/BASELINE.md` describes, and check the figures against
//! that benchmark's ratchet: they may improve, never get worse.
//!
//! Three benchmarks use the same judging rules: `fixtures/real-world` (the
//! files the default rule set was calibrated on, so its figures are
//! in-sample), `fixtures/holdout` (saved model files never used for
//! calibration, whose expectations were committed before actlint was run on
//! them) and `fixtures/python-bench` (Keras programs and notebooks, likewise
//! judged before the first run).
//!
//! A finding is real when the file has an expected row with the same code
//! (and, for rules about one layer, the same layer: its name, or for the
//! unnamed layers of a Python program the source lines `lines N-M` of the
//! layer call, which the finding's position must fall in). Infos are not
//! counted. A benchmark with a `READ.tsv` also records, per program, whether
//! its models were read fully, partially or not at all, and the test checks
//! the number of layers read against it.
//! Regenerate the results pages with
//! `ACTLINT_UPDATE_DOCS=1 cargo test --test it real_world`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use actlint::diagnostic::Severity;
use actlint::lint::{lint_path, Options};

/// One benchmark: where it lives, what it holds, and its ratchet.
struct Benchmark {
    /// Folder under `fixtures/`.
    dir: &'static str,
    /// Title of its `RESULTS.md`.
    title: &'static str,
    /// How its `EXPECTED.tsv` is judged (one sentence for `RESULTS.md`).
    judged: &'static str,
    files: usize,
    /// Warning and error problems listed in `EXPECTED.tsv`.
    expected: usize,
    /// Whether `READ.tsv` records how much of each file's models is read.
    read_table: bool,
    /// The figures of the current default rule set. When a change improves
    /// them, raise these (the failure message prints the new values); they
    /// are the only place to update.
    ratchet: Ratchet,
}

/// The calibration set: the default rule set was tuned on these files.
const REAL_WORLD: Benchmark = Benchmark {
    dir: "real-world",
    title: "Results on the real-world benchmark",
    judged: "each warning and error judged against `EXPECTED.tsv` as `BASELINE.md` describes",
    files: 128,
    expected: 40,
    read_table: false,
    ratchet: Ratchet {
        min_precision_permille: 1000,
        max_false: 0,
        max_files_with_false: 0,
        min_expected_found: 40,
        max_silent_passes: 0,
    },
};

/// The held-out set: never used for calibration (see its `README.md`).
const HOLDOUT: Benchmark = Benchmark {
    dir: "holdout",
    title: "Results on the held-out benchmark",
    judged: "each warning and error judged against `EXPECTED.tsv` by the rules of \
             `../real-world/BASELINE.md`",
    files: 72,
    expected: 63,
    read_table: false,
    ratchet: Ratchet {
        min_precision_permille: 954,
        max_false: 3,
        max_files_with_false: 2,
        min_expected_found: 63,
        max_silent_passes: 0,
    },
};

/// Keras programs (`.py`) and notebooks (`.ipynb`), read before the first
/// run (see its `README.md`).
const PYTHON_BENCH: Benchmark = Benchmark {
    dir: "python-bench",
    title: "Results on the Python benchmark",
    judged: "each warning and error judged against `EXPECTED.tsv` by the rules of \
             `../real-world/BASELINE.md`, a layer of a program named by its source lines",
    files: 41,
    expected: 12,
    read_table: true,
    ratchet: Ratchet {
        min_precision_permille: 857,
        max_false: 2,
        max_files_with_false: 1,
        min_expected_found: 12,
        max_silent_passes: 0,
    },
};

/// Rules whose finding is judged by layer as well as by code.
const ONE_LAYER_RULES: &[&str] = &["ACT201", "ACT206", "ACT301", "ACT701"];

struct Ratchet {
    /// Real findings per thousand warnings and errors, rounded down.
    min_precision_permille: usize,
    max_false: usize,
    max_files_with_false: usize,
    min_expected_found: usize,
    max_silent_passes: usize,
}

struct Expected {
    code: String,
    layer: String,
    severity: String,
}

#[derive(Default)]
struct Score {
    files: usize,
    findings: usize,
    real: usize,
    false_alarms: Vec<String>,
    files_with_false: usize,
    expected: usize,
    expected_found: usize,
    missed: Vec<String>,
    silent_passes: Vec<String>,
    by_rule: BTreeMap<&'static str, (usize, usize)>,
    /// Programs by how much of their models is read (`READ.tsv`).
    read: BTreeMap<String, usize>,
}

fn dir(b: &Benchmark) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(b.dir)
}

fn expected(b: &Benchmark) -> BTreeMap<String, Vec<Expected>> {
    let text = std::fs::read_to_string(dir(b).join("EXPECTED.tsv")).unwrap();
    let mut map: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 4, "EXPECTED.tsv: short row {line:?}");
        map.entry(cols[0].to_string()).or_default().push(Expected {
            code: cols[1].to_string(),
            layer: cols[2].to_string(),
            severity: cols[3].to_string(),
        });
    }
    map
}

fn counted(severity: &str) -> bool {
    severity == "warning" || severity == "error"
}

/// The 1-based line range of a `lines N-M` layer column.
fn line_range(layer: &str) -> Option<(usize, usize)> {
    let (from, to) = layer.strip_prefix("lines ")?.split_once('-')?;
    Some((from.parse().ok()?, to.parse().ok()?))
}

/// Whether the finding is on the expected row's layer: the same name, or a
/// position inside the source lines the row gives.
fn same_layer(row: &Expected, layer: Option<&str>, line: Option<usize>) -> bool {
    if layer == Some(row.layer.as_str()) {
        return true;
    }
    match (line_range(&row.layer), line) {
        (Some((from, to)), Some(line)) => (from..=to).contains(&line),
        _ => false,
    }
}

fn matches(row: &Expected, code: &str, layer: Option<&str>, line: Option<usize>) -> bool {
    row.code == code && (!ONE_LAYER_RULES.contains(&code) || same_layer(row, layer, line))
}

/// `READ.tsv`: for each file, how much of its models is read and how many
/// layers that is.
fn read_table(b: &Benchmark) -> BTreeMap<String, (String, usize)> {
    let text = std::fs::read_to_string(dir(b).join("READ.tsv")).unwrap();
    let mut map = BTreeMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 3, "READ.tsv: short row {line:?}");
        let read = cols[1].to_string();
        assert!(
            ["fully", "partially", "not at all"].contains(&read.as_str()),
            "READ.tsv: {read:?} is not fully, partially or not at all"
        );
        map.insert(cols[0].to_string(), (read, cols[2].parse().unwrap()));
    }
    map
}

fn score(b: &Benchmark) -> Score {
    let expected = expected(b);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir(b).join("files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut s = Score::default();
    let none = Vec::new();
    let read = if b.read_table {
        read_table(b)
    } else {
        BTreeMap::new()
    };
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let rows = expected.get(&name).unwrap_or(&none);
        assert!(!rows.is_empty(), "{name} has no row in EXPECTED.tsv");
        let report = lint_path(file, &name, &Options::default()).unwrap();
        s.files += 1;
        if b.read_table {
            let (how, layers) = read
                .get(&name)
                .unwrap_or_else(|| panic!("{name} has no row in READ.tsv"));
            assert_eq!(
                report.layers.len(),
                *layers,
                "{name}: READ.tsv says {layers} layers are read"
            );
            *s.read.entry(how.clone()).or_default() += 1;
        }
        let mut any_false = false;
        let mut found = BTreeSet::new();
        let mut reported = 0;
        for d in &report.diagnostics {
            if !matches!(d.severity, Severity::Warning | Severity::Error) {
                continue;
            }
            reported += 1;
            s.findings += 1;
            // 1-based line of the finding's position, for `lines N-M` rows.
            let line = match (&report.source, &d.primary) {
                (Some(source), Some(label)) => source
                    .text
                    .get(..label.span.start)
                    .map(|before| before.matches('\n').count() + 1),
                _ => None,
            };
            let entry = s.by_rule.entry(d.code).or_default();
            // Which expected row the finding satisfies: the one on its layer
            // when there is one, else one not yet satisfied, so that two
            // real findings of a rule judged by code alone (ACT302 on two
            // LSTMs) satisfy two rows. Whether it is real depends only on
            // `matches`.
            let candidates: Vec<usize> = (0..rows.len())
                .filter(|&i| matches(&rows[i], d.code, d.layer.as_deref(), line))
                .collect();
            let pick = candidates
                .iter()
                .copied()
                .find(|&i| same_layer(&rows[i], d.layer.as_deref(), line))
                .or_else(|| candidates.iter().copied().find(|i| !found.contains(i)))
                .or_else(|| candidates.first().copied());
            match pick {
                Some(i) => {
                    s.real += 1;
                    entry.0 += 1;
                    found.insert(i);
                }
                None => {
                    entry.1 += 1;
                    any_false = true;
                    s.false_alarms.push(format!(
                        "{name}: {} {} on {}",
                        d.code,
                        d.severity.as_str(),
                        d.layer.as_deref().unwrap_or("-")
                    ));
                }
            }
        }
        s.files_with_false += usize::from(any_false);
        let problems: Vec<usize> = (0..rows.len())
            .filter(|&i| counted(&rows[i].severity))
            .collect();
        s.expected += problems.len();
        for &i in &problems {
            if found.contains(&i) {
                s.expected_found += 1;
            } else {
                s.missed
                    .push(format!("{name}: {} on {}", rows[i].code, rows[i].layer));
            }
        }
        if !problems.is_empty() && reported == 0 {
            s.silent_passes.push(name);
        }
    }
    s
}

fn permille(s: &Score) -> usize {
    (s.real * 1000).checked_div(s.findings).unwrap_or(1000)
}

fn percent(n: usize, d: usize) -> String {
    if d == 0 {
        return "-".into();
    }
    format!("{:.1} %", 100.0 * n as f64 / d as f64)
}

fn table(s: &Score) -> String {
    let mut out = String::new();
    out.push_str("| measure | value |\n|---|---|\n");
    out.push_str(&format!("| files | {} |\n", s.files));
    out.push_str(&format!("| warning + error findings | {} |\n", s.findings));
    out.push_str(&format!(
        "| **precision** (real / all warning+error findings) | **{} / {} = {}** |\n",
        s.real,
        s.findings,
        percent(s.real, s.findings)
    ));
    out.push_str(&format!(
        "| **files with a false warning/error** | **{} / {} = {}** |\n",
        s.files_with_false,
        s.files,
        percent(s.files_with_false, s.files)
    ));
    out.push_str(&format!(
        "| **recall** (expected warning/error problems found) | **{} / {}** |\n",
        s.expected_found, s.expected
    ));
    out.push_str(&format!(
        "| **silent passes** (files with a real problem, nothing reported) | **{}** |\n",
        s.silent_passes.len()
    ));
    if !s.read.is_empty() {
        let n = |k: &str| s.read.get(k).copied().unwrap_or(0);
        out.push_str(&format!(
            "| models read fully / partially / not at all (`READ.tsv`) | {} / {} / {} |\n",
            n("fully"),
            n("partially"),
            n("not at all")
        ));
    }
    out
}

fn page(b: &Benchmark, s: &Score) -> String {
    let mut out = format!(
        "# {}\n\n\
         Generated by `tests/it/real_world.rs` \
         (`ACTLINT_UPDATE_DOCS=1 cargo test --test it real_world`): the default rule set on \
         every file in `files/`, {}. Infos are not counted.\n\n",
        b.title, b.judged
    );
    out.push_str(&table(s));
    out.push_str("\n## Findings by rule\n\n| rule | real | false |\n|---|---|---|\n");
    for (code, (real, false_)) in &s.by_rule {
        out.push_str(&format!("| {code} | {real} | {false_} |\n"));
    }
    let list = |title: &str, items: &[String], out: &mut String| {
        out.push_str(&format!("\n## {title} ({})\n\n", items.len()));
        for item in items {
            out.push_str(&format!("- `{item}`\n"));
        }
    };
    list("False alarms", &s.false_alarms, &mut out);
    list("Missed problems", &s.missed, &mut out);
    list("Silent passes", &s.silent_passes, &mut out);
    out
}

fn check(b: &Benchmark) {
    let s = score(b);
    println!("{}: {} files\n{}", b.dir, s.files, table(&s));
    assert_eq!(
        s.files, b.files,
        "fixtures/{} holds {} files",
        b.dir, b.files
    );
    assert_eq!(
        s.expected, b.expected,
        "fixtures/{}/EXPECTED.tsv lists {} warning/error problems",
        b.dir, b.expected
    );

    let path = dir(b).join("RESULTS.md");
    let page = page(b, &s);
    if std::env::var_os("ACTLINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &page).unwrap();
    }

    let now = format!(
        "min_precision_permille: {}, max_false: {}, max_files_with_false: {}, \
         min_expected_found: {}, max_silent_passes: {}",
        permille(&s),
        s.false_alarms.len(),
        s.files_with_false,
        s.expected_found,
        s.silent_passes.len()
    );
    let r = &b.ratchet;
    assert!(
        s.false_alarms.len() <= r.max_false
            && s.files_with_false <= r.max_files_with_false
            && s.expected_found >= r.min_expected_found
            && permille(&s) >= r.min_precision_permille
            && s.silent_passes.len() <= r.max_silent_passes,
        "the fixtures/{} figures got worse than its ratchet in tests/it/real_world.rs: now {now}",
        b.dir
    );
    let stale = std::fs::read_to_string(&path).unwrap_or_default() != page;
    assert!(
        !stale,
        "fixtures/{}/RESULTS.md is stale: run \
         `ACTLINT_UPDATE_DOCS=1 cargo test --test it real_world` and commit it",
        b.dir
    );
    eprintln!("{} ratchet: {now}", b.dir);
}

#[test]
fn real_world_benchmark_does_not_regress() {
    check(&REAL_WORLD);
}

#[test]
fn holdout_benchmark_does_not_regress() {
    check(&HOLDOUT);
}

#[test]
fn python_benchmark_does_not_regress() {
    check(&PYTHON_BENCH);
}
