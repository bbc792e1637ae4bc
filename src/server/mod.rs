//! `actlint server`: a language server (LSP over standard input and output)
//! on the same engine as the command line.
//!
//! - Diagnostics are published when a YAML, JSON, Python or notebook
//!   document is opened or saved, and [`DEBOUNCE`] after the last change while typing. Documents
//!   that are not model configurations get an empty list.
//! - Each document is linted with the configuration discovered for its file
//!   (as the command line does); the configuration is read again when a
//!   configuration file changes (`workspace/didChangeWatchedFiles`, or a
//!   save of one in the editor) and on `workspace/didChangeConfiguration`,
//!   whose settings may also select and ignore rules.
//! - Code actions: the fixes rules attach, and "suppress on this line" in
//!   YAML ([`actions`]). Hover: the activation, initializer or loss under the
//!   cursor, and the rule behind a finding ([`hover`]).
//! - A panic while linting one document becomes an internal-error
//!   diagnostic for that document (see [`crate::lint::isolate`]); a panic while
//!   answering a request becomes an error response. The server keeps going.
//!
//! The main loop is synchronous: linting one document takes milliseconds,
//! and debouncing only needs a receive with a timeout.

pub mod actions;
pub mod diagnostics;
pub mod documents;
pub mod hover;
pub mod notebooks;
pub mod settings;
pub mod transport;

use std::collections::HashMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionProviderCapability,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, InitializeResult, MessageType,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use serde_json::Value;

use crate::config::{self, Resolver};
use crate::diagnostic::Diagnostic;
use crate::lint::{self, Options, Status};
use crate::source::{LineIndex, Span};
use documents::{Document, Documents, Kind};

/// How long after the last change a document is linted.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// LSP positions (a 0-based line and a character offset in UTF-16 code
/// units, the encoding every client supports) over the one
/// [`LineIndex`]: `é` is one unit, `🙂` two.
pub trait LspPositions {
    /// The position of a byte offset.
    fn lsp_position(&self, offset: usize) -> lsp_types::Position;
    fn range(&self, span: Span) -> lsp_types::Range;
    /// The byte offset of a position (clamped to its line and the text).
    fn offset(&self, position: lsp_types::Position) -> usize;
}

impl LspPositions for LineIndex<'_> {
    fn lsp_position(&self, offset: usize) -> lsp_types::Position {
        let (line, character) = self.utf16_position(offset);
        lsp_types::Position::new(line as u32, character as u32)
    }

    fn range(&self, span: Span) -> lsp_types::Range {
        lsp_types::Range::new(self.lsp_position(span.start), self.lsp_position(span.end))
    }

    fn offset(&self, position: lsp_types::Position) -> usize {
        self.utf16_offset(position.line as usize, position.character as usize)
    }
}

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// The last lint of a document.
pub struct Linted {
    /// The document version it was computed for.
    pub version: i32,
    /// What actlint found (byte spans into the text without its BOM).
    pub diagnostics: Vec<Diagnostic>,
    /// The same findings as published.
    pub lsp: Vec<lsp_types::Diagnostic>,
    /// What to add to a span to index the document's text.
    pub shift: usize,
    /// The layers with their inferred shapes (spans as the diagnostics').
    pub layers: Vec<crate::lint::LayerSummary>,
    /// The parsed documents, kept from the lint: hover looks values up in
    /// them instead of parsing the text again.
    pub docs: Vec<crate::tree::Node>,
}

/// Runs the server until the client shuts it down; the process exit code.
pub fn run() -> u8 {
    crate::lint::isolate::install_panic_hook();
    let (connection, io_threads) = transport::stdio();
    let result = serve(&connection);
    // Dropping the connection ends the writer thread once it has sent
    // everything.
    drop(connection);
    let joined = io_threads.join();
    match (result, joined) {
        (Ok(code), Ok(())) => code,
        (Err(e), _) => {
            eprintln!("actlint server: {e}");
            1
        }
        (_, Err(e)) => {
            eprintln!("actlint server: {e}");
            1
        }
    }
}

fn serve(connection: &Connection) -> Result<u8> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "actlint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let mut result = serde_json::to_value(result)?;
    // Not in `lsp-types`' capabilities: added to the JSON.
    result["capabilities"]["notebookDocumentSync"] = notebooks::sync_capability();
    connection.initialize_finish(id, result)?;
    let mut server = Server::new(connection, &params);
    server.register_watchers(&params);
    server.main_loop()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

struct Server<'c> {
    connection: &'c Connection,
    docs: Documents,
    /// The last lint of each document, and of each cell of a notebook (by
    /// the cell's URI).
    linted: HashMap<Url, Linted>,
    /// The notebooks open as notebook documents, by URI.
    notebooks: HashMap<Url, notebooks::Notebook>,
    /// Documents changed and not yet linted: when to lint them.
    pending: HashMap<Url, Instant>,
    /// The workspace root: where configuration discovery ends up when a
    /// document is not a file, and what relative paths in settings mean.
    root: PathBuf,
    /// The client's settings (`initializationOptions`, then
    /// `workspace/didChangeConfiguration`).
    settings: settings::ClientSettings,
    /// `None` when the settings are unusable (reported to the user).
    resolver: Option<Resolver>,
    /// The configuration error last shown, not to repeat it on every lint.
    shown_error: Option<String>,
    next_request: i32,
}

impl<'c> Server<'c> {
    #[allow(deprecated)] // `root_uri`/`root_path`: older clients send only these.
    fn new(connection: &'c Connection, params: &InitializeParams) -> Self {
        let folder = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or_else(|| params.root_uri.clone());
        let root = folder
            .and_then(|u| u.to_file_path().ok())
            .or_else(|| params.root_path.as_ref().map(PathBuf::from))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        let settings = params
            .initialization_options
            .as_ref()
            .and_then(settings::ClientSettings::from_json)
            .unwrap_or_default();
        let mut server = Server {
            connection,
            docs: Documents::default(),
            linted: HashMap::new(),
            notebooks: HashMap::new(),
            pending: HashMap::new(),
            root,
            settings,
            resolver: None,
            shown_error: None,
            next_request: 0,
        };
        server.reload();
        server
    }

    /// Asks the client to tell us when a configuration file changes, where
    /// it can register watchers.
    fn register_watchers(&mut self, params: &InitializeParams) {
        let dynamic = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!(
                    "**/{{{}}}",
                    config::CONFIG_NAMES.join(",")
                )),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "actlint-configuration-files".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_request += 1;
        let id = RequestId::from(format!("actlint-{}", self.next_request));
        self.send(Request::new(id, RegisterCapability::METHOD.to_string(), params).into());
    }

    fn main_loop(&mut self) -> Result<u8> {
        loop {
            let deadline = self.pending.values().min().copied();
            let message = match deadline {
                None => match self.connection.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(1),
                },
                Some(d) => {
                    let wait = d.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(m) => Some(m),
                        Err(e) if e.is_timeout() => None,
                        Err(_) => return Ok(1),
                    }
                }
            };
            match message {
                Some(Message::Request(req)) => {
                    if self.connection.handle_shutdown(&req)? {
                        return Ok(0);
                    }
                    self.request(req);
                }
                Some(Message::Notification(n)) => {
                    // `exit` without `shutdown` first: exit code 1, as the
                    // protocol says.
                    if n.method == "exit" {
                        return Ok(1);
                    }
                    self.notification(n);
                }
                Some(Message::Response(_)) | None => {}
            }
            self.lint_due();
        }
    }

    fn send(&self, message: Message) {
        // The writer thread only stops when the client has gone; the main
        // loop then ends on the closed receiver.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params).into());
    }

    fn show_error(&mut self, message: String) {
        if self.shown_error.as_ref() == Some(&message) {
            return;
        }
        self.shown_error = Some(message.clone());
        eprintln!("actlint server: {message}");
        self.notify::<ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message,
        });
    }

    /// Reads the configuration again: a new resolver forgets every
    /// configuration file it has read.
    fn reload(&mut self) {
        self.shown_error = None;
        let overrides = self.settings.overrides(&self.root);
        self.resolver = match Resolver::with_cwd(overrides, self.root.clone()) {
            Ok(r) => Some(r),
            Err(errors) => {
                self.show_error(format!(
                    "actlint: the editor settings are invalid, so they are ignored: {}",
                    describe_errors(&errors)
                ));
                Resolver::with_cwd(config::Overrides::default(), self.root.clone()).ok()
            }
        };
    }

    fn reload_and_relint(&mut self) {
        self.reload();
        let mut uris = self.docs.uris();
        uris.extend(self.notebooks.keys().cloned());
        for uri in uris {
            self.lint(&uri);
        }
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let method = req.method.clone();
        let outcome = crate::lint::isolate::catch(|| self.dispatch(req));
        let response = match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(e) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("internal error while answering {method}: {}", e.message),
            ),
        };
        self.send(response.into());
    }

    fn dispatch(&mut self, req: Request) -> std::result::Result<Value, (ErrorCode, String)> {
        let invalid = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        match req.method.as_str() {
            CodeActionRequest::METHOD => {
                let params = serde_json::from_value(req.params).map_err(invalid)?;
                Ok(serde_json::to_value(self.code_actions(params)).unwrap_or(Value::Null))
            }
            HoverRequest::METHOD => {
                let params = serde_json::from_value(req.params).map_err(invalid)?;
                Ok(serde_json::to_value(self.hover(params)).unwrap_or(Value::Null))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("actlint does not handle {}", req.method),
            )),
        }
    }

    /// The document a request names: an open document, or a cell of an
    /// open notebook; its lint when current. A pending lint (of the document
    /// or its notebook) is done first, to answer for the text as it is now.
    fn current(&mut self, uri: &Url) -> Option<(&Document, Option<&Linted>)> {
        let owner = self.notebook_of(uri).unwrap_or_else(|| uri.clone());
        if self.pending.contains_key(&owner) {
            self.lint(&owner);
        }
        let doc = match self.docs.get(uri) {
            Some(doc) => doc,
            None => self.notebooks.get(&owner)?.cell(uri)?,
        };
        let linted = self.linted.get(uri).filter(|l| l.version == doc.version);
        Some((doc, linted))
    }

    fn code_actions(&mut self, params: lsp_types::CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = params.text_document.uri;
        match self.current(&uri) {
            Some((doc, Some(linted))) => {
                actions::code_actions(&uri, doc, linted, params.range, &params.context.diagnostics)
            }
            _ => Vec::new(),
        }
    }

    fn hover(&mut self, params: lsp_types::HoverParams) -> Option<lsp_types::Hover> {
        let position = params.text_document_position_params;
        let uri = position.text_document.uri;
        // A cell's text is Python.
        let name = match self.notebook_of(&uri) {
            Some(_) => "cell.py".to_string(),
            None => self.docs.get(&uri)?.lint_name(&uri),
        };
        let (doc, linted) = self.current(&uri).filter(|(d, _)| d.kind != Kind::Other)?;
        let at = LineIndex::new(&doc.text).offset(position.position);
        hover::hover(doc, &name, at, linted)
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        if let Err(e) = crate::lint::isolate::catch(|| self.handle_notification(n)) {
            eprintln!(
                "actlint server: internal error while handling {method}: {}",
                e.message
            );
        }
    }

    fn handle_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(p) = params::<lsp_types::DidOpenTextDocumentParams>(n) {
                    self.did_open(p.text_document);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(p) = params::<lsp_types::DidChangeTextDocumentParams>(n) {
                    self.did_change(p);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(p) = params::<lsp_types::DidSaveTextDocumentParams>(n) {
                    self.did_save(&p.text_document.uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(p) = params::<lsp_types::DidCloseTextDocumentParams>(n) {
                    self.did_close(&p.text_document.uri);
                }
            }
            DidChangeConfiguration::METHOD => {
                if let Some(p) = params::<lsp_types::DidChangeConfigurationParams>(n) {
                    if let Some(s) = settings::ClientSettings::from_json(&p.settings) {
                        self.settings = s;
                    }
                    self.reload_and_relint();
                }
            }
            m if m.starts_with("notebookDocument/") => self.notebook_notification(n),
            DidChangeWatchedFiles::METHOD => {
                if let Some(p) = params::<lsp_types::DidChangeWatchedFilesParams>(n) {
                    if p.changes.iter().any(|c| is_config_file(&c.uri)) {
                        self.reload_and_relint();
                    }
                }
            }
            _ => {}
        }
    }

    fn did_open(&mut self, d: lsp_types::TextDocumentItem) {
        let doc = Document::new(&d.uri, &d.language_id, d.version, d.text);
        self.docs.open(d.uri.clone(), doc);
        self.lint(&d.uri);
    }

    /// A change is linted [`DEBOUNCE`] after the last one.
    fn did_change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        if let Some(doc) = self.docs.get_mut(&uri) {
            doc.apply(p.text_document.version, p.content_changes);
            self.pending.insert(uri, Instant::now() + DEBOUNCE);
        }
    }

    /// A saved configuration file reloads the configuration; a saved
    /// document is linted now.
    fn did_save(&mut self, uri: &Url) {
        if is_config_file(uri) {
            self.reload_and_relint();
        } else if self.docs.get(uri).is_some() {
            self.lint(uri);
        }
    }

    /// A closed document's diagnostics are cleared.
    fn did_close(&mut self, uri: &Url) {
        self.docs.close(uri);
        self.pending.remove(uri);
        if self.linted.remove(uri).is_some() {
            self.publish(uri.clone(), Vec::new(), None);
        }
    }

    /// Lints the documents whose debounce time has come.
    fn lint_due(&mut self) {
        let now = Instant::now();
        let mut due: Vec<Url> = self
            .pending
            .iter()
            .filter(|(_, &t)| t <= now)
            .map(|(u, _)| u.clone())
            .collect();
        due.sort();
        for uri in due {
            self.lint(&uri);
        }
    }

    /// Lints a document now and publishes the result.
    fn lint(&mut self, uri: &Url) {
        if self.notebooks.contains_key(uri) {
            self.lint_notebook(uri);
            return;
        }
        self.pending.remove(uri);
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let version = doc.version;
        let (diagnostics, shift, layers, docs) = match self.options_for(uri) {
            Some(options) => {
                let Some(doc) = self.docs.get(uri) else {
                    return;
                };
                lint_text(&doc.lint_name(uri), &doc.text, &options)
            }
            None => (Vec::new(), 0, Vec::new(), Vec::new()),
        };
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let ix = LineIndex::new(&doc.text);
        let lsp: Vec<lsp_types::Diagnostic> = diagnostics
            .iter()
            .map(|d| diagnostics::to_lsp(d, uri, &ix, shift))
            .collect();
        self.publish(uri.clone(), lsp.clone(), Some(version));
        self.linted.insert(
            uri.clone(),
            Linted {
                version,
                diagnostics,
                lsp,
                shift,
                layers,
                docs,
            },
        );
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    /// The options for a document, from the configuration that governs its
    /// file; `None` when the document is not to be linted (not a kind
    /// actlint reads, or excluded by the configuration).
    fn options_for(&mut self, uri: &Url) -> Option<Options> {
        let doc = self.docs.get(uri)?;
        if doc.kind == Kind::Other {
            return None;
        }
        let path = doc
            .path
            .clone()
            .unwrap_or_else(|| self.root.join(doc.lint_name(uri)));
        self.options_for_path(&path)
    }

    /// The options for a file, from the configuration that governs it;
    /// `None` when the configuration excludes it.
    fn options_for_path(&mut self, path: &Path) -> Option<Options> {
        let resolver = self.resolver.as_mut()?;
        match resolver.settings_for(path) {
            Ok(settings) if settings.excluded_by.is_some() => None,
            Ok(settings) => Some(settings.options()),
            Err(errors) => {
                self.show_error(format!(
                    "actlint: the configuration has errors, so the defaults apply until it is fixed: {}",
                    describe_errors(&errors)
                ));
                Some(Options::default())
            }
        }
    }
}

/// A notification's parameters; `None` (said on standard error) when they
/// do not parse.
fn params<T: serde::de::DeserializeOwned>(n: Notification) -> Option<T> {
    match serde_json::from_value(n.params) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("actlint server: invalid {} notification: {e}", n.method);
            None
        }
    }
}

/// What a lint of one document keeps: the findings, the offset of the spans
/// in the text (a byte order mark is not counted by the spans), the layers
/// with their shapes, and the parsed documents.
type DocumentLint = (
    Vec<Diagnostic>,
    usize,
    Vec<crate::lint::LayerSummary>,
    Vec<crate::tree::Node>,
);

/// Lints one document's text, under the name `name`.
fn lint_text(name: &str, text: &str, options: &Options) -> DocumentLint {
    // `analyze_bytes` turns a panic in the linter into an internal-error
    // diagnostic; this catches anything else.
    let (report, docs) =
        match crate::lint::isolate::catch(|| lint::analyze_bytes(name, text.as_bytes(), options)) {
            Ok(r) => r,
            Err(e) => return (vec![e.diagnostic()], 0, Vec::new(), Vec::new()),
        };
    if let Status::Skipped { .. } = report.status {
        return (Vec::new(), 0, Vec::new(), Vec::new());
    }
    let shift = if report.source.as_ref().is_some_and(|s| s.bom) {
        3
    } else {
        0
    };
    (report.diagnostics, shift, report.layers, docs)
}

/// Whether a URI names a configuration file (`actlint.toml`, ...).
fn is_config_file(uri: &Url) -> bool {
    let path = uri.path();
    let name = path.rsplit('/').next().unwrap_or(path);
    config::CONFIG_NAMES.contains(&name)
}

fn describe_errors(errors: &[config::ConfigError]) -> String {
    errors
        .iter()
        .map(|e| {
            let mut s = format!("{}: {}", e.origin, e.message);
            if let (Some(text), Some(span)) = (&e.text, &e.span) {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                s = format!("{}:{line}: {}", e.origin, e.message);
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Where a path is relative to: for settings that name files.
pub(crate) fn resolve_path(path: &str, root: &Path) -> PathBuf {
    let p = PathBuf::from(path);
    if p.is_absolute() {
        p
    } else {
        root.join(p)
    }
}
