//! Notebook documents (`notebookDocument/*`, LSP 3.17): an editor that
//! shows a Jupyter notebook as cells sends the notebook's structure and each
//! cell's text as a document of its own.
//!
//! The cells are put together into a notebook's JSON (a code or markdown
//! cell each, the source as one string) and linted as a `.ipynb` file, so
//! the names of one cell reach the next as when the notebook runs. Each
//! finding is then given back to the cell it is in, with its position, its
//! fix and the lint's trees in that cell's own text: diagnostics are
//! published per cell, and code actions and hover on a cell answer as for a
//! Python document.
//!
//! `lsp-types` 0.95 has no notebook types: the few messages read here are
//! declared below, as the specification writes them.

use lsp_types::{TextDocumentContentChangeEvent, TextDocumentIdentifier, TextDocumentItem, Url};
use serde::Deserialize;

use std::time::Instant;

use lsp_server::Notification;

use super::documents::Document;
use super::{diagnostics, lint_text, params, Linted, Server, DEBOUNCE};
use crate::diagnostic::{Diagnostic, Edit, Label};
use crate::source::{LineIndex, Span};
use crate::tree::notebook::{self, Code};
use crate::tree::{encoded, Node, Value};

/// The capability: Jupyter notebooks, their Python cells. (The notebook
/// type is named: a selector with cells only is valid LSP, but some
/// clients, `lsprotocol`'s among them, fail to read it.)
pub fn sync_capability() -> serde_json::Value {
    serde_json::json!({
        "notebookSelector": [{"notebook": "jupyter-notebook", "cells": [{"language": "python"}]}],
        "save": true
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidOpen {
    pub notebook_document: NotebookDocument,
    #[serde(default)]
    pub cell_text_documents: Vec<TextDocumentItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotebookDocument {
    pub uri: Url,
    pub version: i32,
    #[serde(default)]
    pub cells: Vec<NotebookCell>,
}

#[derive(Clone, Deserialize)]
pub struct NotebookCell {
    /// 1: markup, 2: code.
    pub kind: u8,
    pub document: Url,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidChange {
    pub notebook_document: VersionedNotebook,
    pub change: NotebookChange,
}

#[derive(Deserialize)]
pub struct VersionedNotebook {
    pub uri: Url,
    pub version: i32,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotebookChange {
    pub cells: Option<CellChanges>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CellChanges {
    pub structure: Option<Structure>,
    /// Cells whose kind (or metadata) changed.
    #[serde(default)]
    pub data: Vec<NotebookCell>,
    #[serde(default)]
    pub text_content: Vec<TextContent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Structure {
    pub array: CellSplice,
    #[serde(default)]
    pub did_open: Vec<TextDocumentItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CellSplice {
    pub start: usize,
    pub delete_count: usize,
    #[serde(default)]
    pub cells: Vec<NotebookCell>,
}

#[derive(Deserialize)]
pub struct TextContent {
    pub document: lsp_types::VersionedTextDocumentIdentifier,
    pub changes: Vec<TextDocumentContentChangeEvent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identified {
    pub notebook_document: TextDocumentIdentifier,
}

/// One cell: its document (the cell's text, as a Python document) and
/// whether it is code.
pub struct Cell {
    pub uri: Url,
    pub code: bool,
    pub doc: Document,
}

/// An open notebook.
pub struct Notebook {
    pub version: i32,
    pub cells: Vec<Cell>,
    /// The notebook document itself (its `file:` path, for the
    /// configuration and the name findings are reported under).
    pub doc: Document,
}

impl Notebook {
    pub fn open(p: DidOpen) -> Notebook {
        let texts = p.cell_text_documents;
        let nb = p.notebook_document;
        let cells = nb
            .cells
            .into_iter()
            .map(|c| cell(c, &texts, &[], nb.version))
            .collect();
        Notebook {
            version: nb.version,
            cells,
            doc: Document::new(&nb.uri, "jupyter", nb.version, String::new()),
        }
    }

    /// Applies a `notebookDocument/didChange`: cells added, removed or
    /// moved, their kinds, and their texts. Returns the cells removed.
    pub fn apply(&mut self, version: i32, change: NotebookChange) -> Vec<Url> {
        self.version = version;
        self.doc.version = version;
        let Some(cells) = change.cells else {
            return Vec::new();
        };
        let mut removed = Vec::new();
        if let Some(s) = cells.structure {
            let start = s.array.start.min(self.cells.len());
            let end = (start + s.array.delete_count).min(self.cells.len());
            let old: Vec<Cell> = self.cells.drain(start..end).collect();
            let new: Vec<Cell> = s
                .array
                .cells
                .into_iter()
                .map(|c| cell(c, &s.did_open, &old, version))
                .collect();
            removed = old
                .iter()
                .filter(|o| !new.iter().any(|n| n.uri == o.uri))
                .map(|o| o.uri.clone())
                .collect();
            self.cells.splice(start..start, new);
        }
        for data in cells.data {
            if let Some(c) = self.cells.iter_mut().find(|c| c.uri == data.document) {
                c.code = data.kind == 2;
            }
        }
        for content in cells.text_content {
            if let Some(c) = self
                .cells
                .iter_mut()
                .find(|c| c.uri == content.document.uri)
            {
                c.doc.apply(content.document.version, content.changes);
            }
        }
        for c in &mut self.cells {
            c.doc.version = version;
        }
        removed
    }

    /// The document of a cell.
    pub fn cell(&self, uri: &Url) -> Option<&Document> {
        self.cells.iter().find(|c| c.uri == *uri).map(|c| &c.doc)
    }

    /// The notebook as Jupyter's JSON: each cell's source one string.
    pub fn json(&self) -> String {
        let cells: Vec<serde_json::Value> = self
            .cells
            .iter()
            .map(|c| {
                serde_json::json!({
                    "cell_type": if c.code { "code" } else { "markdown" },
                    "source": c.doc.text,
                })
            })
            .collect();
        serde_json::json!({"cells": cells, "nbformat": 4, "nbformat_minor": 5}).to_string()
    }
}

/// A cell of the notebook, its text from the documents opened with it (or,
/// for a cell moved, from where it was).
fn cell(c: NotebookCell, opened: &[TextDocumentItem], old: &[Cell], version: i32) -> Cell {
    let text = opened
        .iter()
        .find(|t| t.uri == c.document)
        .map(|t| t.text.clone())
        .or_else(|| {
            old.iter()
                .find(|o| o.uri == c.document)
                .map(|o| o.doc.text.clone())
        })
        .unwrap_or_default();
    Cell {
        doc: Document::new(&c.document, "python", version, text),
        code: c.kind == 2,
        uri: c.document,
    }
}

/// What a notebook's lint says about one cell, in the cell's text.
#[derive(Default)]
pub struct CellLint {
    pub diagnostics: Vec<Diagnostic>,
    pub layers: Vec<crate::lint::LayerSummary>,
    pub docs: Vec<Node>,
}

/// Where the code cells are in the code of the notebook's JSON.
pub struct Cells<'a> {
    code: &'a Code,
    /// Per cell of the notebook (markdown included): where its code starts
    /// and its length, for code cells.
    ranges: Vec<Option<Span>>,
}

impl<'a> Cells<'a> {
    pub fn new(code: &'a Code, notebook: &Notebook) -> Cells<'a> {
        let mut ranges = vec![None; notebook.cells.len()];
        for &(start, number) in &code.cells {
            if let Some(c) = notebook.cells.get(number - 1) {
                ranges[number - 1] = Some(Span::new(start, start + c.doc.text.len()));
            }
        }
        Cells { code, ranges }
    }

    /// The cell (its index) a byte of the notebook's JSON is in, and its
    /// offset in the cell's text.
    fn locate(&self, at: usize) -> Option<(usize, usize)> {
        let code_at = self.code.code_offset(at)?;
        self.ranges.iter().enumerate().find_map(|(i, r)| {
            let r = (*r)?;
            (r.start <= code_at && code_at <= r.end).then(|| (i, code_at - r.start))
        })
    }

    /// A span of the JSON as a span of cell `i`'s text, clamped to the
    /// cell (so that a tree node around several cells contains this one);
    /// `None` for a span that does not reach into the cell.
    fn clamp(&self, i: usize, span: Span) -> Option<Span> {
        let r = self.ranges[i]?;
        let code_at = |at: usize| self.code.map.partition_point(|&m| m < at);
        let (start, end) = (code_at(span.start), code_at(span.end));
        if end < r.start || start > r.end {
            return None;
        }
        let local = |c: usize| c.clamp(r.start, r.end) - r.start;
        Some(Span::new(local(start), local(end).max(local(start))))
    }

    /// A span of another cell: one no position is in.
    const ELSEWHERE: Span = Span {
        start: usize::MAX,
        end: usize::MAX,
    };

    /// A span of the JSON inside cell `i`, as a span of its text.
    fn within(&self, i: usize, span: Span) -> Option<Span> {
        let (a, start) = self.locate(span.start)?;
        let (b, end) = self.locate(span.end)?;
        (a == i && b == i && start <= end).then_some(Span::new(start, end))
    }

    /// The notebook's findings, layers and trees for cell `i`.
    pub fn lint_of(
        &self,
        i: usize,
        diagnostics: &[Diagnostic],
        layers: &[crate::lint::LayerSummary],
        docs: &[Node],
    ) -> CellLint {
        let first_code = self.ranges.iter().position(Option::is_some);
        let diagnostics = diagnostics
            .iter()
            .filter_map(|d| match &d.primary {
                Some(p) => (self.locate(p.span.start)?.0 == i).then(|| self.localize(i, d)),
                // A finding about the whole file goes on the first code cell.
                None => (first_code == Some(i)).then(|| d.clone()),
            })
            .collect();
        let layers = layers
            .iter()
            .filter(|l| self.locate(l.span.start).is_some_and(|(c, _)| c == i))
            .map(|l| crate::lint::LayerSummary {
                span: self.clamp(i, l.span).unwrap_or(Self::ELSEWHERE),
                ..l.clone()
            })
            .collect();
        let docs = docs
            .iter()
            .map(|n| {
                let mut n = n.clone();
                self.clamp_node(i, &mut n);
                n
            })
            .collect();
        CellLint {
            diagnostics,
            layers,
            docs,
        }
    }

    /// A finding of cell `i` in the cell's text: its labels in the cell (the
    /// others left out) and its fix, when every edit is in the cell.
    fn localize(&self, i: usize, d: &Diagnostic) -> Diagnostic {
        let label = |l: &Label| {
            Some(Label {
                span: self.within(i, l.span)?,
                message: l.message.clone(),
            })
        };
        let mut out = d.clone();
        out.primary = d.primary.as_ref().map(|p| {
            label(p).unwrap_or_else(|| Label {
                span: self.clamp(i, p.span).unwrap_or(Span::empty(0)),
                message: p.message.clone(),
            })
        });
        out.secondary = d.secondary.iter().filter_map(label).collect();
        out.fix = d.fix.as_ref().and_then(|f| {
            let edits = f
                .edits
                .iter()
                .map(|e| self.local_edit(i, e))
                .collect::<Option<Vec<Edit>>>()?;
            Some(crate::diagnostic::Fix { edits, ..f.clone() })
        });
        out
    }

    /// An edit of the JSON (its replacement escaped as JSON) as an edit of
    /// the cell's text.
    fn local_edit(&self, i: usize, e: &Edit) -> Option<Edit> {
        let span = self.within(i, e.span)?;
        let (replacement, _) = encoded::decode(&format!("\"{}\"", e.replacement), 0)?;
        Some(Edit { span, replacement })
    }

    fn clamp_node(&self, i: usize, node: &mut Node) {
        node.span = self.clamp(i, node.span).unwrap_or(Self::ELSEWHERE);
        match &mut node.value {
            Value::Array(items) => items.iter_mut().for_each(|n| self.clamp_node(i, n)),
            Value::Object(entries) => {
                for e in entries {
                    e.key_span = self.clamp(i, e.key_span).unwrap_or(Self::ELSEWHERE);
                    self.clamp_node(i, &mut e.value);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Unknown => {
            }
        }
    }
}

impl Server<'_> {
    /// The notebook a cell's URI belongs to.
    pub(super) fn notebook_of(&self, uri: &Url) -> Option<Url> {
        self.notebooks
            .iter()
            .find(|(_, nb)| nb.cell(uri).is_some())
            .map(|(u, _)| u.clone())
    }

    /// `notebookDocument/didOpen`, `didChange`, `didSave` and `didClose`.
    pub(super) fn notebook_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "notebookDocument/didOpen" => {
                if let Some(p) = params::<DidOpen>(n) {
                    let uri = p.notebook_document.uri.clone();
                    self.notebooks.insert(uri.clone(), Notebook::open(p));
                    self.lint_notebook(&uri);
                }
            }
            "notebookDocument/didChange" => {
                if let Some(p) = params::<DidChange>(n) {
                    let uri = p.notebook_document.uri;
                    let Some(nb) = self.notebooks.get_mut(&uri) else {
                        return;
                    };
                    let removed = nb.apply(p.notebook_document.version, p.change);
                    self.clear(removed);
                    self.pending.insert(uri, Instant::now() + DEBOUNCE);
                }
            }
            "notebookDocument/didSave" => {
                if let Some(p) = params::<Identified>(n) {
                    self.lint(&p.notebook_document.uri);
                }
            }
            "notebookDocument/didClose" => {
                if let Some(p) = params::<Identified>(n) {
                    let uri = p.notebook_document.uri;
                    self.pending.remove(&uri);
                    if let Some(nb) = self.notebooks.remove(&uri) {
                        self.clear(nb.cells.into_iter().map(|c| c.uri).collect());
                    }
                }
            }
            _ => {}
        }
    }

    /// Forgets the lints of cells and clears their diagnostics.
    fn clear(&mut self, cells: Vec<Url>) {
        for uri in cells {
            if self.linted.remove(&uri).is_some() {
                self.publish(uri, Vec::new(), None);
            }
        }
    }

    /// Lints a notebook now and publishes each code cell's findings.
    pub(super) fn lint_notebook(&mut self, uri: &Url) {
        self.pending.remove(uri);
        let Some(nb) = self.notebooks.get(uri) else {
            return;
        };
        let name = nb.doc.lint_name(uri);
        let path = nb.doc.path.clone().unwrap_or_else(|| self.root.join(&name));
        let json = nb.json();
        let (found, _, layers, docs) = match self.options_for_path(&path) {
            Some(options) => lint_text(&name, &json, &options),
            None => Default::default(),
        };
        let Some(nb) = self.notebooks.get(uri) else {
            return;
        };
        let code = notebook::code(&json, crate::tree::Limits::default()).ok();
        let cells = code.as_ref().map(|c| Cells::new(c, nb));
        let mut lints = Vec::new();
        let mut not_code = Vec::new();
        for (i, cell) in nb.cells.iter().enumerate() {
            if !cell.code {
                not_code.push(cell.uri.clone());
                continue;
            }
            let of_cell = cells
                .as_ref()
                .map(|c| c.lint_of(i, &found, &layers, &docs))
                .unwrap_or_default();
            let ix = LineIndex::new(&cell.doc.text);
            let lsp: Vec<lsp_types::Diagnostic> = of_cell
                .diagnostics
                .iter()
                .map(|d| diagnostics::to_lsp(d, &cell.uri, &ix, 0))
                .collect();
            lints.push((cell.uri.clone(), of_cell, lsp));
        }
        let version = nb.version;
        self.clear(not_code);
        for (cell, of_cell, lsp) in lints {
            self.publish(cell.clone(), lsp.clone(), Some(version));
            self.linted.insert(
                cell,
                Linted {
                    version,
                    diagnostics: of_cell.diagnostics,
                    lsp,
                    shift: 0,
                    layers: of_cell.layers,
                    docs: of_cell.docs,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notebook(cells: &[(u8, &str, &str)]) -> Notebook {
        let p: DidOpen = serde_json::from_value(serde_json::json!({
            "notebookDocument": {"uri": "file:///n.ipynb", "version": 1, "cells":
                cells.iter().map(|(k, u, _)| serde_json::json!({"kind": k, "document": u})).collect::<Vec<_>>()},
            "cellTextDocuments": cells.iter().map(|(_, u, t)| serde_json::json!(
                {"uri": u, "languageId": "python", "version": 1, "text": t})).collect::<Vec<_>>()
        }))
        .unwrap();
        Notebook::open(p)
    }

    fn texts(nb: &Notebook) -> Vec<(bool, &str)> {
        nb.cells
            .iter()
            .map(|c| (c.code, c.doc.text.as_str()))
            .collect()
    }

    #[test]
    fn cells_move_keep_their_text_and_change_kind() {
        let mut nb = notebook(&[
            (2, "c:a", "a = 1\n"),
            (2, "c:b", "b = 2\n"),
            (1, "c:m", "# m"),
        ]);
        // `b` moved to the front (removed and inserted in one change), `m`
        // made a code cell.
        let change: NotebookChange = serde_json::from_value(serde_json::json!({"cells": {
            "structure": {"array": {"start": 0, "deleteCount": 2,
                "cells": [{"kind": 2, "document": "c:b"}, {"kind": 2, "document": "c:a"}]}},
            "data": [{"kind": 2, "document": "c:m"}]
        }}))
        .unwrap();
        assert_eq!(nb.apply(2, change), Vec::<Url>::new());
        assert_eq!(
            texts(&nb),
            [(true, "b = 2\n"), (true, "a = 1\n"), (true, "# m")]
        );
        let removed: NotebookChange = serde_json::from_value(serde_json::json!({"cells": {
            "structure": {"array": {"start": 1, "deleteCount": 1}}
        }}))
        .unwrap();
        assert_eq!(nb.apply(3, removed), [Url::parse("c:a").unwrap()]);
        assert_eq!(nb.version, 3);
        assert_eq!(nb.cells.iter().map(|c| c.doc.version).max(), Some(3));
    }

    #[test]
    fn findings_are_given_back_to_their_cell() {
        let nb = notebook(&[
            (1, "c:m", "# title\n"),
            (2, "c:a", "x = 1\n"),
            (2, "c:b", "y = \"é\"\n"),
        ]);
        let json = nb.json();
        let code = notebook::code(&json, crate::tree::Limits::default()).unwrap();
        let cells = Cells::new(&code, &nb);
        // `"é"` of the third cell: escaped or not in the JSON, at 4..8 in
        // its cell's text.
        let quoted = json.find("\\\"é").unwrap();
        let end = quoted + "\\\"é\\\"".len();
        let span = Span::new(quoted, end);
        assert_eq!(cells.within(2, span), Some(Span::new(4, 8)));
        assert_eq!(cells.within(1, span), None);
        let edit = Edit {
            span,
            replacement: "\\\"a\\\"".to_string(),
        };
        assert_eq!(
            cells.local_edit(2, &edit),
            Some(Edit {
                span: Span::new(4, 8),
                replacement: "\"a\"".to_string()
            })
        );
    }
}
