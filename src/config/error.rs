//! Configuration errors: an unknown key, a bad value, an unknown rule. Each
//! points at the place in the configuration file, rendered by miette like
//! every other diagnostic, and makes the run exit with status 2.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode,
};

use super::untrusted::{self, Snippet};

#[derive(Clone, Debug)]
pub struct ConfigError {
    /// The configuration file as shown (`actlint.toml`, `sub/pyproject.toml`),
    /// or the flag (`--select`) for errors in command-line options.
    pub origin: Arc<str>,
    /// The file's text, when the error points into it.
    pub text: Option<Arc<str>>,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl ConfigError {
    /// An error that does not point into a file (a missing file, a bad flag).
    pub fn plain(origin: impl Into<Arc<str>>, message: impl Into<String>) -> Self {
        ConfigError {
            origin: origin.into(),
            text: None,
            span: None,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.span.is_some() && self.text.is_some() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.origin, self.message)
        }
    }
}

/// Renders errors for standard error; `color` for a terminal.
pub fn render(errors: &[ConfigError], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_context_lines(1);
    let mut out = String::new();
    for e in errors {
        // Input text escaped, the file's lines windowed (see `untrusted`).
        let source = Snippet::of(e);
        let e = &untrusted::escaped(e);
        let adapter = Adapter { error: e, source };
        let mut buf = String::new();
        if handler.render_report(&mut buf, &adapter).is_err() {
            buf = format!("error: {e}\n");
        }
        out.push_str(&buf);
        if !buf.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

struct Adapter<'a> {
    error: &'a ConfigError,
    source: Option<Snippet>,
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.error, f)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_some() {
            f.write_str(&self.error.message)
        } else {
            fmt::Display::fmt(self.error, f)
        }
    }
}

impl std::error::Error for Adapter<'_> {}

impl MietteDiagnostic for Adapter<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("invalid-configuration"))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Error)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.source.as_ref()?.span.clone();
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(self.error.label.clone(), span),
        )))
    }
}
