//! The picture as a standalone SVG document (laid out by [`super::layout`]).
//!
//! Colours are presentation attributes, not a style sheet, so the picture
//! looks the same in a browser, an `<img>` on GitHub and an editor. Each
//! box is a `<g class="node">` with `data-layer` (the layer's index in the
//! IR), `data-codes` and `data-severity`, which the HTML report uses.

use std::fmt::Write;

use super::layout::{self, clip, Geometry, Path, Rect, FONT_SIZE, HEADER, LINE_HEIGHT, PAD};
use super::{colours, Node, Picture};

pub const NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// Text for XML content and attribute values: markup characters as
/// entities; the characters [`crate::escape`] never writes raw (controls,
/// which XML forbids too, line separators, bidirectional controls) as
/// visible Rust escapes (`\n`, `\u{202e}`), as on a terminal; and the second
/// `#` of `##` as `&#35;`, so that no output line holds a legacy workflow
/// command (`##[error]`) when it is printed in a CI log.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = None;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '#' if prev == Some('#') => out.push_str("&#35;"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if crate::escape::is_unsafe(c) || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// Lines of text for a tooltip (`<title>`): each escaped, joined by line breaks.
pub fn xml_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| xml_escape(l))
        .collect::<Vec<_>>()
        .join("&#10;")
}

/// The SVG document of a picture. `id` prefixes every `id` attribute, so
/// that several pictures can share one HTML page.
pub fn render(picture: &Picture, id: &str) -> String {
    let geometry = layout::layout(picture);
    render_with(picture, &geometry, id)
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn point(p: (f64, f64)) -> String {
    format!("{} {}", num(p.0), num(p.1))
}

fn path_data(p: &Path) -> String {
    let mut d = format!("M{}", point(p.start));
    for [c1, c2, end] in &p.segments {
        let _ = write!(d, " C{} {} {}", point(*c1), point(*c2), point(*end));
    }
    d
}

pub fn render_with(picture: &Picture, g: &Geometry, id: &str) -> String {
    let id = xml_escape(id);
    let caption = picture.unplaced_caption();
    let height = g.height
        + if caption.is_some() {
            LINE_HEIGHT + 4.0
        } else {
            0.0
        };
    let (w, h) = (num(g.width), num(height));
    let mut out = String::with_capacity(512 + picture.boxes.len() * 400);
    let _ = writeln!(
        out,
        r#"<svg xmlns="{NAMESPACE}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="{}" role="img" class="actlint-graph">"#,
        num(FONT_SIZE)
    );
    let _ = writeln!(out, "<title>{}</title>", xml_escape(&picture.title));
    let _ = writeln!(
        out,
        r##"<defs><marker id="{id}arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#5f6b7a"/></marker></defs>"##
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#fafbfc"/>"##
    );
    frames(&mut out, picture, g, &id);
    edges(&mut out, picture, g, &id);
    for (i, node) in picture.boxes.iter().enumerate() {
        layer_box(&mut out, i, node, g.boxes[i], &id);
    }
    if let Some(text) = &caption {
        let (_, stroke) = colours(picture.unplaced_severity());
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" fill="{stroke}" font-weight="bold" class="unplaced">{}</text>"#,
            num(PAD),
            num(height - 8.0),
            xml_escape(text)
        );
    }
    if picture.boxes.is_empty() {
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" fill="#57606a">(no layers)</text>"##,
            num(PAD + 4.0),
            num(PAD + LINE_HEIGHT)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The frames of nested models, outer ones first.
fn frames(out: &mut String, picture: &Picture, g: &Geometry, id: &str) {
    for (i, c) in picture.clusters.iter().enumerate().skip(1) {
        let r = g.clusters[i];
        let sev = c.marks.iter().map(|m| m.severity).max();
        let (_, stroke) = colours(sev);
        let codes: Vec<&str> = c.marks.iter().map(|m| m.code).collect();
        let _ = write!(
            out,
            r##"<g class="cluster" id="{id}c{i}" data-cluster="{i}""##
        );
        if let Some(l) = c.layer {
            let _ = write!(out, r#" data-layer="{l}""#);
        }
        if !codes.is_empty() {
            let _ = write!(
                out,
                r#" data-codes="{}" data-severity="{}""#,
                codes.join(" "),
                sev.map_or("", |s| s.as_str())
            );
        }
        let _ = writeln!(
            out,
            r##"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#f0f3f7" fill-opacity="0.6" stroke="{stroke}" stroke-dasharray="5 3"/><text x="{}" y="{}" fill="#3b4452" font-weight="bold">{}</text></g>"##,
            xml_escape(&c.label),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(r.x + PAD),
            num(r.y + HEADER - 8.0),
            xml_escape(&clip(&c.label)),
        );
    }
}

/// The edges, each an arrow from its layer's box to the next.
fn edges(out: &mut String, picture: &Picture, g: &Geometry, id: &str) {
    out.push_str("<g class=\"edges\" fill=\"none\" stroke=\"#5f6b7a\" stroke-width=\"1.3\">\n");
    for (e, &(a, b)) in picture.edges.iter().enumerate() {
        let p = &g.edges[e];
        if p.segments.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            r#"<path d="{}" data-from="{a}" data-to="{b}" marker-end="url(#{id}arrow)"/>"#,
            path_data(p)
        );
    }
    out.push_str("</g>\n");
}

/// One layer's box (`node`, the `i`th, at `r`): its lines, coloured by its
/// most severe finding, and the codes of its findings.
fn layer_box(out: &mut String, i: usize, node: &Node, r: Rect, id: &str) {
    let sev = node.severity();
    let (fill, stroke) = colours(sev);
    let lines = node.lines();
    let _ = write!(
        out,
        r#"<g class="node" id="{id}n{i}" data-node="{i}" data-layer="{}""#,
        node.layer
    );
    if let Some(s) = sev {
        let _ = write!(
            out,
            r#" data-codes="{}" data-severity="{}""#,
            node.codes().join(" "),
            s.as_str()
        );
    }
    let _ = write!(out, "><title>{}</title>", xml_lines(&lines));
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{fill}" stroke="{stroke}" stroke-width="{}"/>"#,
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h),
        if sev.is_some() { "2.5" } else { "1" },
    );
    let cx = r.x + r.w / 2.0;
    let top = r.y + PAD / 2.0 + LINE_HEIGHT - 4.0;
    let has_name = node.name.is_some();
    let has_codes = sev.is_some();
    for (k, line) in lines.iter().enumerate() {
        let style = if k == 0 {
            r##" font-weight="bold" fill="#1b1f24""##.to_string()
        } else if has_codes && k == lines.len() - 1 {
            format!(r#" font-weight="bold" fill="{stroke}" class="codes""#)
        } else if k == 1 && has_name {
            r##" fill="#3b4452""##.to_string()
        } else {
            r##" fill="#57606a""##.to_string()
        };
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle"{style}>{}</text>"#,
            num(cx),
            num(top + k as f64 * LINE_HEIGHT),
            xml_escape(&clip(line))
        );
    }
    out.push_str("</g>\n");
}
