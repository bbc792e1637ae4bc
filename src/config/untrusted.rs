//! Files that are not models, read from an untrusted repository:
//! configurations, the files they `extend`, `pyproject.toml` and baselines.
//!
//! - [`read_text`] reads regular files only (a FIFO would block forever,
//!   `/dev/zero` never ends) and through a size cap, so that no such file
//!   costs more than its limit in memory, and says which limit stopped it.
//! - [`quotable`] decides whether a configuration error may show the
//!   file's text: only for a regular `.toml` file inside the project (the
//!   directory of the configuration that names it, or the current
//!   directory). `extend = "/proc/self/environ"` must not print the
//!   environment, secrets included: [`redact`] turns such errors into a
//!   line and a column.
//! - [`Snippet`] is what a configuration error shows of a file: the line
//!   of the error and the lines around it, each cut to a window of
//!   [`WINDOW`] characters around the error's column, with input text
//!   escaped (see [`crate::escape`]).

use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::error::ConfigError;
use crate::escape;
use crate::source::{bytes, read_capped};

/// Largest configuration file read (`actlint.toml`, `.actlint.toml`,
/// `pyproject.toml`, a file named by `extend`): 1 MiB. Real ones are a few
/// kilobytes.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// Largest baseline read (`--baseline`): 16 MiB, about 200,000 files with
/// findings.
pub const MAX_BASELINE_SIZE: u64 = 16 * 1024 * 1024;

/// Largest ignore file (`.gitignore`, `.ignore`, `.git/info/exclude`) a
/// directory walk lets the `ignore` crate read: 1 MiB.
pub const MAX_IGNORE_SIZE: u64 = 1024 * 1024;

/// Characters of a configuration line shown around an error's column.
pub const WINDOW: usize = 80;

/// Why an untrusted file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// Not a regular file: what it is instead.
    NotRegular {
        kind: &'static str,
        limit: u64,
    },
    TooLarge {
        limit: u64,
    },
    NotUtf8 {
        byte: usize,
    },
}

impl ReadError {
    pub fn kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            ReadError::Io(e) => Some(e.kind()),
            _ => None,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                f.write_str("no such file")
            }
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular { kind, limit } => write!(
                f,
                "it is {kind}, not a regular file; only regular files of at most {} are read",
                bytes(*limit)
            ),
            ReadError::TooLarge { limit } => write!(
                f,
                "it is larger than the limit of {} for this kind of file; it was not read",
                bytes(*limit)
            ),
            ReadError::NotUtf8 { byte } => {
                write!(f, "it is not UTF-8 (invalid byte at offset {byte})")
            }
        }
    }
}

/// What a file that is not a regular file is, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Reads an untrusted text file: a regular file (links followed) of at
/// most `limit` bytes, in UTF-8 (a BOM is kept: TOML and JSON readers
/// reject or skip it as they do).
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    // Checked before opening: opening a FIFO for reading blocks until
    // something writes to it.
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_of(&meta),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // Checked again on what was opened, in case the name changed.
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_of(&meta),
            limit,
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    // `/proc` files say they are empty: the cap, not the size, bounds them.
    let data = read_capped(file.take(limit + 1), limit, meta.len()).map_err(ReadError::Io)?;
    if data.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    String::from_utf8(data).map_err(|e| ReadError::NotUtf8 {
        byte: e.utf8_error().valid_up_to(),
    })
}

/// Whether a configuration error may quote `path`'s text: it is a regular
/// file named `*.toml` whose real path (links resolved) is inside one of
/// `roots` (the directory of the configuration that names it, and the
/// current directory).
pub fn quotable(path: &Path, roots: &[&Path]) -> bool {
    let Ok(real) = std::fs::canonicalize(path) else {
        return false;
    };
    let toml = real
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let regular = std::fs::metadata(&real).is_ok_and(|m| m.is_file());
    toml && regular
        && roots
            .iter()
            .any(|root| std::fs::canonicalize(root).is_ok_and(|root| real.starts_with(root)))
}

/// The errors of a file whose text may not be shown, as one error that
/// gives only where the first one is and how many there are.
pub fn redact(errors: Vec<ConfigError>, display: &Arc<str>, text: &str) -> Vec<ConfigError> {
    let n = errors.len();
    let at = errors
        .iter()
        .filter(|e| e.origin == *display)
        .find_map(|e| e.span.as_ref())
        .map(|s| {
            let start = crate::source::clamp_boundary(text, s.start);
            let before = &text[..start];
            let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[line_start..].chars().count() + 1;
            format!(" at line {line}, column {column}")
        })
        .unwrap_or_default();
    let more = if n > 1 {
        format!(" ({n} problems)")
    } else {
        String::new()
    };
    vec![ConfigError::plain(
        display.clone(),
        format!("not a valid configuration{at}{more}; its text is not shown"),
    )
    .help(
        "configuration errors quote only regular `.toml` files inside the project \
         (the directory of the configuration that names the file, or the current directory)",
    )]
}

/// The error with its message, label, help and file name escaped.
pub fn escaped(e: &ConfigError) -> ConfigError {
    ConfigError {
        origin: Arc::from(escape::text(&e.origin)),
        text: e.text.clone(),
        span: e.span.clone(),
        message: escape::text(&e.message).into_owned(),
        label: e.label.as_deref().map(|l| escape::text(l).into_owned()),
        help: e.help.as_deref().map(|h| escape::text(h).into_owned()),
    }
}

/// What a configuration error shows of its file.
pub struct Snippet {
    name: String,
    /// Up to three lines: the error's and one on each side, windowed and
    /// escaped.
    text: String,
    /// 0-based real line of the first line of `text`.
    first_line: usize,
    /// 0-based real line and column (characters) of the error.
    line: usize,
    column: usize,
    /// The error's place in `text`.
    pub span: Range<usize>,
}

impl Snippet {
    /// The snippet of an error that points into its file's text.
    pub fn of(e: &ConfigError) -> Option<Snippet> {
        let text: &str = e.text.as_deref()?;
        let span = e.span.clone()?;
        let start = crate::source::clamp_boundary(text, span.start);
        let end = crate::source::clamp_boundary(text, span.end).max(start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text.as_bytes()[..line_start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let column = text[line_start..start].chars().count();
        let from = column.saturating_sub(WINDOW / 2);
        let line_end = |s: usize| text[s..].find('\n').map_or(text.len(), |i| s + i);
        let mut lines = Vec::new();
        let mut first_line = line;
        if line_start > 0 {
            let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
            lines.push(prev_start);
            first_line -= 1;
        }
        lines.push(line_start);
        let here = line_end(line_start);
        if here + 1 < text.len() {
            lines.push(here + 1);
        }
        let mut out = String::new();
        let mut shown = 0..0;
        for s in lines {
            let content = text[s..line_end(s)].trim_end_matches('\r');
            let from_byte = char_offset(content, from);
            let to_byte = char_offset(&content[from_byte..], WINDOW) + from_byte;
            let base = out.len();
            if from_byte > 0 {
                out.push('…');
            }
            let window = &content[from_byte..to_byte];
            let shown_window = escape::text(window);
            if s == line_start {
                let rel = |o: usize| o.saturating_sub(s).clamp(from_byte, to_byte) - from_byte;
                let prefix = out.len() - base;
                let a = escape::text(&window[..rel(start)]).len();
                let b = escape::text(&window[..rel(end.min(here))]).len();
                shown = base + prefix + a..base + prefix + b;
            }
            out.push_str(&shown_window);
            if to_byte < content.len() {
                out.push('…');
            }
            out.push('\n');
        }
        Some(Snippet {
            name: e.origin.to_string(),
            text: out,
            first_line,
            line,
            column,
            span: shown,
        })
    }
}

/// The byte offset after `n` characters (at most the text's length).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self.text.as_str().read_span(span, before, after)?;
        // The header's position: the real line and column of the error.
        let (line, column) = if before == 0 && after == 0 && span.offset() == self.span.start {
            (self.line, self.column)
        } else {
            (c.line() + self.first_line, c.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            line,
            column,
            c.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str, span: Range<usize>) -> ConfigError {
        ConfigError {
            origin: Arc::from("actlint.toml"),
            text: Some(Arc::from(text)),
            span: Some(span),
            message: "m".into(),
            label: None,
            help: None,
        }
    }

    #[test]
    fn long_lines_are_windowed_around_the_error() {
        let long = format!(
            "a = \"{}SECRET{}\"\nb = 1\n",
            "x".repeat(5000),
            "y".repeat(5000)
        );
        let at = long.find("SECRET").unwrap();
        let s = Snippet::of(&error(&long, at..at + 6)).unwrap();
        assert!(s.text.len() < 3 * (WINDOW + 10), "{}", s.text);
        assert_eq!(&s.text[s.span.clone()], "SECRET");
        assert_eq!((s.line, s.column), (0, at));
        assert!(s.text.starts_with('…'));
    }

    #[test]
    fn controls_are_escaped_and_the_span_follows() {
        let text = "x = 1\n\u{1b}]0;t\u{7} = 2\ny = 3\n";
        let at = text.find('=').map(|_| text.find(" = 2").unwrap()).unwrap();
        let s = Snippet::of(&error(text, at + 1..at + 2)).unwrap();
        assert_eq!(&s.text[s.span.clone()], "=");
        assert!(!s.text.contains('\u{1b}'));
        assert_eq!(s.first_line, 0);
        assert_eq!(s.line, 1);
    }

    #[test]
    fn special_files_are_refused_by_kind() {
        let e = read_text(Path::new("/dev/zero"), MAX_CONFIG_SIZE);
        if let Err(e) = e {
            assert!(e.to_string().contains("1 MiB"), "{e}");
        }
        let dir = std::env::temp_dir();
        let e = read_text(&dir, MAX_CONFIG_SIZE).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }
}
