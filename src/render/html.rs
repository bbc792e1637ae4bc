//! The HTML report: one self-contained page for a run.
//!
//! A summary (files, findings by severity and by rule), then per file the
//! picture of its models ([`super::graph`]) with the marked layers, and its
//! findings with the source around each. Clicking a finding highlights its
//! layer in the picture, clicking a layer selects its findings; the picture
//! pans and zooms. The page loads nothing: its style and script are inline
//! and its Content-Security-Policy forbids every request. Every text from a
//! model file or a path is HTML-escaped; columns count characters.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::graph::{self, svg::xml_escape, Picture};
use super::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::Model;
use crate::lint::{FileReport, Status};
use crate::source::{clamp_boundary, LineIndex};

/// Above this many layers in a file, its nested models are drawn as one box each.
pub const COLLAPSE_ABOVE: usize = 400;

/// Characters of source shown on each side of a finding's span.
const CONTEXT: usize = 60;

/// HTML text and attribute values (the same escaping as XML, which HTML accepts).
fn esc(s: &str) -> String {
    xml_escape(s)
}

/// The whole page, each file drawn from the models its lint built
/// ([`FileReport::models`]); `threads` renders files in parallel.
pub fn render(reports: &[FileReport], threads: usize) -> String {
    let indexed: Vec<(usize, &FileReport)> = reports.iter().enumerate().collect();
    let sections =
        crate::run::pool::map_ordered(&indexed, threads, |&(i, r)| file_section(i, r, &r.models));
    let mut out = String::with_capacity(sections.iter().map(String::len).sum::<usize>() + 16_384);
    out.push_str(HEAD);
    summary(reports, &mut out);
    out.push_str("<main>\n");
    for s in &sections {
        out.push_str(s);
    }
    out.push_str("</main>\n");
    rule_docs(reports, &mut out);
    out.push_str("<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn summary(reports: &[FileReport], out: &mut String) {
    let s = Summary::of(reports);
    let _ = writeln!(
        out,
        "<header><h1>actlint report</h1><p class=\"summary-line\">{}</p>",
        esc(&s.line())
    );
    let _ = writeln!(
        out,
        "<table class=\"counts\"><tr><th>files</th><th>with findings</th><th>skipped</th><th>errors</th><th>warnings</th><th>infos</th></tr>\
         <tr><td>{}</td><td>{}</td><td>{}</td><td class=\"sev-error\">{}</td><td class=\"sev-warning\">{}</td><td class=\"sev-info\">{}</td></tr></table>",
        s.files, s.files_with_problems, s.skipped, s.errors, s.warnings, s.infos
    );
    // Findings by rule, most first.
    let mut by_rule: BTreeMap<&str, (&str, [usize; 3])> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = by_rule.entry(d.code).or_insert((d.name, [0; 3]));
        entry.1[d.severity as usize] += 1;
    }
    if !by_rule.is_empty() {
        let mut rows: Vec<_> = by_rule.into_iter().collect();
        rows.sort_by_key(|(code, (_, n))| (std::cmp::Reverse(n.iter().sum::<usize>()), *code));
        out.push_str("<table class=\"rules\"><tr><th>rule</th><th>name</th><th>findings</th><th>errors</th><th>warnings</th><th>infos</th></tr>\n");
        for (code, (name, n)) in rows {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code> <button type=\"button\" class=\"doc-button\" data-rule=\"{0}\">doc</button></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(code),
                esc(name),
                n.iter().sum::<usize>(),
                n[Severity::Error as usize],
                n[Severity::Warning as usize],
                n[Severity::Info as usize]
            );
        }
        out.push_str("</table>\n");
    }
    // The files, with their counts, as links to their sections.
    out.push_str("<nav><ul>\n");
    for (i, r) in reports.iter().enumerate() {
        let count = match &r.status {
            Status::Skipped { .. } => "skipped".to_string(),
            _ if r.diagnostics.is_empty() => "no findings".to_string(),
            _ => format!(
                "{} finding{}",
                r.diagnostics.len(),
                if r.diagnostics.len() == 1 { "" } else { "s" }
            ),
        };
        let _ = writeln!(
            out,
            "<li><a href=\"#f{i}\">{}</a> <span class=\"muted\">{count}</span></li>",
            esc(&r.path)
        );
    }
    out.push_str("</ul></nav>\n</header>\n");
}

/// Each rule that has findings: its documentation, shown on demand.
fn rule_docs(reports: &[FileReport], out: &mut String) {
    let mut codes: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let _ = writeln!(
        out,
        "<dialog id=\"doc-dialog\"><form method=\"dialog\"><button type=\"submit\" class=\"close\">close</button></form><pre id=\"doc-text\"></pre></dialog>"
    );
    for code in codes {
        if let Some(meta) = crate::rules::find(code) {
            let _ = writeln!(
                out,
                "<template id=\"doc-{}\">{}</template>",
                esc(code),
                esc_keep_lines(meta.doc)
            );
        }
    }
}

/// Escaped text that keeps its line breaks (for `<pre>`).
fn esc_keep_lines(s: &str) -> String {
    s.split('\n').map(esc).collect::<Vec<_>>().join("\n")
}

fn file_section(i: usize, report: &FileReport, models: &[Model]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section class=\"file\" id=\"f{i}\" data-path=\"{}\"><h2>{}</h2>",
        esc(&report.path),
        esc(&report.path)
    );
    if let Status::Skipped { reason } = &report.status {
        let _ = writeln!(
            out,
            "<p class=\"muted\">skipped: {}</p></section>",
            esc(reason)
        );
        return out;
    }
    let prefix = format!("f{i}-");
    let picture = (!models.is_empty()).then(|| {
        let layers: usize = models.iter().map(|m| m.layers.len()).sum();
        Picture::of_file(
            report,
            models,
            graph::Options {
                collapse_nested: layers > COLLAPSE_ABOVE,
                collapse_runs: layers > COLLAPSE_ABOVE,
            },
        )
    });
    let at = match &picture {
        Some(p) => places(p, &prefix, report.diagnostics.len()),
        None => vec![Vec::new(); report.diagnostics.len()],
    };
    match &picture {
        Some(p) => {
            let _ = writeln!(
                out,
                "<div class=\"graph\"><div class=\"toolbar\"><button type=\"button\" data-zoom=\"in\" title=\"zoom in\">+</button><button type=\"button\" data-zoom=\"out\" title=\"zoom out\">−</button><button type=\"button\" data-zoom=\"fit\" title=\"fit the width\">fit</button><span class=\"muted\">{} layers drawn · drag to pan, wheel to zoom · click a layer for its findings</span></div><div class=\"viewport\"><div class=\"canvas\">",
                p.boxes.len()
            );
            out.push_str(&graph::svg::render(p, &prefix));
            out.push_str("</div></div></div>\n");
        }
        None => out.push_str("<p class=\"muted\">no model to draw</p>\n"),
    }
    if report.diagnostics.is_empty() {
        out.push_str("<p class=\"clean\">no findings</p>\n");
    } else {
        let index = report.source.as_ref().map(|s| LineIndex::new(&s.text));
        out.push_str("<ol class=\"findings\">\n");
        for (k, d) in report.diagnostics.iter().enumerate() {
            finding(&mut out, &prefix, k, d, &at[k], index.as_ref());
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
    out
}

/// Where each of a file's `count` findings is drawn in picture `p`, as
/// element ids (`prefix` + box or frame): the box or frame of its layer
/// first, then the other layers it names.
fn places(p: &Picture, prefix: &str, count: usize) -> Vec<Vec<String>> {
    let mut at: Vec<Vec<String>> = vec![Vec::new(); count];
    let frames = p
        .clusters
        .iter()
        .enumerate()
        .map(|(c, f)| (format!("{prefix}c{c}"), &f.marks));
    let boxes = p
        .boxes
        .iter()
        .enumerate()
        .map(|(b, n)| (format!("{prefix}n{b}"), &n.marks));
    let mut placed: Vec<(usize, bool, String)> = Vec::new();
    for (id, marks) in boxes.chain(frames) {
        for m in marks.iter() {
            placed.push((m.diagnostic, m.primary, id.clone()));
        }
    }
    // Primary places first, then in drawing order.
    placed.sort_by_key(|(d, primary, _)| (*d, !*primary));
    for (d, _, id) in placed {
        if let Some(slot) = at.get_mut(d) {
            slot.push(id);
        }
    }
    at
}

fn finding(
    out: &mut String,
    prefix: &str,
    k: usize,
    d: &Diagnostic,
    nodes: &[String],
    index: Option<&LineIndex<'_>>,
) {
    let sev = d.severity.as_str();
    let _ = write!(
        out,
        "<li class=\"finding sev-{sev}\" id=\"{prefix}d{k}\" data-code=\"{}\" tabindex=\"0\"",
        esc(d.code)
    );
    if let Some(n) = nodes.first() {
        let _ = write!(out, " data-node=\"{n}\" data-nodes=\"{}\"", nodes.join(" "));
    }
    out.push('>');
    let place = match (&d.primary, index) {
        (Some(label), Some(ix)) => {
            let p = ix.position(label.span.start);
            format!("{}:{}", p.line, p.column)
        }
        _ => String::new(),
    };
    let _ = write!(
        out,
        "<div class=\"head\"><span class=\"sev\">{sev}</span> <code>{}</code> <span class=\"message\">{}</span> <span class=\"muted\">({}) {place}</span> <button type=\"button\" class=\"doc-button\" data-rule=\"{0}\">doc</button></div>",
        esc(d.code),
        esc(&d.message),
        esc(d.name),
    );
    if let (Some(label), Some(ix)) = (&d.primary, index) {
        let _ = write!(
            out,
            "<pre class=\"snippet\">{}</pre>",
            snippet(
                ix,
                label.span.start,
                label.span.end,
                label.message.as_deref()
            )
        );
    }
    if let Some(h) = &d.help {
        let _ = write!(out, "<div class=\"help\">help: {}</div>", esc(h));
    }
    out.push_str("</li>\n");
}

/// The source around a span, on its line: up to [`CONTEXT`] characters
/// each side, the span marked.
fn snippet(ix: &LineIndex<'_>, start: usize, end: usize, label: Option<&str>) -> String {
    let text = ix.text();
    let start = clamp_boundary(text, start.min(text.len()));
    let line = ix.line_of(start);
    let line_end = ix.line_end(line).min(text.len());
    let end = clamp_boundary(text, end.clamp(start, line_end));
    let line_start = ix.line_start(line).min(start);
    let before_all = &text[line_start..start];
    let skip = before_all.chars().count().saturating_sub(CONTEXT);
    let from = before_all
        .char_indices()
        .nth(skip)
        .map_or(start, |(o, _)| line_start + o);
    let after_all = &text[end..line_end];
    let to = after_all
        .char_indices()
        .nth(CONTEXT)
        .map_or(line_end, |(o, _)| end + o);
    let mut s = format!("<span class=\"line-no\">{:>5} │ </span>", line + 1);
    if from > line_start {
        s.push('…');
    }
    s.push_str(&esc(&text[from..start]));
    let _ = write!(s, "<mark>{}</mark>", esc(&text[start..end]));
    s.push_str(&esc(&text[end..to]));
    if to < line_end {
        s.push('…');
    }
    if let Some(l) = label {
        let _ = write!(s, "\n<span class=\"label\">{}</span>", esc(l));
    }
    s
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>actlint report</title>
<style>
:root { color-scheme: light; --error: #c62828; --warning: #b26a00; --info: #1f5fb4; --muted: #57606a; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1b1f24; background: #fff; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 22px; margin: 16px 0 4px; }
h2 { font-size: 16px; font-family: ui-monospace, Menlo, Consolas, monospace; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; word-break: break-all; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 2px 8px; text-align: left; }
.muted { color: var(--muted); }
.sev-error .sev, td.sev-error { color: var(--error); font-weight: bold; }
.sev-warning .sev, td.sev-warning { color: var(--warning); font-weight: bold; }
.sev-info .sev, td.sev-info { color: var(--info); font-weight: bold; }
nav ul { padding-left: 20px; margin: 4px 0 16px; }
section.file { margin: 24px 0 32px; }
.graph { border: 1px solid #d0d7de; border-radius: 6px; margin: 8px 0; }
.toolbar { padding: 4px 8px; border-bottom: 1px solid #d0d7de; background: #f6f8fa; display: flex; gap: 6px; align-items: center; }
.toolbar button { min-width: 28px; }
.viewport { height: 480px; overflow: hidden; position: relative; cursor: grab; background: #fafbfc; touch-action: none; }
.viewport.dragging { cursor: grabbing; }
.canvas { transform-origin: 0 0; position: absolute; left: 0; top: 0; }
.canvas svg { display: block; }
g.node { cursor: pointer; }
g.node text, g.cluster text { pointer-events: none; }
g.node.highlight rect, g.cluster.highlight rect { stroke: #6f42c1; stroke-width: 5px; }
g.node.highlight text { font-weight: bold; }
ol.findings { padding-left: 24px; }
li.finding { margin: 6px 0; padding: 6px 8px; border-left: 4px solid #d0d7de; border-radius: 4px; cursor: pointer; }
li.finding.sev-error { border-left-color: var(--error); }
li.finding.sev-warning { border-left-color: var(--warning); }
li.finding.sev-info { border-left-color: var(--info); }
li.finding.selected { background: #f3eefc; outline: 2px solid #6f42c1; }
pre.snippet { background: #f6f8fa; padding: 6px 8px; margin: 6px 0 0; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
pre.snippet mark { background: #ffe08a; }
.line-no { color: var(--muted); }
.label { color: var(--muted); }
.help { color: #1a7f37; margin-top: 4px; }
.clean { color: #1a7f37; }
dialog { max-width: 860px; width: 90vw; max-height: 80vh; }
dialog pre { white-space: pre-wrap; font-size: 13px; }
.doc-button { font-size: 11px; padding: 0 6px; }
</style>
</head>
<body>
"#;

const SCRIPT: &str = r#""use strict";
(function () {
  function setView(vp, s) {
    vp._view = s;
    vp.querySelector(".canvas").style.transform =
      "translate(" + s.x + "px," + s.y + "px) scale(" + s.k + ")";
  }
  function fit(vp) {
    var svg = vp.querySelector("svg");
    var w = svg.width.baseVal.value || 1;
    var k = Math.min(1, vp.clientWidth / w);
    setView(vp, { x: Math.max(0, (vp.clientWidth - w * k) / 2), y: 0, k: k });
  }
  function zoomAt(vp, factor, cx, cy) {
    var s = vp._view;
    var k = Math.min(4, Math.max(0.02, s.k * factor));
    var f = k / s.k;
    setView(vp, { x: cx - (cx - s.x) * f, y: cy - (cy - s.y) * f, k: k });
  }
  function centre(vp, el) {
    var b = el.getBBox();
    var s = vp._view;
    var k = Math.max(s.k, 0.6);
    setView(vp, {
      x: vp.clientWidth / 2 - (b.x + b.width / 2) * k,
      y: vp.clientHeight / 2 - (b.y + b.height / 2) * k,
      k: k
    });
  }
  function clear(section) {
    section.querySelectorAll(".highlight").forEach(function (e) { e.classList.remove("highlight"); });
    section.querySelectorAll("li.selected").forEach(function (e) { e.classList.remove("selected"); });
  }
  function selectFinding(li) {
    var section = li.closest("section");
    clear(section);
    li.classList.add("selected");
    var id = li.getAttribute("data-node");
    if (!id) { return; }
    (li.getAttribute("data-nodes") || "").split(" ").forEach(function (other) {
      var n = other && document.getElementById(other);
      if (n) { n.classList.add("highlight"); }
    });
    var node = document.getElementById(id);
    var vp = section.querySelector(".viewport");
    if (node && vp) { centre(vp, node); }
  }
  function selectNode(node) {
    var section = node.closest("section");
    clear(section);
    node.classList.add("highlight");
    var first = null;
    section.querySelectorAll("li.finding").forEach(function (li) {
      if ((li.getAttribute("data-nodes") || "").split(" ").indexOf(node.id) >= 0) {
        li.classList.add("selected");
        if (!first) { first = li; }
      }
    });
    if (first) { first.scrollIntoView({ block: "nearest" }); }
  }
  document.querySelectorAll(".viewport").forEach(function (vp) {
    fit(vp);
    var drag = null;
    vp.addEventListener("pointerdown", function (e) {
      drag = { x: e.clientX, y: e.clientY, v: vp._view, moved: false };
    });
    vp.addEventListener("pointermove", function (e) {
      if (!drag) { return; }
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
      if (!drag.moved) { vp.setPointerCapture(e.pointerId); vp.classList.add("dragging"); }
      drag.moved = true;
      setView(vp, { x: drag.v.x + dx, y: drag.v.y + dy, k: drag.v.k });
    });
    function end(e) {
      if (drag && drag.moved) {
        vp.classList.remove("dragging");
        if (vp.hasPointerCapture(e.pointerId)) { vp.releasePointerCapture(e.pointerId); }
      } else if (drag && e.type === "pointerup") {
        var node = e.target.closest ? e.target.closest("g.node, g.cluster") : null;
        if (node) { selectNode(node); }
      }
      drag = null;
    }
    vp.addEventListener("pointerup", end);
    vp.addEventListener("pointercancel", end);
    vp.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = vp.getBoundingClientRect();
      zoomAt(vp, e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
  });
  document.querySelectorAll(".toolbar button[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var vp = b.closest(".graph").querySelector(".viewport");
      var how = b.getAttribute("data-zoom");
      if (how === "fit") { fit(vp); }
      else { zoomAt(vp, how === "in" ? 1.25 : 0.8, vp.clientWidth / 2, vp.clientHeight / 2); }
    });
  });
  document.querySelectorAll("li.finding").forEach(function (li) {
    li.addEventListener("click", function (e) {
      if (e.target.closest("button")) { return; }
      selectFinding(li);
    });
    li.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectFinding(li); }
    });
  });
  var dialog = document.getElementById("doc-dialog");
  document.querySelectorAll(".doc-button").forEach(function (b) {
    b.addEventListener("click", function () {
      var t = document.getElementById("doc-" + b.getAttribute("data-rule"));
      if (!t || !dialog) { return; }
      document.getElementById("doc-text").textContent = t.content.textContent;
      dialog.showModal();
    });
  });
}());
"#;
