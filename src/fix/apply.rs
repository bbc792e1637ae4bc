//! Applying fixes to a text, and the lint-fix loop.

use std::collections::BTreeMap;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::lint::{self, FileReport, Options};

use crate::tree::edit::overlaps;

/// How many times [`run`] lints and fixes at most: a fix can make another
/// one possible (the backward layer of a `Bidirectional` stops mirroring
/// the forward one), but fixes never feed each other for ever.
pub const MAX_PASSES: usize = 10;

/// Applies fixes to a text. Fixes are taken in order of their first edit;
/// a fix with an edit that overlaps an edit already taken is skipped whole
/// (a later pass may apply it). Returns the new text and the indices (in
/// the order given) of the fixes applied.
pub fn apply<'f>(text: &str, fixes: impl Iterator<Item = &'f Fix>) -> (String, Vec<usize>) {
    let mut fixes: Vec<(usize, &Fix)> = fixes.enumerate().collect();
    let first = |f: &Fix| f.edits.iter().map(|e| (e.span.start, e.span.end)).min();
    fixes.sort_by_key(|(i, f)| (first(f), *i));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    for (i, fix) in fixes {
        let fits = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
                && e.span.end <= text.len()
        });
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(t.span, e.span)));
        if fits && !clashes {
            taken.extend(fix.edits.iter());
            applied.push(i);
        }
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in taken {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    applied.sort_unstable();
    (out, applied)
}

/// Whether a diagnostic's fix is applied with these settings.
pub fn wanted(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| unsafe_fixes || f.applicability == Applicability::Safe)
}

/// The result of fixing a text.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text (the input when nothing applied).
    pub text: String,
    /// How many fixes were applied, by rule code.
    pub applied: BTreeMap<&'static str, usize>,
    /// The lint of the fixed text: what remains.
    pub report: FileReport,
    /// The lint of the text as given.
    pub original: FileReport,
}

impl Fixed {
    pub fn count(&self) -> usize {
        self.applied.values().sum()
    }
}

fn parse_errors(report: &FileReport) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::rules::parse_error::META.code)
        .count()
}

/// Lints `text` and applies the fixes found, again and again until no fix
/// applies (at most [`MAX_PASSES`] times). A pass whose result would not
/// parse as well as its input is dropped (a bug in a fix must never break a
/// file); the fixing stops there. `bom`: the file starts with a UTF-8 BOM
/// (which `text` does not hold), so that positions are reported as for the
/// file.
pub fn run(path: &str, text: &str, bom: bool, options: &Options, unsafe_fixes: bool) -> Fixed {
    let lint = |text: &str| {
        if bom {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend_from_slice(text.as_bytes());
            lint::lint_bytes(path, &bytes, options)
        } else {
            lint::lint_bytes(path, text.as_bytes(), options)
        }
    };
    let mut current = text.to_string();
    let mut report = lint(&current);
    let original = report.clone();
    let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
    for _ in 0..MAX_PASSES {
        let chosen: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| wanted(d, unsafe_fixes))
            .collect();
        if chosen.is_empty() {
            break;
        }
        let (next, taken) = apply(&current, chosen.iter().filter_map(|d| d.fix.as_ref()));
        if next == current || taken.is_empty() {
            break;
        }
        let next_report = lint(&next);
        if parse_errors(&next_report) > parse_errors(&report) || next_report.internal_error() {
            break;
        }
        for i in taken {
            *applied.entry(chosen[i].code).or_default() += 1;
        }
        current = next;
        report = next_report;
    }
    Fixed {
        text: current,
        applied,
        report,
        original,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix {
            message: String::new(),
            applicability: Applicability::Safe,
            edits: edits
                .iter()
                .map(|&(s, e, r)| Edit {
                    span: Span::new(s, e),
                    replacement: r.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn overlapping_fixes_are_skipped_by_position() {
        let text = "abcdefgh";
        let fixes = [
            fix(&[(4, 6, "XY")]),
            fix(&[(0, 2, "12")]),
            fix(&[(5, 7, "!")]),
        ];
        let (out, taken) = apply(text, fixes.iter());
        assert_eq!(out, "12cdXYgh");
        assert_eq!(taken, [0, 1]);
        // A multi-edit fix is taken whole or not at all.
        let fixes = [fix(&[(0, 1, "A")]), fix(&[(3, 3, "+"), (0, 1, "B")])];
        let (out, taken) = apply(text, fixes.iter());
        assert_eq!(out, "Abcdefgh");
        assert_eq!(taken, [0]);
    }
}
