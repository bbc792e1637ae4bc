//! The real-world benchmark: lints every file of `fixtures/real-world/files`,
//! judges each warning and error against `EXPECTED.tsv` the way
//! `fixtures/real-world/BASELINE.md` describes, and checks the figures
//! against a ratchet: they may improve, never get worse.
//!
//! A finding is real when the file has an expected row with the same code
//! (and, for rules about one layer, the same layer). Infos are not counted.
//! Regenerate the results page with
//! `ACTLINT_UPDATE_DOCS=1 cargo test --test it real_world`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use actlint::diagnostic::Severity;
use actlint::lint::{lint_path, Options};

/// The ratchet: the figures of the current default rule set. When a change
/// improves them, raise these (the failure message prints the new values);
/// they are the only place to update.
const RATCHET: Ratchet = Ratchet {
    min_precision_permille: 1000,
    max_false: 0,
    max_files_with_false: 0,
    min_expected_found: 40,
    max_silent_passes: 0,
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
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real-world")
}

fn expected() -> BTreeMap<String, Vec<Expected>> {
    let text = std::fs::read_to_string(dir().join("EXPECTED.tsv")).unwrap();
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

fn matches(row: &Expected, code: &str, layer: Option<&str>) -> bool {
    row.code == code && (!ONE_LAYER_RULES.contains(&code) || layer == Some(row.layer.as_str()))
}

fn score() -> Score {
    let expected = expected();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir().join("files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut s = Score::default();
    let none = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let rows = expected.get(&name).unwrap_or(&none);
        assert!(!rows.is_empty(), "{name} has no row in EXPECTED.tsv");
        let report = lint_path(file, &name, &Options::default()).unwrap();
        s.files += 1;
        let mut any_false = false;
        let mut found = BTreeSet::new();
        let mut reported = 0;
        for d in &report.diagnostics {
            if !matches!(d.severity, Severity::Warning | Severity::Error) {
                continue;
            }
            reported += 1;
            s.findings += 1;
            let entry = s.by_rule.entry(d.code).or_default();
            match rows
                .iter()
                .position(|r| matches(r, d.code, d.layer.as_deref()))
            {
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
    out
}

fn page(s: &Score) -> String {
    let mut out = String::from(
        "# Results on the real-world benchmark\n\n\
         Generated by `tests/it/real_world.rs` \
         (`ACTLINT_UPDATE_DOCS=1 cargo test --test it real_world`): the default rule set on \
         every file in `files/`, each warning and error judged against `EXPECTED.tsv` as \
         `BASELINE.md` describes. Infos are not counted.\n\n",
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

#[test]
fn real_world_benchmark_does_not_regress() {
    let s = score();
    println!("{}", table(&s));
    assert_eq!(s.files, 128, "the benchmark holds 128 files");
    assert_eq!(
        s.expected, 40,
        "EXPECTED.tsv lists 40 warning/error problems"
    );

    let path = dir().join("RESULTS.md");
    let page = page(&s);
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
    let r = RATCHET;
    assert!(
        s.false_alarms.len() <= r.max_false
            && s.files_with_false <= r.max_files_with_false
            && s.expected_found >= r.min_expected_found
            && permille(&s) >= r.min_precision_permille
            && s.silent_passes.len() <= r.max_silent_passes,
        "the real-world figures got worse than the ratchet in tests/it/real_world.rs: now {now}"
    );
    let stale = std::fs::read_to_string(&path).unwrap_or_default() != page;
    assert!(
        !stale,
        "fixtures/real-world/RESULTS.md is stale: run \
         `ACTLINT_UPDATE_DOCS=1 cargo test --test it real_world` and commit it"
    );
    eprintln!("ratchet: {now}");
}
