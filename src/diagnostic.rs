//! Diagnostics: what a rule found, where (byte spans), and what to do.
//! Byte offsets stay bytes until a renderer turns them into lines and columns.

use std::fmt;

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: Option<String>,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label {
            span,
            message: Some(message.into()),
        }
    }
    pub fn bare(span: Span) -> Self {
        Label {
            span,
            message: None,
        }
    }
}

/// Whether applying a fix keeps what the model computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Replace the bytes of `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; `None` when the file has no text to point at
    /// (not UTF-8, a broken archive).
    pub primary: Option<Label>,
    /// The other side of a conflict (the loss, the units, ...).
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// The name of the layer the finding is about, where there is one.
    pub layer: Option<String>,
    pub fix: Option<Fix>,
    /// A fix as the rule states it, before it is resolved against the text
    /// into `fix` (see [`crate::tree::edit`]); `None` once resolved.
    pub fix_plan: Option<FixPlan>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            name,
            severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            layer: None,
            fix: None,
            fix_plan: None,
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label::new(span, label));
        self
    }

    pub fn label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, label));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn layer(mut self, layer: Option<&str>) -> Self {
        self.layer = layer.map(str::to_string);
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Attaches a fix stated against the tree; the linter resolves it
    /// against the text (keeping quotes and layout) after the rules ran.
    pub fn fix_plan(mut self, plan: Option<FixPlan>) -> Self {
        self.fix_plan = plan;
        self
    }

    /// Sort key: position in the file, then code.
    pub fn sort_key(&self) -> (usize, usize, &'static str) {
        match &self.primary {
            Some(l) => (l.span.start, l.span.end, self.code),
            None => (0, 0, self.code),
        }
    }
}

/// Whether a rule offers fixes, for `actlint rules` and the rule docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FixKind {
    /// The rule never edits the file; its help says what to do.
    #[default]
    None,
    /// The fix keeps what the model computes (or is clearly what was meant):
    /// applied by `--fix`.
    Safe,
    /// The fix changes what the model computes: applied only with
    /// `--unsafe-fixes`.
    Unsafe,
}

impl FixKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::None => "none",
            FixKind::Safe => "safe",
            FixKind::Unsafe => "unsafe",
        }
    }
}

/// A new value to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewValue {
    /// A string: written plain in YAML where that reads back as the same
    /// string, quoted otherwise; a JSON string in JSON.
    String(String),
    /// JSON text (an object, a number, `null`), which YAML flow style reads
    /// the same way.
    Json(String),
}

/// One change a fix makes, stated against the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Replace a string scalar, keeping its quoting style.
    ReplaceString { span: Span, value: String },
    /// Replace a boolean scalar, keeping its case (`True` -> `False`).
    ReplaceBool { span: Span, value: bool },
    /// Replace a number scalar with another number (its text).
    ReplaceNumber { span: Span, text: String },
    /// Replace a whole value (a scalar or a collection).
    ReplaceValue { span: Span, value: NewValue },
    /// Insert `key: value` as the last entry of a mapping.
    InsertEntry {
        /// The mapping node.
        map: Span,
        /// The key and value spans of the mapping's last entry, `None` when
        /// the mapping is empty.
        last: Option<(Span, Span)>,
        key: String,
        value: NewValue,
    },
    /// Remove an item of a sequence, with the separator around it.
    RemoveItem {
        item: Span,
        prev: Option<Span>,
        next: Option<Span>,
    },
}

/// A fix as a rule states it; [`resolve`] makes a [`Fix`] of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixPlan {
    pub message: String,
    pub applicability: Applicability,
    pub changes: Vec<Change>,
}

impl FixPlan {
    pub fn safe(message: impl Into<String>, changes: Vec<Change>) -> Self {
        FixPlan {
            message: message.into(),
            applicability: Applicability::Safe,
            changes,
        }
    }
    pub fn unsafe_(message: impl Into<String>, changes: Vec<Change>) -> Self {
        FixPlan {
            message: message.into(),
            applicability: Applicability::Unsafe,
            changes,
        }
    }
}
