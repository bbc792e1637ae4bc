//! Pins what actlint reports on every Keras application model of the shared
//! corpus, so any new noise (or a lost true finding) shows up in review.
//! The applications are well-tuned networks: only VGG16/VGG19 (deep plain
//! ReLU stacks on Glorot initialisation without normalisation) should carry
//! warnings, and infos must be explained by their rule docs.

use std::collections::BTreeMap;
use std::path::Path;

use actlint::diagnostic::Severity;
use actlint::lint::{lint_bytes, Options};

fn corpus() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(
        dir.is_dir(),
        "the shared corpus is missing at {}: it must sit beside the repository",
        dir.display()
    );
    dir
}

fn findings_of(dir: &Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = String::new();
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let report = lint_bytes(&name, &bytes, &Options::default());
        let mut counts: BTreeMap<(&str, &str, Severity), usize> = BTreeMap::new();
        for d in &report.diagnostics {
            *counts.entry((d.code, d.name, d.severity)).or_default() += 1;
        }
        if counts.is_empty() {
            out.push_str(&format!("{name}: clean\n"));
        }
        for ((code, rule, sev), n) in counts {
            out.push_str(&format!("{name}: {n} × {code} {rule} ({sev})\n"));
        }
    }
    out
}

#[test]
fn keras3_application_findings_are_pinned() {
    let findings = findings_of(&corpus().join("keras3/applications"));
    insta::assert_snapshot!("keras3_applications", findings);
}

#[test]
fn keras2_application_findings_are_pinned() {
    let findings = findings_of(&corpus().join("keras2/applications"));
    insta::assert_snapshot!("keras2_applications", findings);
}

#[test]
fn only_vgg_has_warnings_or_errors_among_the_applications() {
    for sub in ["keras3/applications", "keras2/applications"] {
        let dir = corpus().join(sub);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let report = lint_bytes(&name, &std::fs::read(&path).unwrap(), &Options::default());
            let loud: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity >= Severity::Warning)
                .map(|d| format!("{} {}", d.code, d.message))
                .collect();
            if name.starts_with("VGG") {
                assert!(
                    loud.iter().all(|d| d.starts_with("ACT401")),
                    "{sub}/{name}: {loud:?}"
                );
                assert!(
                    !loud.is_empty(),
                    "{sub}/{name} should keep its ACT401 finding"
                );
            } else {
                assert!(
                    loud.is_empty(),
                    "{sub}/{name}: unexpected findings {loud:?}"
                );
            }
        }
    }
}
