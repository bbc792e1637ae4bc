//! `--format human`: miette reports with labels on the exact values.
//!
//! Keras writes its JSON on one line, which may be megabytes long. miette
//! prints whole lines (and panics past column 65,535), so labels on long
//! lines are shown through a window: a few dozen characters around each
//! label, with `…` where the line was cut, and the real line and column in
//! the header.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{clamp_boundary, LineIndex, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::tree::Span;

/// Lines longer than this (in bytes) are shown through a window.
const LONG_LINE: usize = 240;
/// Characters of context on each side of a label on a long line.
const WINDOW_CONTEXT: usize = 48;
/// Longest label shown on a long line, in bytes.
const MAX_LONG_LABEL: usize = 120;

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
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_context_lines(1);
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            render_one(&handler, report, d, &mut out);
        }
    }
    out
}

pub fn summary_line(reports: &[FileReport]) -> String {
    Summary::of(reports).line()
}

fn render_one(handler: &GraphicalReportHandler, report: &FileReport, d: &Diagnostic, out: &mut String) {
    let name = match report.source.as_ref().and_then(|s| s.member.as_deref()) {
        Some(member) => format!("{}!{member}", report.path),
        None => report.path.clone(),
    };
    let mut labels: Vec<(Span, Option<String>, bool)> = Vec::new();
    if let Some(p) = &d.primary {
        labels.push((p.span, p.message.clone(), true));
    }
    for l in &d.secondary {
        labels.push((l.span, l.message.clone(), false));
    }
    let text = report.source.as_ref().map(|s| s.text.as_str());
    let view = text.map(|t| View::new(&name, t, &labels));
    let adapter = Adapter {
        d,
        file: &name,
        view: view.as_ref(),
    };
    let mut buf = String::new();
    if handler.render_report(&mut buf, &adapter).is_err() {
        // Never lose a finding to a rendering problem.
        let _ = writeln!(buf, "{}[{}]: {} ({name})", d.severity, d.code, d.message);
    }
    out.push_str(&buf);
    if !buf.ends_with('\n') {
        out.push('\n');
    }
}

/// What miette renders for one diagnostic.
struct Adapter<'a> {
    d: &'a Diagnostic,
    file: &'a str,
    view: Option<&'a View<'a>>,
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.view.is_none() {
            write!(f, "{}: {}", self.file, self.d.message)
        } else {
            f.write_str(&self.d.message)
        }
    }
}

impl std::error::Error for Adapter<'_> {}

impl MietteDiagnostic for Adapter<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{} {}", self.d.code, self.d.name)))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.d
            .help
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
            if l.primary {
                LabeledSpan::new_primary_with_span(l.message.clone(), span)
            } else {
                LabeledSpan::new_with_span(l.message.clone(), span)
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

/// The text miette sees: the real file when every labelled line is short;
/// otherwise one window line per label region, each mapped to its real line.
struct View<'t> {
    name: String,
    text: Cow<'t, str>,
    labels: Vec<ViewLabel>,
    /// For windowed views: the segments, one per window line.
    segments: Option<Vec<Segment>>,
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

impl<'t> View<'t> {
    fn new(name: &str, text: &'t str, labels: &[(Span, Option<String>, bool)]) -> View<'t> {
        let index = LineIndex::new(text);
        let long = labels.iter().any(|(s, _, _)| {
            let line = index.line_of(clamp_boundary(text, s.start));
            index.line_end(line) - index.line_start(line) > LONG_LINE
        });
        if !long {
            return View {
                name: name.to_string(),
                text: Cow::Borrowed(text),
                labels: labels
                    .iter()
                    .map(|(s, m, p)| {
                        let start = clamp_boundary(text, s.start);
                        let end = clamp_boundary(text, s.end.max(start));
                        ViewLabel {
                            start,
                            end,
                            message: m.clone(),
                            primary: *p,
                        }
                    })
                    .collect(),
                segments: None,
            };
        }
        // Windowed: clip each label, cut a window around it, merge windows
        // that overlap on the same line.
        let mut regions: Vec<(usize, usize, usize)> = Vec::new(); // (line, start, end)
        let mut clipped: Vec<(usize, usize)> = Vec::new();
        for (s, _, _) in labels {
            let start = clamp_boundary(text, s.start);
            let line = index.line_of(start);
            let line_end = index.line_end(line);
            let mut end = clamp_boundary(text, s.end.max(start).min(line_end.max(start)));
            if end - start > MAX_LONG_LABEL {
                end = clamp_boundary(text, start + MAX_LONG_LABEL);
            }
            clipped.push((start, end));
            let ws = back_chars(text, start, WINDOW_CONTEXT).max(index.line_start(line));
            let we = forward_chars(text, end, WINDOW_CONTEXT).min(line_end);
            regions.push((line, ws, we.max(end)));
        }
        regions.sort();
        let mut merged: Vec<(usize, usize, usize)> = Vec::new();
        for r in regions {
            match merged.last_mut() {
                Some(last) if last.0 == r.0 && r.1 <= last.2 => last.2 = last.2.max(r.2),
                _ => merged.push(r),
            }
        }
        let mut synth = String::new();
        let mut segments = Vec::new();
        let mut map: Vec<(usize, usize, usize)> = Vec::new(); // (real start, real end, synth start)
        for (line, ws, we) in merged {
            if !synth.is_empty() {
                synth.push('\n');
            }
            let seg_start = synth.len();
            let cut_front = ws > index.line_start(line);
            let prefix = if cut_front { "…" } else { "" };
            synth.push_str(prefix);
            map.push((ws, we, synth.len()));
            synth.push_str(&text[ws..we]);
            if we < index.line_end(line) {
                synth.push('…');
            }
            segments.push(Segment {
                start: seg_start,
                end: synth.len(),
                line,
                column: text[index.line_start(line)..ws].chars().count(),
                prefix: prefix.len(),
            });
        }
        let to_synth = |o: usize| {
            map.iter()
                .find(|(s, e, _)| *s <= o && o <= *e)
                .map(|(s, _, at)| at + (o - s))
                .unwrap_or(0)
        };
        let view_labels = labels
            .iter()
            .zip(clipped)
            .map(|((_, m, p), (s, e))| ViewLabel {
                start: to_synth(s),
                end: to_synth(e),
                message: m.clone(),
                primary: *p,
            })
            .collect();
        View {
            name: name.to_string(),
            text: Cow::Owned(synth),
            labels: view_labels,
            segments: Some(segments),
        }
    }
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(from, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
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
            let inner = text.read_span(span, before, after)?;
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                *inner.span(),
                inner.line(),
                inner.column(),
                inner.line_count(),
            )));
        };
        let (s, e) = (span.offset(), span.offset() + span.len());
        let seg = segments
            .iter()
            .find(|g| g.start <= s && e <= g.end)
            .ok_or(MietteError::OutOfBounds)?;
        let data = &self.text.as_bytes()[seg.start..seg.end];
        let column = if before == 0 {
            let shown = &self.text[seg.start + seg.prefix..s.max(seg.start + seg.prefix)];
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
