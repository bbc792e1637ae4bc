//! The picture in Graphviz's DOT language, for `dot -Tsvg` and friends.
//!
//! Every name is a double-quoted string with `\` and `"` escaped and line
//! breaks, control and bidirectional characters written as visible escapes
//! (`\u{1}`), so that no name can end a string or use a label escape such
//! as `\N`.

use std::fmt::Write;

use super::{colours, Picture};

/// A DOT double-quoted string's content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = None;
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            // As on a terminal (`crate::escape`): visible, and no `##[`.
            '#' if prev == Some('#') => out.push_str("\\\\u{23}"),
            c if crate::escape::is_unsafe(c) => {
                let _ = write!(out, "\\\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
        prev = Some(c);
    }
    out
}

fn label(lines: &[String]) -> String {
    // `\n` between lines is DOT's own line break (centred).
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("\\n")
}

pub fn render(picture: &Picture) -> String {
    let mut out = String::from("digraph model {\n");
    let mut title = escape(&picture.title);
    if let Some(caption) = picture.unplaced_caption() {
        title = format!("{title}\\n{}", escape(&caption));
    }
    let _ = writeln!(
        out,
        "    graph [rankdir=TB, fontname=\"monospace\", label=\"{title}\", labelloc=t];"
    );
    out.push_str(
        "    node [shape=box, style=\"rounded,filled\", fontname=\"monospace\", fontsize=11, fillcolor=\"#ffffff\", color=\"#5f6b7a\"];\n",
    );
    out.push_str("    edge [color=\"#5f6b7a\"];\n");
    let (children, boxes) = picture.frame_contents();
    write_frame(picture, 0, 1, &children, &boxes, &mut out);
    for &(a, b) in &picture.edges {
        let _ = writeln!(out, "    n{a} -> n{b};");
    }
    out.push_str("}\n");
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
        let node = &picture.boxes[i];
        let _ = write!(out, "{indent}n{i} [label=\"{}\"", label(&node.lines()));
        if let Some(sev) = node.severity() {
            let (fill, stroke) = colours(Some(sev));
            let _ = write!(
                out,
                ", fillcolor=\"{fill}\", color=\"{stroke}\", penwidth=2.5, tooltip=\"{} {}\"",
                sev.as_str(),
                node.codes().join(" ")
            );
        }
        out.push_str("];\n");
    }
    for &c in &children[frame] {
        let cluster = &picture.clusters[c];
        let mut title = cluster.label.clone();
        let codes: Vec<&str> = cluster.marks.iter().map(|m| m.code).collect();
        if !codes.is_empty() {
            title = format!("{title} {}", codes.join(" "));
        }
        let sev = cluster.marks.iter().map(|m| m.severity).max();
        let (_, stroke) = colours(sev);
        let _ = writeln!(out, "{indent}subgraph cluster_{c} {{");
        let _ = writeln!(
            out,
            "{indent}    label=\"{}\"; style=\"dashed,rounded\"; color=\"{stroke}\";",
            escape(&title)
        );
        write_frame(picture, c, depth + 1, children, boxes, out);
        let _ = writeln!(out, "{indent}}}");
    }
}
