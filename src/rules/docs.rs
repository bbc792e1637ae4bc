//! Generated documentation: the rule table (`actlint rules`), and the full
//! rule reference (`docs/rules.md`, which opens with the same table), both
//! made from the rule metadata and the docs in `rules/`, so they cannot drift
//! from the code.

use super::{all_meta, RuleMeta};

fn enabled(meta: &RuleMeta) -> &'static str {
    if meta.default_enabled {
        "yes"
    } else {
        "no"
    }
}

/// One row per rule: code, name, category, default severity, enabled, fix, summary.
pub fn table_markdown() -> String {
    let mut out = String::from(
        "| Code | Name | Category | Severity | Enabled | Fix | Summary |\n|---|---|---|---|---|---|---|\n",
    );
    for m in all_meta() {
        out.push_str(&format!(
            "| [{code}](docs/rules.md#{anchor}) | `{name}` | {cat} | {sev} | {en} | {fix} | {summary} |\n",
            code = m.code,
            anchor = anchor(m),
            name = m.name,
            cat = m.category.as_str(),
            sev = m.severity.as_str(),
            en = enabled(m),
            fix = m.fix.as_str(),
            summary = m.summary,
        ));
    }
    out
}

/// The GitHub-style anchor of a rule's heading in `docs/rules.md`.
fn anchor(meta: &RuleMeta) -> String {
    format!("{}-{}", meta.code.to_ascii_lowercase(), meta.name)
}

/// `docs/rules.md`: the table, then every rule's doc with its headings
/// moved one level down.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# actlint rules\n\n\
         <!-- Generated from rules/*.md and the rule metadata by `actlint rules --format markdown --full`; do not edit by hand. -->\n\n",
    );
    out.push_str(&table_markdown().replace("(docs/rules.md#", "(#"));
    for m in all_meta() {
        out.push('\n');
        for line in m.doc.lines() {
            if line.starts_with('#') {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `actlint rules`: one aligned line per rule.
pub fn list_text() -> String {
    let metas = all_meta();
    let name_w = metas.iter().map(|m| m.name.len()).max().unwrap_or(4);
    let cat_w = metas
        .iter()
        .map(|m| m.category.as_str().len())
        .max()
        .unwrap_or(8);
    let mut out = format!(
        "{:<7} {:<name_w$} {:<cat_w$} {:<8} {:<7} {:<6} {}\n",
        "CODE", "NAME", "CATEGORY", "SEVERITY", "ENABLED", "FIX", "SUMMARY"
    );
    for m in metas {
        out.push_str(&format!(
            "{:<7} {:<name_w$} {:<cat_w$} {:<8} {:<7} {:<6} {}\n",
            m.code,
            m.name,
            m.category.as_str(),
            m.severity.as_str(),
            enabled(m),
            m.fix.as_str(),
            m.summary
        ));
    }
    out
}

/// `actlint rules --format json`: the same, for tools.
pub fn list_json() -> String {
    let rules: Vec<serde_json::Value> = all_meta()
        .into_iter()
        .map(|m| {
            serde_json::json!({
                "code": m.code,
                "name": m.name,
                "category": m.category.as_str(),
                "severity": m.severity.as_str(),
                "enabled_by_default": m.default_enabled,
                "fix": m.fix.as_str(),
                "summary": m.summary,
                "doc": format!("rules/{}-{}.md", m.code, m.name),
            })
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "rules": rules }))
            .expect("serializing plain data cannot fail");
    out.push('\n');
    out
}
