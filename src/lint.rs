//! The pipeline for one file: bytes -> text -> spanned tree -> model IR ->
//! rules -> sorted diagnostics.

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::{self, Detected};
use crate::rules::{self, parse_error, RuleMeta, RuleOptions};
use crate::source::{self, ReadLimits, Source, Syntax};
use crate::tree::{self, Limits, Node, Span};

/// Settings for linting one file.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub read_limits: ReadLimits,
    pub tree_limits: Limits,
    pub rule_options: RuleOptions,
    /// Rules to run (by code); `None` runs every rule enabled by default.
    pub select: Option<Vec<String>>,
}

impl Options {
    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        match &self.select {
            Some(codes) => codes.iter().any(|c| c == meta.code),
            None => meta.default_enabled,
        }
    }
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Linted: this many models were found.
    Linted { models: usize },
    /// Valid JSON/YAML, but not a model config.
    Skipped { reason: String },
}

/// The result of linting one file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as given on the command line (or `--stdin-filename`).
    pub path: String,
    /// The text the spans refer to; `None` when the file could not be decoded.
    pub source: Option<Source>,
    pub status: Status,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

fn parse_diag(message: impl Into<String>) -> Diagnostic {
    parse_error::META.diag(message)
}

/// Lints one file's bytes.
pub fn lint_bytes(path: &str, bytes: &[u8], options: &Options) -> FileReport {
    let source = match source::decode(path, bytes, options.read_limits) {
        Ok(s) => s,
        Err(e) => {
            let help = match e {
                source::DecodeError::Hdf5 => Some(
                    "in Python: `open('model.json', 'w').write(model.to_json())`, or `model.save('model.keras')`",
                ),
                _ => None,
            };
            let mut d = parse_diag(e.to_string());
            d.help = help.map(str::to_string);
            return FileReport {
                path: path.to_string(),
                source: None,
                status: Status::Linted { models: 0 },
                diagnostics: vec![d],
            };
        }
    };
    let diagnostics_and_status = lint_source(path, &source, options);
    FileReport {
        path: path.to_string(),
        status: diagnostics_and_status.1,
        diagnostics: diagnostics_and_status.0,
        source: Some(source),
    }
}

/// Parses the text into documents; JSON-looking YAML falls back to YAML.
fn parse_documents(path: &str, source: &Source, limits: Limits) -> Result<Vec<Node>, tree::SyntaxError> {
    match source.syntax {
        Syntax::Json => match tree::json::parse(&source.text, limits) {
            Ok(node) => Ok(vec![node]),
            Err(json_err) => {
                let lower = path.to_ascii_lowercase();
                if lower.ends_with(".yaml") || lower.ends_with(".yml") {
                    tree::yaml::parse(&source.text, limits).or(Err(json_err))
                } else {
                    Err(json_err)
                }
            }
        },
        Syntax::Yaml => tree::yaml::parse(&source.text, limits),
    }
}

fn lint_source(path: &str, source: &Source, options: &Options) -> (Vec<Diagnostic>, Status) {
    let docs = match parse_documents(path, source, options.tree_limits) {
        Ok(docs) => docs,
        Err(e) => {
            let what = match source.syntax {
                Syntax::Json => "invalid JSON",
                Syntax::Yaml => "invalid YAML",
            };
            let d = parse_diag(format!("{what}: {}", e.message)).at(e.span, e.message.clone());
            return (vec![d], Status::Linted { models: 0 });
        }
    };
    let mut diagnostics = Vec::new();
    let mut models = 0;
    let mut skip_reason = None;
    if docs.is_empty() || docs.iter().all(Node::is_null) {
        skip_reason = Some("the file is empty".to_string());
    }
    for doc in &docs {
        match ir::build(doc) {
            Detected::Model(model) => {
                models += 1;
                for p in &model.problems {
                    diagnostics.push(build_error_diag(p));
                }
                diagnostics.extend(rules::run(&model, &options.rule_options, &|m| options.enabled(m)));
            }
            Detected::Malformed(errors) => {
                models += 1;
                diagnostics.extend(errors.iter().map(build_error_diag));
            }
            Detected::NotAModel(reason) => {
                if skip_reason.is_none() {
                    skip_reason = Some(reason.to_string());
                }
            }
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    let status = if models == 0 {
        Status::Skipped {
            reason: skip_reason.unwrap_or_else(|| "no model found".to_string()),
        }
    } else {
        Status::Linted { models }
    };
    (diagnostics, status)
}

fn build_error_diag(e: &ir::BuildError) -> Diagnostic {
    let mut d = parse_diag(e.message.clone()).at(e.span, label_for(&e.message));
    d.help = e.help.clone();
    d
}

fn label_for(message: &str) -> String {
    // The first clause of the message makes a short label.
    message
        .split([':', ','])
        .next()
        .unwrap_or(message)
        .trim()
        .to_string()
}

/// A span covering nothing, for diagnostics that concern the whole file.
pub fn file_start() -> Span {
    Span::empty(0)
}
