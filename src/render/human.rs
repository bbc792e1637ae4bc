//! `--format human`: miette reports with labels on the exact values.
//!
//! Keras writes its JSON on one line, which may be megabytes long. miette
//! prints whole lines (and panics past column 65,535), so labels on long
//! lines are shown through a window: a few dozen characters around each
//! label, with `…` where the line was cut, and the real line and column in
//! the header. Labels far apart on one line get a window each.
//!
//! Positions in headers are 1-based lines and columns counted in Unicode
//! characters, as in `--format json`. Text from the file is escaped (see
//! [`crate::escape`]): the source text shows control characters as `?`, and
//! messages and file names show them escaped.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::escape;
use crate::ir::shapes;
use crate::lint::FileReport;
use crate::source::Span;
use crate::source::{clamp_boundary, LineIndex};

/// Lines longer than this (in bytes) are shown through a window.
const LONG_LINE: usize = 240;
/// Columns of context on each side of a label on a long line.
const WINDOW_CONTEXT: usize = 48;
/// Longest label shown on a long line, in columns.
const MAX_LONG_LABEL: usize = 100;
/// Widest window (in columns) that several labels on a long line may share;
/// labels further apart get a window each.
const MAX_SHARED_WINDOW: usize = 180;
/// Labels spanning more lines than this are cut to their first line, so that
/// a label on a whole document does not print the whole document.
const MAX_LABEL_LINES: usize = 8;
/// Secondary labels shown per finding (miette's layout time grows with the
/// square of the labels of one report).
const MAX_SECONDARY_LABELS: usize = 1000;

pub struct Style {
    pub color: bool,
    /// Terminal width for wrapping text.
    pub width: usize,
}

pub fn render(reports: &[FileReport], style: &Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Messages break at spaces only: the Unicode line-breaking algorithm
    // (textwrap's default) is most of the cost of rendering thousands of
    // findings, and our messages are plain words, code in backticks and
    // paths.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_context_lines(1)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    for report in reports {
        // Built once per file: a file may have thousands of diagnostics.
        let shown = report.source.as_ref().map(|s| escape::snippet(&s.text));
        let index = shown.as_deref().map(LineIndex::new);
        let text = shown.as_deref().zip(index.as_ref());
        for d in &report.diagnostics {
            render_one(&handler, report, text, d, &mut out);
        }
    }
    out
}

/// The `Total params` line of a layer table: the top-level layers' counts
/// (a nested model's count includes its layers'), or at least that many
/// when some are not known.
fn total_params(report: &FileReport) -> String {
    let top: Vec<Option<u64>> = report
        .layers
        .iter()
        .filter(|l| l.depth == 0)
        .map(|l| l.params)
        .collect();
    let known: u64 = top.iter().flatten().sum();
    match top.iter().filter(|p| p.is_none()).count() {
        0 => format!("  Total params: {}\n\n", group_digits(known)),
        n => format!(
            "  Total params: at least {} ({n} layer{} not known)\n\n",
            group_digits(known),
            if n == 1 { "" } else { "s" }
        ),
    }
}

/// `-v`: each linted file's layers as `model.summary()` lists them (name,
/// class, output shape without the batch axis, parameters), from actlint's
/// own shape inference; `?` where a size or count is not known statically.
pub fn layer_table(report: &FileReport) -> String {
    if report.layers.is_empty() {
        return String::new();
    }
    let rows: Vec<(String, String, String)> = report
        .layers
        .iter()
        .map(|l| {
            let indent = "  ".repeat(l.depth);
            let name = l.path.rsplit('/').next().unwrap_or("");
            let name = if name.is_empty() { "-" } else { name };
            (
                format!(
                    "{indent}{} ({})",
                    escape::text(name),
                    escape::text(&l.class)
                ),
                l.output
                    .as_deref()
                    .map_or_else(|| "?".to_string(), shapes::display),
                l.params.map_or_else(|| "?".to_string(), group_digits),
            )
        })
        .collect();
    let width = |cell: fn(&(String, String, String)) -> &String, least: usize| {
        rows.iter()
            .map(|r| cell(r).chars().count())
            .max()
            .unwrap_or(0)
            .max(least)
    };
    let (w0, w1, w2) = (width(|r| &r.0, 12), width(|r| &r.1, 12), width(|r| &r.2, 7));
    let mut out = format!("{}\n", escape::text(&report.path));
    out.push_str(&format!(
        "  {:<w0$}  {:<w1$}  {:>w2$}\n",
        "Layer (type)", "Output shape", "Param #"
    ));
    for (a, b, c) in &rows {
        out.push_str(&format!("  {a:<w0$}  {b:<w1$}  {c:>w2$}\n"));
    }
    out.push_str(&total_params(report));
    out
}

/// `1234567` as `1,234,567`.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn summary_line(reports: &[FileReport]) -> String {
    Summary::of(reports).line()
}

/// The help under a finding: its help, how to apply its fix (`safe`:
/// without `--unsafe-fixes`), and how many of its labels (`more`) are not
/// shown. Input text is escaped piece by piece: the newlines that join the
/// pieces are the only ones in the help.
fn help_text(d: &Diagnostic, safe: bool, more: usize) -> Option<String> {
    let fix_line = d.fix.as_ref().map(|f| {
        let how = if safe {
            "`--fix`"
        } else {
            "`--fix --unsafe-fixes`"
        };
        format!("fix: {} ({how})", escape::text(&f.message))
    });
    let help = match (d.help.as_deref().map(escape::text), fix_line) {
        (Some(h), Some(f)) => Some(format!("{h}\n{f}")),
        (Some(h), None) => Some(h.into_owned()),
        (None, f) => f,
    };
    match (help, more) {
        (help, 0) => help,
        (Some(h), n) => Some(format!(
            "{h}\n({n} more places not shown; `--format json` lists them all)"
        )),
        (None, n) => Some(format!(
            "({n} more places not shown; `--format json` lists them all)"
        )),
    }
}

fn render_one(
    handler: &GraphicalReportHandler,
    report: &FileReport,
    text: Option<(&str, &LineIndex<'_>)>,
    d: &Diagnostic,
    out: &mut String,
) {
    let name = match report.source.as_ref().and_then(|s| s.member.as_deref()) {
        Some(member) => format!("{}!{member}", report.path),
        None => report.path.clone(),
    };
    let name = escape::text(&name).into_owned();
    let mut labels: Vec<(Span, Option<String>, bool)> = Vec::new();
    if let Some(p) = &d.primary {
        labels.push((p.span, p.message.clone(), true));
    }
    // A finding with a label on each of thousands of layers shows the
    // first thousand.
    for l in d.secondary.iter().take(MAX_SECONDARY_LABELS) {
        labels.push((l.span, l.message.clone(), false));
    }
    let more = d.secondary.len().saturating_sub(MAX_SECONDARY_LABELS);
    let view = text
        .filter(|_| !labels.is_empty())
        .map(|(t, index)| View::new(&name, t, index, &labels));
    // `[*]`: `--fix` fixes it; the fix itself is described under the help.
    let safe = d
        .fix
        .as_ref()
        .is_some_and(|f| f.applicability == crate::diagnostic::Applicability::Safe);
    let help = help_text(d, safe, more);
    let adapter = Adapter {
        code: if safe {
            format!("{} {} [*]", d.code, d.name)
        } else {
            format!("{} {}", d.code, d.name)
        },
        severity: d.severity,
        message: escape::text(&d.message).into_owned(),
        help,
        file: &name,
        view: view.as_ref(),
    };
    let mut buf = String::new();
    if handler.render_report(&mut buf, &adapter).is_err() {
        // Never lose a finding to a rendering problem.
        buf.clear();
        let _ = writeln!(
            buf,
            "{}[{}]: {name}: {}",
            d.severity, adapter.code, adapter.message
        );
    }
    out.push_str(&buf);
    if !buf.ends_with('\n') {
        out.push('\n');
    }
}

/// What miette renders for one diagnostic.
struct Adapter<'a> {
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    file: &'a str,
    view: Option<&'a View<'a>>,
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Without a snippet the file name would not appear at all.
        if self.view.is_none() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for Adapter<'_> {}

impl MietteDiagnostic for Adapter<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.view.map(|v| v as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let view = self.view?;
        Some(Box::new(view.labels.iter().map(|l| {
            let span = SourceSpan::new(l.start.into(), l.end - l.start);
            let message = l.message.as_deref().map(|m| escape::text(m).into_owned());
            if l.primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            }
        })))
    }
}

struct ViewLabel {
    start: usize,
    end: usize,
    message: Option<String>,
    primary: bool,
}

/// The text miette sees: the file (as [`escape::snippet`] shows it) when every
/// labelled line and the context line around it are short; otherwise one
/// window line per label region, each mapped to its real line and column.
struct View<'t> {
    name: String,
    text: Cow<'t, str>,
    labels: Vec<ViewLabel>,
    /// For windowed views: the segments, one per window line.
    segments: Option<Vec<Segment>>,
    /// For views of the whole text: its line starts, so that miette is
    /// handed the text from just above a label instead of from the top (it
    /// counts lines from the start of what it is given, and a file may have
    /// thousands of findings).
    index: Option<&'t LineIndex<'t>>,
}

struct Segment {
    start: usize,
    end: usize,
    /// 0-based real line.
    line: usize,
    /// 0-based real column (characters) of the first real character shown.
    column: usize,
    /// Bytes of the `…` prefix.
    prefix: usize,
}

/// Labels sharing one window of a long line.
struct Region {
    line: usize,
    start: usize,
    end: usize,
    labels: Vec<usize>,
}

impl<'t> View<'t> {
    fn new(
        name: &str,
        text: &'t str,
        index: &'t LineIndex<'t>,
        labels: &[(Span, Option<String>, bool)],
    ) -> View<'t> {
        // Spans within the text, on character boundaries, never reversed,
        // and at most MAX_LABEL_LINES lines long.
        let spans: Vec<(usize, usize)> = labels
            .iter()
            .map(|(s, _, _)| {
                let start = clamp_boundary(text, s.start);
                let mut end = clamp_boundary(text, s.end).max(start);
                let first = index.line_of(start);
                if index.line_of(end) - first >= MAX_LABEL_LINES {
                    end = index.line_end(first).max(start);
                }
                (start, end)
            })
            .collect();
        let last_line = index.line_count() - 1;
        let long = spans.iter().any(|&(s, e)| {
            // miette shows one line of context on each side.
            let first = index.line_of(s).saturating_sub(1);
            let last = (index.line_of(e) + 1).min(last_line);
            (first..=last).any(|l| index.line_end(l) - index.line_start(l) > LONG_LINE)
        });
        if long {
            return View::windowed(name, text, index, labels, &spans);
        }
        // miette draws no label at the very end of the text (an error at the
        // end of the file): give it a character to point at.
        let shown = if spans.iter().any(|&(s, _)| s >= text.len()) {
            Cow::Owned(format!("{text} "))
        } else {
            Cow::Borrowed(text)
        };
        View {
            name: name.to_string(),
            text: shown,
            labels: labels
                .iter()
                .zip(&spans)
                .map(|((_, m, p), &(start, end))| ViewLabel {
                    start,
                    end,
                    message: m.clone(),
                    primary: *p,
                })
                .collect(),
            segments: None,
            index: Some(index),
        }
    }

    /// Clips each label to its line, cuts a window around it, and shares
    /// windows between labels that are close together on the same line.
    fn windowed(
        name: &str,
        text: &str,
        index: &LineIndex<'_>,
        labels: &[(Span, Option<String>, bool)],
        spans: &[(usize, usize)],
    ) -> View<'t> {
        let (clipped, regions) = windows(text, index, spans);
        let mut synth = String::new();
        let mut segments = Vec::new();
        let mut view_labels: Vec<Option<ViewLabel>> = labels.iter().map(|_| None).collect();
        for region in &regions {
            if !synth.is_empty() {
                synth.push('\n');
            }
            let seg_start = synth.len();
            let (line_start, line_end) =
                (index.line_start(region.line), index.line_end(region.line));
            let prefix = if region.start > line_start { "…" } else { "" };
            synth.push_str(prefix);
            let real_start = synth.len();
            synth.push_str(&text[region.start..region.end]);
            if region.end < line_end {
                synth.push('…');
            }
            segments.push(Segment {
                start: seg_start,
                end: synth.len(),
                line: region.line,
                // (Constant time on ASCII text: Keras writes a whole
                // model on one line.)
                column: index.position(region.start).column - 1,
                prefix: prefix.len(),
            });
            for &i in &region.labels {
                let (s, e) = clipped[i];
                let (_, message, primary) = &labels[i];
                view_labels[i] = Some(ViewLabel {
                    start: real_start + (s - region.start),
                    end: real_start + (e - region.start),
                    message: message.clone(),
                    primary: *primary,
                });
            }
        }
        let view_labels: Vec<ViewLabel> = view_labels.into_iter().flatten().collect();
        // As above: a label at the very end needs a character to point at.
        if view_labels.iter().any(|l| l.start >= synth.len()) {
            synth.push(' ');
            if let Some(last) = segments.last_mut() {
                last.end = synth.len();
            }
        }
        View {
            name: name.to_string(),
            text: Cow::Owned(synth),
            labels: view_labels,
            segments: Some(segments),
            index: None,
        }
    }
}

/// Each label's span clipped to its line (and to a long label's length),
/// and the windows of text shown around them, in order: labels close
/// together on one line share a window.
fn windows(
    text: &str,
    index: &LineIndex<'_>,
    spans: &[(usize, usize)],
) -> (Vec<(usize, usize)>, Vec<Region>) {
    let mut clipped = vec![(0, 0); spans.len()];
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i]);
    let mut regions: Vec<Region> = Vec::new();
    for i in order {
        let (start, end) = spans[i];
        let line = index.line_of(start);
        let (line_start, line_end) = (index.line_start(line), index.line_end(line));
        let end = end
            .min(line_end.max(start))
            .min(forward_columns(text, start, MAX_LONG_LABEL));
        clipped[i] = (start, end);
        let ws = back_columns(text, start, WINDOW_CONTEXT).max(line_start);
        let we = forward_columns(text, end, WINDOW_CONTEXT)
            .min(line_end)
            .max(end);
        if let Some(last) = regions.last_mut() {
            let merged_end = last.end.max(we);
            if last.line == line
                && ws <= last.end
                && columns(&text[last.start..merged_end]) <= MAX_SHARED_WINDOW
            {
                last.end = merged_end;
                last.labels.push(i);
                continue;
            }
        }
        regions.push(Region {
            line,
            start: ws,
            end: we,
            labels: vec![i],
        });
    }
    (clipped, regions)
}

/// Terminal columns of a character, near enough to size windows: East Asian
/// wide characters and emoji take two, tabs four (as miette draws them).
fn char_columns(c: char) -> usize {
    match c {
        '\t' => 4,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{1F300}'..='\u{1F64F}'
        | '\u{1F900}'..='\u{1F9FF}'
        | '\u{20000}'..='\u{3FFFD}' => 2,
        _ => 1,
    }
}

fn columns(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

/// The offset `n` columns before `from` (or the start of the text).
fn back_columns(text: &str, from: usize, n: usize) -> usize {
    let mut used = 0;
    let mut at = from;
    for (i, c) in text[..from].char_indices().rev() {
        used += char_columns(c);
        if used > n {
            break;
        }
        at = i;
    }
    at
}

/// The offset `n` columns after `from` (or the end of the text).
fn forward_columns(text: &str, from: usize, n: usize) -> usize {
    let mut used = 0;
    for (i, c) in text[from..].char_indices() {
        used += char_columns(c);
        if used > n {
            return from + i;
        }
    }
    text.len()
}

impl SourceCode for View<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let Some(segments) = &self.segments else {
            let text: &str = &self.text;
            // Start `before` lines above the span (the text it reads).
            let (base, base_line) = match self.index {
                Some(index) if span.offset() <= text.len() => {
                    let first = index.line_of(span.offset()).saturating_sub(before);
                    (index.line_start(first).min(span.offset()), first)
                }
                _ => (0, 0),
            };
            let local = SourceSpan::new((span.offset() - base).into(), span.len());
            let inner = text[base..].read_span(&local, before, after)?;
            // miette counts columns in bytes; count characters, as
            // `--format json` does.
            let offset = base + inner.span().offset();
            let at = offset.min(text.len());
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..at].chars().count();
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                SourceSpan::new(offset.into(), inner.span().len()),
                base_line + inner.line(),
                column,
                // miette counts the lines it read from the start of its
                // input (and compares the sum with other labels' lines).
                base_line + inner.line_count(),
            )));
        };
        let (s, e) = (span.offset(), span.offset() + span.len());
        let seg = segments
            .iter()
            .find(|g| g.start <= s && e <= g.end)
            .ok_or(MietteError::OutOfBounds)?;
        let data = &self.text.as_bytes()[seg.start..seg.end];
        let column = if before == 0 {
            let from = seg.start + seg.prefix;
            let shown = self.text.get(from..s.max(from)).unwrap_or("");
            seg.column + shown.chars().count()
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(seg.start.into(), seg.end - seg.start),
            seg.line,
            column,
            0,
        )))
    }
}
