//! Pins what actlint reports on the Keras application models of the corpus,
//! so any new noise (or a lost true finding) shows up in review: those of
//! the trimmed copy in `fixtures/corpus` always, those of the full corpus
//! (`../shared/corpus`) when it is there (see `corpus.rs`).
//! The applications are well-tuned networks: only VGG16/VGG19 (deep plain
//! ReLU stacks on Glorot initialization without normalization) should carry
//! warnings, and infos must be explained by their rule docs.

use std::collections::BTreeMap;
use std::path::Path;

use actlint::diagnostic::Severity;
use actlint::lint::{lint_bytes, Options};

use crate::corpus::{corpora, full, in_repo};

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
    // The copy keeps 5 of the 40 Keras 3 applications.
    let findings = findings_of(&in_repo().dir.join("keras3/applications"));
    insta::assert_snapshot!("keras3_applications_in_repo", findings);
    if let Some(full) = full("keras3_application_findings_are_pinned") {
        let findings = findings_of(&full.dir.join("keras3/applications"));
        insta::assert_snapshot!("keras3_applications", findings);
    }
}

#[test]
fn keras2_application_findings_are_pinned() {
    // The copy keeps all three Keras 2 applications: one snapshot for both.
    for corpus in corpora("keras2_application_findings_are_pinned") {
        let findings = findings_of(&corpus.dir.join("keras2/applications"));
        insta::assert_snapshot!("keras2_applications", findings);
    }
}

#[test]
fn only_vgg_has_warnings_or_errors_among_the_applications() {
    for corpus in corpora("only_vgg_has_warnings_or_errors_among_the_applications") {
        for sub in ["keras3/applications", "keras2/applications"] {
            let dir = corpus.dir.join(sub);
            let sub = dir.display();
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
}
