//! One file's pipeline, phase by phase: parse the text into a spanned tree
//! -> detect and check the limits -> build the model IR -> run the rules ->
//! resolve their fixes against the text -> suppressions -> severities ->
//! sort.
//!
//! [`lint_source`] runs the phases on decoded text and returns an
//! [`Analysis`] (the text, the models built, the diagnostics). [`lint_bytes`]
//! and the readers of [`read`] decode first, isolate panics
//! ([`isolate`]) and return a [`FileReport`].

pub mod isolate;
pub mod limits;
pub mod read;
pub mod suppress;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::hints::{self, ModelHints};
use crate::ir::{self, Detected};
use crate::rules::{self, parse_error, RuleMeta, RuleOptions};
use crate::source::{self, ReadLimits, Source, Span, Syntax};
use crate::tree::{self, Limits, Node};
pub use read::{lint_path, lint_reader, lint_walked_path};
use suppress::PointerIgnore;

/// Settings for linting one file.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub read_limits: ReadLimits,
    pub tree_limits: Limits,
    /// Bounds on the size of a model (layers, graph edges); see [`crate::lint::limits`].
    pub model_limits: crate::lint::limits::ModelLimits,
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
        let Some(code) = rules::find(code).map(|m| m.code) else {
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
    /// Every layer of the file's models with its inferred output shape and
    /// parameter count, in the order `model.summary()` lists them.
    pub layers: Vec<LayerSummary>,
    /// The models built from the file, as the rules saw them: what the
    /// pictures of `actlint graph` and the HTML report draw, without
    /// parsing the file again. A run that draws nothing drops them.
    pub models: Vec<ir::Model>,
}

/// One layer of a linted model, as the layer table of `-v` and the JSON
/// output show it.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSummary {
    /// Which model of the file (documents of a YAML stream count from 0).
    pub model: usize,
    /// The layer's name, `outer/inner` for a layer of a nested model.
    pub path: String,
    pub class: String,
    /// How deep in nested models (0 for the top level).
    pub depth: usize,
    /// The per-sample shape of the layer's (first) input, when known.
    pub input: Option<ir::shapes::Shape>,
    /// The per-sample output shape (batch axis left out), when known.
    pub output: Option<ir::shapes::Shape>,
    pub params: Option<u64>,
    /// The layer entry's span, for positions.
    pub span: crate::source::Span,
}

/// The layer table of some models: every layer of every graph (wrapped
/// layers are part of their wrapper), nested models' layers after the model
/// that holds them. Linear in the number of layers times the nesting depth.
pub fn layer_table(models: &[ir::Model]) -> Vec<LayerSummary> {
    let mut out = Vec::new();
    for (index, model) in models.iter().enumerate() {
        for layer in &model.layers {
            if layer.wrapper.is_some() {
                continue;
            }
            let mut path = layer.name().unwrap_or("").to_string();
            let mut depth = 0;
            let mut graph = layer.graph;
            while let Some(owner) = model.graphs.get(graph).and_then(|g| g.owner) {
                let o = model.layer(owner);
                path = format!("{}/{path}", o.name().unwrap_or(""));
                depth += 1;
                graph = o.graph;
            }
            out.push(LayerSummary {
                model: index,
                path,
                class: layer.class().to_string(),
                depth,
                input: layer
                    .args
                    .first()
                    .and_then(|&(l, t)| model.tensor_shape(l, t))
                    .cloned(),
                output: model.shapes.get(layer.id).cloned().flatten(),
                params: model.params.get(layer.id).copied().flatten(),
                span: layer.span,
            });
        }
    }
    out
}

impl FileReport {
    /// Whether linting this file hit a bug (a caught panic): the run's exit
    /// code is then 2, whatever was found.
    pub fn internal_error(&self) -> bool {
        self.diagnostics.iter().any(isolate::is_internal_error)
    }

    /// This report for a file that a directory walk found rather than the
    /// command line named: a binary file that is clearly not a model (a
    /// pickle, a NumPy array) is skipped instead of reported (named, it is
    /// an ACT000 error; see [`source::DecodeError::NotAModelFile`]).
    pub fn found_by_walk(mut self) -> Self {
        let not_a_model = self.source.is_none()
            && self.diagnostics.len() == 1
            && self.diagnostics[0].code == parse_error::META.code
            && self.diagnostics[0]
                .message
                .starts_with(source::NOT_A_MODEL_FILE);
        if not_a_model {
            let d = self.diagnostics.pop();
            self.status = Status::Skipped {
                reason: d.map(|d| d.message).unwrap_or_default(),
            };
        }
        self
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// What linting one text found: the text, the models built from it (with
/// the configuration's hints applied, as the rules saw them) and the
/// diagnostics, suppressed, graded and sorted.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub source: Source,
    /// The parsed documents (for Python source, the configs it lowers to),
    /// with spans into `source.text`: what hover looks values up in.
    pub docs: Vec<crate::tree::Node>,
    pub models: Vec<ir::Model>,
    pub diagnostics: Vec<Diagnostic>,
    pub status: Status,
}

impl Analysis {
    /// The report of the file `path` (the parsed documents are not kept).
    pub fn into_report(self, path: &str) -> FileReport {
        FileReport {
            path: path.to_string(),
            layers: layer_table(&self.models),
            models: self.models,
            source: Some(self.source),
            status: self.status,
            diagnostics: self.diagnostics,
        }
    }
}

fn parse_diag(message: impl Into<String>) -> Diagnostic {
    parse_error::META.diag(message)
}

/// Lints one file's bytes. A panic while linting (a bug) is caught and
/// reported as an internal-error diagnostic for this file (see
/// [`isolate`]), so one bad file never stops a run.
pub fn lint_bytes(path: &str, bytes: &[u8], options: &Options) -> FileReport {
    isolated(path, || {
        report(
            path,
            source::decode(path, bytes, options.read_limits),
            options,
        )
    })
}

/// Lints one file's bytes as [`lint_bytes`] does, and keeps the parsed
/// documents the findings point into, for a caller that asks more of the
/// file than its findings (the language server's hover): it need not parse
/// the text again. No documents when the file could not be read or parsed.
pub fn analyze_bytes(
    path: &str,
    bytes: &[u8],
    options: &Options,
) -> (FileReport, Vec<crate::tree::Node>) {
    let mut docs = Vec::new();
    let report = isolated(path, || {
        match source::decode(path, bytes, options.read_limits) {
            Ok(source) => {
                let mut analysis = lint_source(path, source, options);
                docs = std::mem::take(&mut analysis.docs);
                analysis.into_report(path)
            }
            Err(e) => report(path, Err(e), options),
        }
    });
    (report, docs)
}

/// Runs the lint of one file, turning a panic into an internal-error report.
fn isolated(path: &str, lint: impl FnOnce() -> FileReport) -> FileReport {
    isolate::catch_file(path, lint).unwrap_or_else(|e| FileReport {
        path: path.to_string(),
        source: None,
        status: Status::Linted { models: 0 },
        diagnostics: vec![e.diagnostic()],
        layers: Vec::new(),
        models: Vec::new(),
    })
}

/// The report of a file: linted when it could be decoded, one parse-error
/// diagnostic saying why not otherwise.
fn report(
    path: &str,
    decoded: Result<Source, source::DecodeError>,
    options: &Options,
) -> FileReport {
    match decoded {
        Ok(source) => lint_source(path, source, options).into_report(path),
        Err(source::DecodeError::NoModel(reason)) => FileReport {
            path: path.to_string(),
            source: None,
            status: Status::Skipped { reason },
            diagnostics: Vec::new(),
            layers: Vec::new(),
            models: Vec::new(),
        },
        Err(e) => {
            let help = match e {
                source::DecodeError::NotAModelFile(_) => Some(
                    "actlint reads model configs: Keras JSON or YAML, `.keras` archives and HDF5 (`.h5`) model files",
                ),
                source::DecodeError::NotUtf8 { .. }
                | source::DecodeError::TooLarge { .. }
                | source::DecodeError::TooManyEntries { .. }
                | source::DecodeError::MemberTooLarge { .. }
                | source::DecodeError::PythonTooLarge { .. }
                | source::DecodeError::Archive(_)
                | source::DecodeError::Hdf5(_)
                | source::DecodeError::NoModel(_) => None,
            };
            let mut d = parse_diag(e.to_string());
            d.help = help.map(str::to_string);
            FileReport {
                path: path.to_string(),
                source: None,
                status: Status::Linted { models: 0 },
                diagnostics: vec![d],
                layers: Vec::new(),
                models: Vec::new(),
            }
        }
    }
}

/// The models a file holds, built but not checked by any rule (for tools and
/// tests that inspect the IR). Documents that are not models are left out;
/// a file that cannot be read or parsed, or a malformed model, is an error
/// message.
pub fn load_models(path: &str, bytes: &[u8], options: &Options) -> Result<Vec<ir::Model>, String> {
    let source = match source::decode(path, bytes, options.read_limits) {
        Ok(source) => source,
        Err(source::DecodeError::NoModel(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e.to_string()),
    };
    let (docs, _, _, _) =
        parse_documents(path, &source, options.tree_limits).map_err(|e| e.message)?;
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

/// Lints decoded text: the pipeline, one phase after the other.
pub fn lint_source(path: &str, source: Source, options: &Options) -> Analysis {
    let (docs, encoded, notes, errors) = match parse(path, &source, options) {
        Ok(parsed) => parsed,
        Err(d) => {
            return Analysis {
                source,
                docs: Vec::new(),
                models: Vec::new(),
                diagnostics: vec![*d],
                status: Status::Linted { models: 0 },
            }
        }
    };
    let mut found = Found {
        encoded,
        // Python source: why the models that are not checked are not.
        skip_reason: python_skip_reason(&source, &notes),
        ..Found::default()
    };
    // Compile errors that did not stop the file being read: reported, and
    // its models checked too.
    let compile_errors = errors.len();
    found
        .diagnostics
        .extend(compile_error_diags(source.syntax, errors));
    for doc in &docs {
        check_document(doc, &source, options, &mut found);
    }
    let Found {
        models,
        count,
        diagnostics,
        skip_reason,
        encoded: _,
    } = found;
    let diagnostics = finish_diagnostics(&source, &docs, diagnostics, count > 0, options);
    let status = if count == 0 && compile_errors == 0 {
        Status::Skipped {
            reason: skip_reason.unwrap_or_else(|| "no model found".to_string()),
        }
    } else {
        Status::Linted { models: count }
    };
    Analysis {
        source,
        docs,
        models,
        diagnostics,
        status,
    }
}

/// The diagnostics of Python compile errors that did not stop the file
/// being read.
fn compile_error_diags(syntax: Syntax, errors: Vec<tree::SyntaxError>) -> Vec<Diagnostic> {
    let what = if syntax == Syntax::Notebook {
        "invalid notebook"
    } else {
        "invalid Python"
    };
    errors
        .into_iter()
        .map(|e| parse_diag(format!("{what}: {}", e.message)).at(e.span, e.message))
        .collect()
}

/// Suppress, severities and sort phases over a file's diagnostics
/// (suppressions only when `any_model`: they apply to what the rules
/// found); no fixes for text that cannot be written back; cell positions
/// for notebooks.
fn finish_diagnostics(
    source: &Source,
    docs: &[Node],
    mut diagnostics: Vec<Diagnostic>,
    any_model: bool,
    options: &Options,
) -> Vec<Diagnostic> {
    if any_model {
        // Suppressions and severities apply to what the rules found, after
        // the rules: comments and pointers are in the text, not in the IR.
        diagnostics = suppress::apply(
            &source.text,
            docs,
            diagnostics,
            &options.pointer_ignores,
            &|m| options.enabled(m),
        );
    }
    grade(&mut diagnostics, options);
    if matches!(
        source.member.as_deref(),
        Some(crate::source::hdf5::MEMBER | crate::source::pickle::MEMBER)
    ) {
        // The text was built from an HDF5 file's attributes or taken out of
        // a pickle: an edit to it cannot be written back, so no fix is
        // offered.
        for d in &mut diagnostics {
            d.fix = None;
        }
    }
    if source.syntax == Syntax::Notebook {
        cell_positions(&source.text, options.tree_limits, &mut diagnostics);
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    diagnostics
}

/// Notebooks: each finding also says where it is in the cells (`cell 3,
/// line 2`), as the notebook shows it; its position stays that of the
/// notebook file, which editors and CI annotate.
fn cell_positions(text: &str, limits: Limits, diagnostics: &mut [Diagnostic]) {
    let Ok(code) = ir::python::notebook::code(text, limits) else {
        return;
    };
    for d in diagnostics {
        let Some(at) = d.primary.as_ref().map(|p| p.span.start) else {
            continue;
        };
        if let Some((cell, line, column)) = code.position(at) {
            d.message = format!("{} (cell {cell}, line {line}, column {column})", d.message);
        }
    }
}

/// What the phases up to the fixes found over a file's documents.
#[derive(Default)]
struct Found {
    /// The models built and checked.
    models: Vec<ir::Model>,
    /// Documents that are models: built, malformed or over the limits.
    count: usize,
    diagnostics: Vec<Diagnostic>,
    /// Why the first document that is not a model is not one.
    skip_reason: Option<String>,
    /// The document was double-encoded (a JSON string holding the model
    /// JSON): its spans are mapped into the string, but an edit written
    /// there would need escaping, so no fixes are offered.
    encoded: bool,
}

/// Parse phase: the documents of the text, or the one diagnostic that says
/// why there are none to check (a syntax error, an empty file).
fn parse(path: &str, source: &Source, options: &Options) -> Result<Parsed, Box<Diagnostic>> {
    // An empty file reads the same whatever its syntax (for JSON it is not
    // a syntax error so much as a missing model).
    let blank = source.text.trim().is_empty();
    let python = source.syntax.is_python();
    let (docs, encoded, notes, errors) = match parse_documents(path, source, options.tree_limits) {
        Err(_) if blank && !python => (Vec::new(), false, Vec::new(), Vec::new()),
        // Python that builds no model is not a broken model file.
        Ok(parsed) if python => return Ok(parsed),
        Ok(parsed) => parsed,
        Err(e) => {
            let what = match source.syntax {
                Syntax::Json => "invalid JSON",
                Syntax::Yaml => "invalid YAML",
                Syntax::Python => "invalid Python",
                Syntax::Notebook => "invalid notebook",
            };
            let d = parse_diag(format!("{what}: {}", e.message)).at(e.span, e.message.clone());
            return Err(Box::new(d));
        }
    };
    if docs.is_empty() || docs.iter().all(Node::is_null) {
        // An empty file handed to a model linter is a broken or truncated
        // model file, not a YAML file that is something else.
        let (message, label) = if blank {
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
        return Err(Box::new(d));
    }
    Ok((docs, encoded, notes, errors))
}

/// What parsing found: the documents, whether they were double-encoded,
/// (for Python source) why the models that are not checked are not, and the
/// compile errors that did not stop the file being read.
type Parsed = (Vec<Node>, bool, Vec<String>, Vec<tree::SyntaxError>);

/// The reason a Python file reports no model, with the models left out.
fn python_skip_reason(source: &Source, notes: &[String]) -> Option<String> {
    if !source.syntax.is_python() {
        return None;
    }
    let mut reason = "no Keras model is built in this file".to_string();
    for n in notes {
        reason.push_str("; ");
        reason.push_str(n);
    }
    Some(reason)
}

/// Parses the text into documents; JSON-looking YAML falls back to YAML.
/// A JSON string holding a JSON object is double-encoded: its content is
/// the document (spans in the outer text), and the flag says so.
fn parse_documents(
    path: &str,
    source: &Source,
    limits: Limits,
) -> Result<Parsed, tree::SyntaxError> {
    match source.syntax {
        Syntax::Json => match tree::json::parse(&source.text, limits) {
            Ok(node) => match tree::encoded::unwrap(&source.text, &node, limits) {
                Some(inner) => Ok((vec![inner?], true, Vec::new(), Vec::new())),
                None => Ok((vec![node], false, Vec::new(), Vec::new())),
            },
            Err(json_err) => {
                let lower = path.to_ascii_lowercase();
                if lower.ends_with(".yaml") || lower.ends_with(".yml") {
                    tree::yaml::parse(&source.text, limits)
                        .map(|docs| (docs, false, Vec::new(), Vec::new()))
                        .or(Err(json_err))
                } else {
                    Err(json_err)
                }
            }
        },
        Syntax::Yaml => tree::yaml::parse(&source.text, limits)
            .map(|docs| (docs, false, Vec::new(), Vec::new())),
        Syntax::Python => {
            ir::python::lower(&source.text).map(|l| (l.docs, false, l.skipped, l.errors))
        }
        Syntax::Notebook => ir::python::notebook::lower(&source.text, limits)
            .map(|l| (l.docs, false, l.skipped, l.errors)),
    }
}

/// Detect and build phases for one document, then [`check_model`].
fn check_document(doc: &Node, source: &Source, options: &Options, found: &mut Found) {
    // Detected once: the answer decides both the limits and the front end.
    let front = match ir::detect(doc) {
        Ok(front) => front,
        Err(reason) => {
            if found.skip_reason.is_none() {
                found.skip_reason = Some(reason.to_string());
            }
            return;
        }
    };
    // Too many layers: reported instead of built and checked.
    if let Some(d) = limits::check_layer_entries(doc, &options.model_limits) {
        found.count += 1;
        found.diagnostics.push(d);
        return;
    }
    found
        .diagnostics
        .extend(limits::duplicate_keys(doc, source.syntax));
    match ir::build_as(doc, front) {
        Detected::Model(model) => {
            found.count += 1;
            check_model(*model, source, options, found);
        }
        Detected::Malformed(errors) => {
            found.count += 1;
            found
                .diagnostics
                .extend(errors.iter().map(build_error_diag));
        }
        Detected::NotAModel(reason) => {
            if found.skip_reason.is_none() {
                found.skip_reason = Some(reason.to_string());
            }
        }
    }
}

/// Rules and fixes phases for one model: the model's limits, the
/// configuration's hints, the rules, and their fix plans resolved against
/// the text.
fn check_model(mut model: ir::Model, source: &Source, options: &Options, found: &mut Found) {
    for p in &model.problems {
        found.diagnostics.push(build_error_diag(p));
    }
    if let Some(d) = limits::check_model(&model, &options.model_limits) {
        found.diagnostics.push(d);
        return;
    }
    let hinted = hints::apply(&mut model, &options.hints);
    let mut diagnostics = rules::run(&model, &options.rule_options, &|m| options.enabled(m));
    if found.encoded {
        for d in &mut diagnostics {
            d.fix = None;
            d.fix_plan = None;
        }
    } else {
        crate::tree::edit::resolve_all(&source.text, source.syntax, &mut diagnostics);
    }
    if let Some(applied) = &hinted {
        hints::relabel(&mut diagnostics, applied);
    }
    found.diagnostics.extend(diagnostics);
    found.models.push(model);
}

/// Severities phase: the configuration's severities replace the rules'
/// defaults (a parse error stays an error).
fn grade(diagnostics: &mut [Diagnostic], options: &Options) {
    for d in diagnostics {
        if let Some(&s) = options.severity.get(d.code) {
            if d.code != parse_error::META.code {
                d.severity = s;
            }
        }
    }
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
