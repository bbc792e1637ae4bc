//! The documents the editor has open: their text as the editor has it (not
//! as it is on disk), kept up to date from `didChange` notifications.

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::{TextDocumentContentChangeEvent, Url};

use super::LspPositions;
use crate::source::LineIndex;

/// What kind of text a document is, as far as linting goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Yaml,
    Json,
    /// Python source: the Keras models it builds.
    Python,
    /// A Jupyter notebook's JSON (`.ipynb`): the models its code cells build.
    Notebook,
    /// Anything else: never linted.
    Other,
}

#[derive(Clone, Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub kind: Kind,
    /// The file on disk, for `file:` URIs.
    pub path: Option<PathBuf>,
}

impl Document {
    pub fn new(uri: &Url, language_id: &str, version: i32, text: String) -> Document {
        let path = if uri.scheme() == "file" {
            uri.to_file_path().ok()
        } else {
            None
        };
        let kind = kind_of(uri, language_id);
        Document {
            text,
            version,
            kind,
            path,
        }
    }

    /// The name lint reports and format detection see: the file's path, or
    /// for an unsaved buffer a name with the extension of its language.
    pub fn lint_name(&self, uri: &Url) -> String {
        if let Some(p) = &self.path {
            return p.display().to_string();
        }
        let last = uri
            .path()
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("untitled");
        match (self.kind, has_model_extension(last)) {
            (_, true) | (Kind::Other, _) => last.to_string(),
            (Kind::Yaml, false) => format!("{last}.yaml"),
            (Kind::Json, false) => format!("{last}.json"),
            (Kind::Python, false) => format!("{last}.py"),
            (Kind::Notebook, false) => format!("{last}.ipynb"),
        }
    }

    /// Applies the changes of one `didChange`, in order. A change with a
    /// range replaces that range; one without replaces the whole text.
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let ix = LineIndex::new(&self.text);
                    let start = ix.offset(range.start);
                    let end = ix.offset(range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
        }
        self.version = version;
    }
}

fn has_model_extension(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || lower.ends_with(".json")
        || lower.ends_with(".py")
        || lower.ends_with(".pyw")
        || lower.ends_with(".ipynb")
}

/// YAML, JSON, Python and notebook documents (by the editor's language,
/// else the extension). A notebook's JSON opened as text comes with the
/// language `jupyter` or `json` (or none the server knows): the `.ipynb`
/// extension wins over `json`.
fn kind_of(uri: &Url, language_id: &str) -> Kind {
    let path = uri.path().to_ascii_lowercase();
    if language_id == "jupyter" || path.ends_with(".ipynb") {
        return Kind::Notebook;
    }
    match language_id {
        "yaml" => return Kind::Yaml,
        "json" | "jsonc" => return Kind::Json,
        "python" => return Kind::Python,
        _ => {}
    }
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        Kind::Yaml
    } else if path.ends_with(".json") {
        Kind::Json
    } else if path.ends_with(".py") || path.ends_with(".pyw") {
        Kind::Python
    } else {
        Kind::Other
    }
}

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents {
    docs: HashMap<Url, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Url, doc: Document) {
        self.docs.insert(uri, doc);
    }
    pub fn close(&mut self, uri: &Url) -> Option<Document> {
        self.docs.remove(uri)
    }
    pub fn get(&self, uri: &Url) -> Option<&Document> {
        self.docs.get(uri)
    }
    pub fn get_mut(&mut self, uri: &Url) -> Option<&mut Document> {
        self.docs.get_mut(uri)
    }
    pub fn uris(&self) -> Vec<Url> {
        let mut uris: Vec<Url> = self.docs.keys().cloned().collect();
        uris.sort();
        uris
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range
                .map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_use_utf16_positions() {
        let uri = Url::parse("file:///m/model.yaml").unwrap();
        let mut doc = Document::new(&uri, "yaml", 1, "# ü🙂\nactivation: rleu\n".into());
        assert_eq!(doc.kind, Kind::Yaml);
        // Replace `rleu` (line 1, characters 12..16), then append a line.
        doc.apply(
            2,
            vec![
                change(Some(((1, 12), (1, 16))), "relu"),
                change(Some(((2, 0), (2, 0))), "units: 1\n"),
                // After the emoji (`# ` 2 UTF-16 units, `ü` 1, the emoji 2).
                change(Some(((0, 5), (0, 5))), "!"),
            ],
        );
        assert_eq!(doc.text, "# ü🙂!\nactivation: relu\nunits: 1\n");
        assert_eq!(doc.version, 2);
        doc.apply(3, vec![change(None, "x: 1\n")]);
        assert_eq!(doc.text, "x: 1\n");
    }

    #[test]
    fn documents_are_classified_by_language_then_extension() {
        let u = |s: &str| Url::parse(s).unwrap();
        let k = |uri: &str, lang: &str| Document::new(&u(uri), lang, 0, String::new()).kind;
        assert_eq!(k("file:///a/model.yml", ""), Kind::Yaml);
        assert_eq!(k("file:///a/model.json", "plaintext"), Kind::Json);
        assert_eq!(k("untitled:Untitled-1", "yaml"), Kind::Yaml);
        assert_eq!(k("file:///a/README.md", "markdown"), Kind::Other);
        assert_eq!(k("file:///a/explore.ipynb", "json"), Kind::Notebook);
        assert_eq!(k("untitled:Untitled-2", "jupyter"), Kind::Notebook);
        let doc = Document::new(&u("untitled:Untitled-2"), "jupyter", 0, String::new());
        assert_eq!(doc.lint_name(&u("untitled:Untitled-2")), "Untitled-2.ipynb");
        let doc = Document::new(&u("untitled:Untitled-1"), "yaml", 0, String::new());
        assert_eq!(doc.lint_name(&u("untitled:Untitled-1")), "Untitled-1.yaml");
    }
}
