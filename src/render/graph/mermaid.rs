//! The picture as a Mermaid flowchart, for GitHub comments and Markdown.
//!
//! Labels are double-quoted, and every character that is not a letter,
//! digit, space or one of `_-.,:()/` is written as a Mermaid entity code
//! (`#60;`; controls and bidirectional controls as U+FFFD), so no name from a model file can end a label, start a
//! directive or inject markup.

use std::fmt::Write;

use super::{colours, Picture};

/// The largest diagram Mermaid draws by default (its `maxEdges` and
/// `maxTextSize` settings), as on GitHub.
pub const GITHUB_MAX_EDGES: usize = 500;
pub const GITHUB_MAX_TEXT: usize = 50_000;
use crate::diagnostic::Severity;

/// A label's text, with everything but plain characters as entity codes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, ' ' | '_' | '-' | '.' | ',' | ':' | '(' | ')' | '/')
        {
            out.push(c);
        } else if crate::escape::is_unsafe(c) {
            out.push_str("#65533;");
        } else {
            let _ = write!(out, "#{};", c as u32);
        }
    }
    out
}

fn label(lines: &[String]) -> String {
    let mut parts: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    if let Some(first) = parts.first_mut() {
        *first = format!("<b>{first}</b>");
    }
    parts.join("<br/>")
}

pub fn render(picture: &Picture) -> String {
    let mut out = String::from("flowchart TB\n");
    // Boxes and frames, each frame's content inside its `subgraph`.
    let (children, boxes) = picture.frame_contents();
    write_frame(picture, 0, 1, &children, &boxes, &mut out);
    if let Some(caption) = picture.unplaced_caption() {
        let _ = writeln!(out, "    unplaced[\"{}\"]", escape(&caption));
    }
    for &(a, b) in &picture.edges {
        let _ = writeln!(out, "    n{a} --> n{b}");
    }
    let mut classes = String::new();
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let marked: Vec<String> = picture
            .boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| b.severity() == Some(sev))
            .map(|(i, _)| format!("n{i}"))
            .collect();
        let frames: Vec<String> = picture
            .clusters
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, c)| c.marks.iter().map(|m| m.severity).max() == Some(sev))
            .map(|(i, _)| format!("c{i}"))
            .collect();
        let unplaced = (picture.unplaced_severity() == Some(sev)).then(|| "unplaced".to_string());
        let frames: Vec<String> = frames.into_iter().chain(unplaced).collect();
        if marked.is_empty() && frames.is_empty() {
            continue;
        }
        let (fill, stroke) = colours(Some(sev));
        let _ = writeln!(
            classes,
            "    classDef {} fill:{fill},stroke:{stroke},stroke-width:3px",
            sev.as_str()
        );
        let all: Vec<String> = marked.into_iter().chain(frames).collect();
        let _ = writeln!(classes, "    class {} {}", all.join(","), sev.as_str());
    }
    out.push_str(&classes);
    out
}

fn write_frame(
    picture: &Picture,
    frame: usize,
    depth: usize,
    children: &[Vec<usize>],
    boxes: &[Vec<usize>],
    out: &mut String,
) {
    let indent = "    ".repeat(depth);
    for &i in &boxes[frame] {
        let _ = writeln!(
            out,
            "{indent}n{i}[\"{}\"]",
            label(&picture.boxes[i].lines())
        );
    }
    for &c in &children[frame] {
        let cluster = &picture.clusters[c];
        let mut title = vec![cluster.label.clone()];
        let codes: Vec<&str> = cluster.marks.iter().map(|m| m.code).collect();
        if !codes.is_empty() {
            title.push(codes.join(" "));
        }
        let title: Vec<String> = title.iter().map(|l| escape(l)).collect();
        let _ = writeln!(out, "{indent}subgraph c{c}[\"{}\"]", title.join(" "));
        let _ = writeln!(out, "{indent}    direction TB");
        write_frame(picture, c, depth + 1, children, boxes, out);
        let _ = writeln!(out, "{indent}end");
    }
}
