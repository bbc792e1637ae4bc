//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning reads it.
//!
//! - `tool.driver.rules[]` lists the rules that have results, in code order,
//!   with the rule's summary, the "What it does" section and its whole
//!   documentation as `help` (GitHub shows `help`, and ignores `helpUri`).
//! - Every result has `ruleId`, `ruleIndex`, `level` (`error`, `warning`,
//!   `note`), the message (with the help line), one location with a
//!   repository-relative `uri` (`uriBaseId` `%SRCROOT%`) and a 1-based
//!   region, secondary labels as `relatedLocations`, and a
//!   `partialFingerprints` entry that leaves lines and columns out, so an
//!   alert survives lines being added above it.
//! - Columns count UTF-16 code units (`run.columnKind` says so): that is
//!   SARIF's own default and what GitHub's and editors' viewers count. For
//!   text without characters outside the Basic Multilingual Plane they equal
//!   the character columns of `--format json`. Regions end exclusively.
//! - GitHub needs a `startLine` on every result: a finding without a place,
//!   or inside a `.keras` archive (a zip has no lines), is placed at line 1
//!   of the file, and its message says where in the archive member it is.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ci::{self, Columns, Locator, Paths, Region, RelPath};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::rules::{self, RuleMeta};

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The `partialFingerprints` key of actlint's line-independent fingerprint.
pub const FINGERPRINT_KEY: &str = "actlint/v1";
/// Where relative URIs are rooted: the repository checkout.
pub const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<ResultObject<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObject<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
    /// The diagnostic's fix (SARIF 2.1.0 §3.55), outside archives.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: TextRef<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
    /// `safe` or `unsafe` (applied only with `--unsafe-fixes`).
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: SarifRegion,
    inserted_content: TextRef<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    layer: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<TextRef<'a>>,
}

#[derive(Serialize)]
struct TextRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

impl SarifRegion {
    /// Line 1 of the file, for findings without a place in it.
    fn file_start() -> Self {
        SarifRegion {
            start_line: 1,
            start_column: None,
            end_line: None,
            end_column: None,
        }
    }
}

impl From<Region> for SarifRegion {
    fn from(r: Region) -> Self {
        SarifRegion {
            start_line: r.start.line,
            start_column: Some(r.start.column),
            end_line: Some(r.end.line),
            end_column: Some(r.end.column),
        }
    }
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The project's web page, when the package declares one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

/// The first paragraph of the "What it does" section of a rule's doc, on
/// one line; the summary when the doc has none.
fn what_it_does(meta: &RuleMeta) -> String {
    let mut lines = meta
        .doc
        .lines()
        .skip_while(|l| l.trim() != "## What it does")
        .skip(1)
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .peekable();
    if lines.peek().is_none() {
        return sentence(meta.summary);
    }
    lines.collect::<Vec<_>>().join(" ")
}

/// `the loss is ...` -> `The loss is ....`
fn sentence(s: &str) -> String {
    let mut chars = s.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn descriptor(meta: &'static RuleMeta) -> ReportingDescriptor {
    ReportingDescriptor {
        id: meta.code,
        name: meta.name,
        short_description: Text {
            text: sentence(meta.summary),
        },
        full_description: Text {
            text: what_it_does(meta),
        },
        help: Help {
            text: meta.doc,
            markdown: meta.doc,
        },
        help_uri: (!env!("CARGO_PKG_REPOSITORY").is_empty()).then(|| {
            format!(
                "{}/blob/main/rules/{}-{}.md",
                env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'),
                meta.code,
                meta.name
            )
        }),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: vec!["actlint", meta.category.as_str()],
        },
    }
}

/// The SARIF log for a run, pretty-printed, ending in a newline.
pub fn render(reports: &[FileReport], paths: &Paths) -> String {
    // The rules that have results, in code order; a diagnostic whose code is
    // not registered (none today) gets a descriptor from the diagnostic.
    let mut codes: Vec<&'static str> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut rule_list = Vec::new();
    let mut rule_index = BTreeMap::new();
    for code in codes {
        let descriptor = match rules::find(code) {
            Some(meta) => descriptor(meta),
            None => continue,
        };
        rule_index.insert(code, rule_list.len());
        rule_list.push(descriptor);
    }

    let fingerprints = ci::fingerprints(reports, paths);
    let mut results = Vec::new();
    for (report, prints) in reports.iter().zip(&fingerprints) {
        let locator = Locator::of(report);
        let path = paths.resolve(&report.path);
        for (d, print) in report.diagnostics.iter().zip(prints) {
            let Some(&index) = rule_index.get(d.code) else {
                continue;
            };
            results.push(result(d, index, &path, locator.as_ref(), print));
        }
    }

    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "actlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: rule_list,
                },
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("serializing plain data cannot fail");
    out.push('\n');
    out
}

fn artifact(path: &RelPath) -> ArtifactLocation {
    ArtifactLocation {
        uri: ci::uri(path),
        uri_base_id: matches!(path, RelPath::Relative(_)).then_some(SRCROOT),
    }
}

fn result<'a>(
    d: &'a Diagnostic,
    rule_index: usize,
    path: &RelPath,
    locator: Option<&Locator<'_>>,
    fingerprint: &str,
) -> ResultObject<'a> {
    let mut text = d.message.clone();
    text.push_str(&ci::member_note(locator, d));
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let region = ci::file_region(locator, d, Columns::Utf16);
    let primary = Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: artifact(path),
            region: region.map_or_else(SarifRegion::file_start, SarifRegion::from),
        },
        message: d
            .primary
            .as_ref()
            .filter(|_| region.is_some())
            .and_then(|l| l.message.as_deref())
            .map(|text| TextRef { text }),
    };
    // Secondary labels point into the same text; inside an archive member
    // they have no place in the file, so they are left out.
    let related = match locator.filter(|l| l.member.is_none()) {
        Some(locator) => d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, label)| Location {
                id: Some(i + 1),
                physical_location: PhysicalLocation {
                    artifact_location: artifact(path),
                    region: locator.region(label.span, Columns::Utf16).into(),
                },
                message: label.message.as_deref().map(|text| TextRef { text }),
            })
            .collect(),
        None => Vec::new(),
    };
    ResultObject {
        rule_id: d.code,
        rule_index,
        level: level(d.severity),
        message: Text { text },
        locations: [primary],
        related_locations: related,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint.to_string())]),
        properties: d.layer.as_deref().map(|layer| ResultProperties { layer }),
        fixes: fixes(d, path, locator),
    }
}

/// The fix as SARIF replacements; none inside archives, which are never
/// modified.
fn fixes<'a>(
    d: &'a Diagnostic,
    path: &RelPath,
    locator: Option<&Locator<'_>>,
) -> Vec<SarifFix<'a>> {
    let (Some(fix), Some(locator)) = (&d.fix, locator.filter(|l| l.member.is_none())) else {
        return Vec::new();
    };
    let replacements = fix
        .edits
        .iter()
        .map(|e| Replacement {
            deleted_region: locator.region(e.span, Columns::Utf16).into(),
            inserted_content: TextRef {
                text: &e.replacement,
            },
        })
        .collect();
    vec![SarifFix {
        description: TextRef { text: &fix.message },
        artifact_changes: [ArtifactChange {
            artifact_location: artifact(path),
            replacements,
        }],
        properties: FixProperties {
            applicability: match fix.applicability {
                crate::diagnostic::Applicability::Safe => "safe",
                crate::diagnostic::Applicability::Unsafe => "unsafe",
            },
        },
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{lint_bytes, Options};
    use crate::source::Span;
    use serde_json::Value;

    fn sarif(reports: &[FileReport]) -> Value {
        serde_json::from_str(&render(reports, &Paths::as_given())).unwrap()
    }

    fn report(path: &str, text: &str, diagnostics: Vec<Diagnostic>) -> FileReport {
        let mut r = lint_bytes(path, text.as_bytes(), &Options::default());
        r.diagnostics = diagnostics;
        r
    }

    fn act101() -> Diagnostic {
        crate::rules::find("ACT101")
            .expect("ACT101 is registered")
            .diag("softmax over one unit")
    }

    const MODEL: &str = "layers:\n  - {type: Dense, units: 1, activation: softmax}\nloss: mse\n";

    #[test]
    fn columns_count_utf16_code_units_and_say_so() {
        let text = "name: 😀\nlayers: [{type: Dense, units: 1, activation: softmax}]\n";
        let name = text.find('😀').unwrap();
        let d = act101().at(Span::new(name, name + '😀'.len_utf8()), "emoji");
        let doc = sarif(&[report("m.yaml", text, vec![d])]);
        assert_eq!(doc["runs"][0]["columnKind"], "utf16CodeUnits");
        let region = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startColumn"], 7);
        // One character, two UTF-16 code units; the end is exclusive.
        assert_eq!(region["endColumn"], 9);
    }

    #[test]
    fn fingerprints_do_not_depend_on_lines_and_count_duplicates() {
        let at = |text: &str| {
            let o = text.find("softmax").unwrap();
            Span::new(o, o + 7)
        };
        let moved = format!("# a comment\n\n{MODEL}");
        let a = sarif(&[report("m.yaml", MODEL, vec![act101().at(at(MODEL), "x")])]);
        let b = sarif(&[report("m.yaml", &moved, vec![act101().at(at(&moved), "x")])]);
        let print = |doc: &Value, i: usize| {
            doc["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY].clone()
        };
        assert_eq!(print(&a, 0), print(&b, 0));
        let region = |doc: &Value| {
            doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
                .clone()
        };
        assert_ne!(region(&a), region(&b));
        let twice = sarif(&[report(
            "m.yaml",
            MODEL,
            vec![act101().at(at(MODEL), "x"), act101().at(at(MODEL), "x")],
        )]);
        assert_ne!(print(&twice, 0), print(&twice, 1));
        let other_file = sarif(&[report("n.yaml", MODEL, vec![act101().at(at(MODEL), "x")])]);
        assert_ne!(print(&a, 0), print(&other_file, 0));
    }

    #[test]
    fn results_without_a_place_are_on_line_1() {
        let r = FileReport {
            path: "broken.json".into(),
            source: None,
            status: crate::lint::Status::Linted { models: 0 },
            layers: Vec::new(),
            models: Vec::new(),
            diagnostics: vec![act101()],
        };
        let doc = sarif(&[r]);
        let loc = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(loc["region"], serde_json::json!({"startLine": 1}));
        assert_eq!(loc["artifactLocation"]["uri"], "broken.json");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], SRCROOT);
    }

    #[test]
    fn rules_are_described_from_their_docs() {
        let o = MODEL.find("softmax").unwrap();
        let doc = sarif(&[report(
            "m.yaml",
            MODEL,
            vec![act101().at(Span::new(o, o + 7), "x")],
        )]);
        let rule = &doc["runs"][0]["tool"]["driver"]["rules"][0];
        let meta = crate::rules::find("ACT101").unwrap();
        assert_eq!(rule["id"], "ACT101");
        assert_eq!(rule["name"], "softmax-single-unit");
        assert_eq!(rule["help"]["markdown"], meta.doc);
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && !full.contains('\n'), "{full}");
        let doc_words = meta.doc.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(doc_words.contains(full), "{full}");
        assert_eq!(doc["runs"][0]["results"][0]["ruleIndex"], 0);
    }
}
