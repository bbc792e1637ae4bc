//! Rule documentation: every registered rule has a doc in `rules/`, the doc
//! agrees with the rule's metadata, and the examples in it are true: the bad
//! example triggers the rule (and nothing else), the good one nothing at all.
//!
//! Each test checks every doc and reports every problem at once.

use crate::common::describe;

use std::path::{Path, PathBuf};

use actlint::diagnostic::FixKind;
use actlint::lint::{lint_bytes, FileReport, Options};
use actlint::rules::{all_meta, RuleMeta};

const SECTIONS: [&str; 5] = [
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "References",
];

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

fn doc_file_name(meta: &RuleMeta) -> String {
    format!("{}-{}.md", meta.code, meta.name)
}

/// Panics with every problem found, one per paragraph.
fn report(what: &str, problems: Vec<String>) {
    if !problems.is_empty() {
        panic!("{} {what}:\n\n{}\n", problems.len(), problems.join("\n\n"));
    }
}

/// A fenced code block of a doc.
struct Block {
    /// The `## ` section it is in.
    section: String,
    /// The info string after the opening fence (`yaml`, `json`, ...).
    lang: String,
    /// 1-based line of the opening fence in the doc.
    line: usize,
    code: String,
}

/// The parts of a doc: its `## ` headings in order, the text under each, and
/// its fenced blocks. Lines inside fences are never headings (a YAML comment
/// may well start with `## `).
struct Doc {
    headings: Vec<String>,
    section_text: Vec<(String, String)>,
    blocks: Vec<Block>,
    unclosed_fence: Option<usize>,
}

fn parse_doc(text: &str) -> Doc {
    let mut doc = Doc {
        headings: Vec::new(),
        section_text: Vec::new(),
        blocks: Vec::new(),
        unclosed_fence: None,
    };
    let mut section = String::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(block) = open.as_mut() {
            if line.trim_end() == "```" {
                doc.blocks.push(open.take().expect("a block is open"));
            } else {
                block.code.push_str(line);
                block.code.push('\n');
            }
            continue;
        }
        if let Some(info) = line.strip_prefix("```") {
            open = Some(Block {
                section: section.clone(),
                lang: info.trim().to_string(),
                line: i + 1,
                code: String::new(),
            });
            if let Some((_, body)) = doc.section_text.last_mut() {
                body.push_str("(code)\n");
            }
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            section = heading.trim().to_string();
            doc.headings.push(section.clone());
            doc.section_text.push((section.clone(), String::new()));
        } else if let Some((_, body)) = doc.section_text.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    doc.unclosed_fence = open.map(|b| b.line);
    doc
}

fn header_line(meta: &RuleMeta) -> String {
    format!(
        "**Category:** {} · **Default severity:** {} · **Enabled by default:** {}",
        meta.category.as_str(),
        meta.severity.as_str(),
        if meta.default_enabled { "yes" } else { "no" }
    )
}

/// The yaml/json blocks of one section, linted.
fn linted_examples(meta: &RuleMeta, doc: &Doc, section: &str) -> Vec<(String, FileReport)> {
    doc.blocks
        .iter()
        .filter(|b| b.section == section && (b.lang == "yaml" || b.lang == "json"))
        .map(|b| {
            let name = format!("{}-example-line{}.{}", meta.code, b.line, b.lang);
            let report = lint_bytes(
                &name,
                b.code.as_bytes(),
                &Options::default().enabling(meta.code),
            );
            let where_ = format!(
                "rules/{} `## {section}` block at line {} (```{})",
                doc_file_name(meta),
                b.line,
                b.lang
            );
            (where_, report)
        })
        .collect()
}

fn load(meta: &RuleMeta) -> Option<Doc> {
    let path = rules_dir().join(doc_file_name(meta));
    std::fs::read_to_string(path).ok().map(|t| parse_doc(&t))
}

#[test]
fn every_rule_has_its_doc_file() {
    let mut problems = Vec::new();
    for meta in all_meta() {
        let file = doc_file_name(meta);
        match std::fs::read_to_string(rules_dir().join(&file)) {
            Err(e) => problems.push(format!("{}: rules/{file} cannot be read: {e}", meta.code)),
            Ok(text) if text != meta.doc => problems.push(format!(
                "{}: `meta.doc` is not the text of rules/{file}",
                meta.code
            )),
            Ok(_) => {}
        }
    }
    report("rules without their doc", problems);
}

#[test]
fn every_doc_belongs_to_a_registered_rule() {
    let expected: Vec<String> = all_meta().into_iter().map(doc_file_name).collect();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(rules_dir()).expect("rules/ exists") {
        let name = entry.expect("readable entry").file_name();
        let name = name.to_string_lossy().into_owned();
        if !expected.contains(&name) {
            problems.push(format!(
                "rules/{name} is not the doc of any registered rule (expected names like rules/{})",
                expected[0]
            ));
        }
    }
    report("orphan docs", problems);
}

#[test]
fn doc_title_and_header_match_the_metadata() {
    let mut problems = Vec::new();
    for meta in all_meta() {
        let file = doc_file_name(meta);
        let mut lines = meta.doc.lines();
        let title = format!("# {} {}", meta.code, meta.name);
        let first = lines.next().unwrap_or("");
        if first != title {
            problems.push(format!(
                "rules/{file}: first line is `{first}`, expected `{title}`"
            ));
        }
        let header = header_line(meta);
        let found = lines.find(|l| !l.trim().is_empty()).unwrap_or("");
        if found != header {
            problems.push(format!(
                "rules/{file}: the line after the title is\n    {found}\n  expected\n    {header}"
            ));
        }
    }
    report("doc headers that disagree with the metadata", problems);
}

#[test]
fn docs_have_exactly_the_standard_sections() {
    let mut problems = Vec::new();
    for meta in all_meta() {
        let file = doc_file_name(meta);
        let doc = parse_doc(meta.doc);
        if let Some(line) = doc.unclosed_fence {
            problems.push(format!(
                "rules/{file}: the code block at line {line} is never closed"
            ));
        }
        // Rules with a fix say how safe it is, between `Use instead` and
        // `References`; rules without one have no such section.
        let mut expected: Vec<&str> = SECTIONS.to_vec();
        if meta.fix != FixKind::None {
            expected.insert(4, "Fix safety");
        }
        if doc.headings != expected {
            problems.push(format!(
                "rules/{file}: sections are {:?}, expected {:?} in that order",
                doc.headings, expected
            ));
        }
        for (section, body) in &doc.section_text {
            if body.trim().is_empty() {
                problems.push(format!("rules/{file}: `## {section}` is empty"));
            }
        }
        if let Some((_, refs)) = doc.section_text.iter().find(|(s, _)| s == "References") {
            if !refs.lines().any(|l| l.trim_start().starts_with("- ")) {
                problems.push(format!(
                    "rules/{file}: `## References` lists no reference (`- ...` items)"
                ));
            }
        }
        for (n, line) in meta.doc.lines().enumerate() {
            if line.contains("TODO") {
                problems.push(format!("rules/{file}:{}: still says TODO", n + 1));
            }
        }
        for section in ["Example", "Use instead"] {
            if !doc.headings.iter().any(|h| h == section) {
                continue; // reported above
            }
            let runnable = doc
                .blocks
                .iter()
                .filter(|b| b.section == section && (b.lang == "yaml" || b.lang == "json"))
                .count();
            if runnable == 0 {
                problems.push(format!(
                    "rules/{file}: `## {section}` has no ```yaml or ```json block to run"
                ));
            }
        }
    }
    report("docs with missing or misplaced sections", problems);
}

#[test]
fn bad_examples_trigger_their_rule_and_nothing_else() {
    let mut problems = Vec::new();
    for meta in all_meta() {
        let Some(doc) = load(meta) else { continue };
        for (where_, report) in linted_examples(meta, &doc, "Example") {
            let only_this_rule = report.diagnostics.iter().all(|d| d.code == meta.code);
            if report.diagnostics.is_empty() || !only_this_rule {
                problems.push(format!(
                    "{where_}: expected at least one {} and no other code; got:\n{}",
                    meta.code,
                    describe(&report, "      ")
                ));
            }
        }
    }
    report("bad examples that do not show their rule", problems);
}

#[test]
fn good_examples_are_clean() {
    let mut problems = Vec::new();
    for meta in all_meta() {
        let Some(doc) = load(meta) else { continue };
        for (where_, report) in linted_examples(meta, &doc, "Use instead") {
            if !report.diagnostics.is_empty() {
                problems.push(format!(
                    "{where_}: expected no diagnostics; got:\n{}",
                    describe(&report, "      ")
                ));
            }
            if let actlint::lint::Status::Skipped { reason } = &report.status {
                problems.push(format!(
                    "{where_}: the example is not read as a model ({reason}), so it proves nothing"
                ));
            }
        }
    }
    report("good examples that are not clean", problems);
}
