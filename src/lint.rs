//! The pipeline for one file: bytes -> text -> spanned tree -> model IR ->
//! rules -> sorted diagnostics.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::hints::{self, ModelHints};
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::{self, Detected};
use crate::rules::{self, parse_error, RuleMeta, RuleOptions};
use crate::source::Span;
use crate::source::{self, ReadLimits, Source, Syntax};
use crate::suppress::{self, PointerIgnore};
use crate::tree::{self, Limits, Node};

/// Settings for linting one file.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub read_limits: ReadLimits,
    pub tree_limits: Limits,
    /// Bounds on the size of a model (layers, graph edges); see [`crate::limits`].
    pub model_limits: crate::limits::ModelLimits,
    pub rule_options: RuleOptions,
    /// Rules to run (by code); `None` runs every rule enabled by default.
    /// A set: every model asks it once per rule.
    pub select: Option<BTreeSet<&'static str>>,
    /// Severities that replace rules' defaults, by code (ACT000 excepted).
    pub severity: BTreeMap<&'static str, Severity>,
    /// Task, classes and input range for models that do not declare them
    /// (`[[models]]` in the configuration).
    pub hints: ModelHints,
    /// `per-file-ignores` entries with a JSON pointer that apply to the file.
    pub pointer_ignores: Vec<PointerIgnore>,
}

impl Options {
    /// These options with one more rule enabled (for rules that are off by
    /// default, such as ACT205).
    pub fn enabling(mut self, code: &str) -> Self {
        // The rule's own code: a code no rule has enables nothing.
        let Some(code) = rules::all_meta()
            .into_iter()
            .find(|m| m.code == code)
            .map(|m| m.code)
        else {
            return self;
        };
        let mut codes = match self.select.take() {
            Some(codes) => codes,
            None => rules::all_meta()
                .into_iter()
                .filter(|m| m.default_enabled)
                .map(|m| m.code)
                .collect(),
        };
        codes.insert(code);
        self.select = Some(codes);
        self
    }

    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        match &self.select {
            Some(codes) => codes.contains(meta.code),
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
    /// Whether linting this file hit a bug (a caught panic): the run's exit
    /// code is then 2, whatever was found.
    pub fn internal_error(&self) -> bool {
        self.diagnostics
            .iter()
            .any(crate::isolate::is_internal_error)
    }

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

/// Lints one file's bytes. A panic while linting (a bug) is caught and
/// reported as an internal-error diagnostic for this file (see
/// [`crate::isolate`]), so one bad file never stops a run.
pub fn lint_bytes(path: &str, bytes: &[u8], options: &Options) -> FileReport {
    isolated(path, || {
        lint_decoded(
            path,
            source::decode(path, bytes, options.read_limits),
            options,
        )
    })
}

/// Lints a file on disk, reading no more than the limits allow: a text file
/// over the file size limit is reported without being read, and of a
/// `.keras` archive only the central directory and `config.json` are read.
/// `display` is the path as reports show it. The error is an I/O error
/// (the file cannot be opened or read, or it vanished) for the caller to
/// report.
pub fn lint_path(
    path: &std::path::Path,
    display: &str,
    options: &Options,
) -> std::io::Result<FileReport> {
    use std::io::{Read, Seek};
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let limits = options.read_limits;
    let mut head = Vec::with_capacity(8);
    (&mut file).take(8).read_to_end(&mut head)?;
    if meta.is_file() && source::is_archive(display, &head) && !head.starts_with(b"\x89HDF") {
        file.seek(std::io::SeekFrom::Start(0))?;
        let reader = std::io::BufReader::new(file);
        return Ok(isolated(display, || {
            lint_decoded(display, source::decode_archive(reader, limits), options)
        }));
    }
    if meta.is_file() && meta.len() > limits.max_file_size {
        let e = source::DecodeError::TooLarge {
            size: Some(meta.len()),
            limit: limits.max_file_size,
        };
        return Ok(lint_decoded(display, Err(e), options));
    }
    // A regular file is read into a buffer of its size: in one read, not a
    // series of growing ones.
    let size = if meta.is_file() { meta.len() } else { 0 };
    read_and_lint(display, head.as_slice().chain(file), size, options)
}

/// Lints what a reader yields (standard input), read through the file size
/// limit.
pub fn lint_reader(
    display: &str,
    reader: impl std::io::Read,
    options: &Options,
) -> std::io::Result<FileReport> {
    read_and_lint(display, reader, 0, options)
}

/// Reads through the file size limit (`size`: the expected length, 0 when
/// unknown) and lints what was read.
fn read_and_lint(
    display: &str,
    reader: impl std::io::Read,
    size: u64,
    options: &Options,
) -> std::io::Result<FileReport> {
    let limit = options.read_limits.max_file_size;
    let bytes = source::read_capped(reader, limit, size)?;
    if bytes.len() as u64 > limit {
        let e = source::DecodeError::TooLarge { size: None, limit };
        return Ok(lint_decoded(display, Err(e), options));
    }
    Ok(lint_bytes(display, &bytes, options))
}

/// Runs the lint of one file, turning a panic into an internal-error report.
fn isolated(path: &str, lint: impl FnOnce() -> FileReport) -> FileReport {
    crate::isolate::catch_file(path, lint).unwrap_or_else(|e| FileReport {
        path: path.to_string(),
        source: None,
        status: Status::Linted { models: 0 },
        diagnostics: vec![e.diagnostic()],
    })
}

fn lint_decoded(
    path: &str,
    decoded: Result<Source, source::DecodeError>,
    options: &Options,
) -> FileReport {
    let source = match decoded {
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

/// The models a file holds, built but not checked by any rule (for tools and
/// tests that inspect the IR). Documents that are not models are left out;
/// a file that cannot be read or parsed, or a malformed model, is an error
/// message.
pub fn load_models(path: &str, bytes: &[u8], options: &Options) -> Result<Vec<ir::Model>, String> {
    let source = source::decode(path, bytes, options.read_limits).map_err(|e| e.to_string())?;
    let docs = parse_documents(path, &source, options.tree_limits).map_err(|e| e.message)?;
    let mut models = Vec::new();
    for doc in &docs {
        match ir::build(doc) {
            Detected::Model(model) => models.push(*model),
            Detected::Malformed(errors) => {
                let messages: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                return Err(messages.join("; "));
            }
            Detected::NotAModel(_) => {}
        }
    }
    Ok(models)
}

/// Parses the text into documents; JSON-looking YAML falls back to YAML.
fn parse_documents(
    path: &str,
    source: &Source,
    limits: Limits,
) -> Result<Vec<Node>, tree::SyntaxError> {
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
    // An empty file reads the same whatever its syntax (for JSON it is not
    // a syntax error so much as a missing model).
    let blank = source.text.trim().is_empty();
    let docs = match parse_documents(path, source, options.tree_limits) {
        Err(_) if blank => Vec::new(),
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
        // An empty file handed to a model linter is a broken or truncated
        // model file, not a YAML file that is something else.
        let (message, label) = if source.text.trim().is_empty() {
            ("the file is empty", "empty file")
        } else {
            (
                "the file has no content (only comments or `null`)",
                "no model here",
            )
        };
        let d = parse_diag(format!(
            "{message}: expected a model config (a `layers` list, or a Keras model's JSON)"
        ))
        .at(Span::empty(0), label);
        return (vec![d], Status::Linted { models: 0 });
    }
    for doc in &docs {
        if ir::keras::looks_like_keras(doc) || ir::simple::looks_like_simple(doc) {
            // Too many layers: reported instead of built and checked.
            if let Some(d) = crate::limits::check_layer_entries(doc, &options.model_limits) {
                models += 1;
                diagnostics.push(d);
                continue;
            }
            diagnostics.extend(crate::limits::duplicate_keys(doc, source.syntax));
        }
        match ir::build(doc) {
            Detected::Model(mut model) => {
                models += 1;
                for p in &model.problems {
                    diagnostics.push(build_error_diag(p));
                }
                if let Some(d) = crate::limits::check_model(&model, &options.model_limits) {
                    diagnostics.push(d);
                    continue;
                }
                let hinted = hints::apply(&mut model, &options.hints);
                let mut found = rules::run(&model, &options.rule_options, &|m| options.enabled(m));
                crate::tree::edit::resolve_all(&source.text, source.syntax, &mut found);
                if let Some(applied) = &hinted {
                    hints::relabel(&mut found, applied);
                }
                diagnostics.extend(found);
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
    if models > 0 {
        // Suppressions and severities apply to what the rules found, after
        // the rules: comments and pointers are in the text, not in the IR.
        diagnostics = suppress::apply(
            &source.text,
            &docs,
            diagnostics,
            &options.pointer_ignores,
            &|m| options.enabled(m),
        );
    }
    for d in &mut diagnostics {
        if let Some(&s) = options.severity.get(d.code) {
            if d.code != parse_error::META.code {
                d.severity = s;
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
