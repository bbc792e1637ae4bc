//! The YAML/JSON text editor: a [`FixPlan`]'s [`Change`]s, stated against
//! the tree, become byte [`Edit`]s against the text.
//!
//! Rules see only the IR, never the text, so they state a fix as a plan:
//! "replace this string value with `sigmoid`", "insert
//! `kernel_initializer: he_normal` into this mapping". Right after the rules
//! ran, [`resolve`] turns each plan into edits: it keeps the quoting of the
//! value it replaces (a YAML `"softmax"` stays double-quoted, a JSON string
//! stays a JSON string), and an inserted key follows the mapping's style
//! (YAML block indentation, YAML flow or JSON, one line or pretty-printed).
//! A plan that cannot be resolved safely (a YAML block scalar, an alias,
//! text that is not what the IR says) gives no fix at all.
//!
//! Python source is edited at the call's arguments ([`python_change`]); a
//! notebook's plan is resolved as Python against the code of its cells,
//! and each edit is written back into the JSON string of its cell
//! ([`crate::tree::notebook::Code::notebook_edit`]).

use super::notebook::{self, Code};
use super::Limits;
use crate::diagnostic::{Change, Diagnostic, Edit, Fix, FixPlan, NewValue};
use crate::source::{Span, Syntax};

/// Resolves every diagnostic's plan against the text it was found in
/// (called by the linter right after the rules ran).
pub fn resolve_all(text: &str, syntax: Syntax, diagnostics: &mut [Diagnostic]) {
    // A notebook's cells are decoded once, for all its plans.
    let mut cells: Option<Option<Code>> = None;
    for d in diagnostics {
        let Some(plan) = d.fix_plan.take() else {
            continue;
        };
        d.fix = if syntax == Syntax::Notebook {
            cells
                .get_or_insert_with(|| notebook::code(text, Limits::default()).ok())
                .as_ref()
                .and_then(|code| resolve_in_notebook(text, code, &plan))
        } else {
            resolve(text, syntax, &plan)
        };
    }
}

/// The byte edits of a plan, sorted; `None` when a change cannot be made
/// safely in this text or the changes overlap.
pub fn resolve(text: &str, syntax: Syntax, plan: &FixPlan) -> Option<Fix> {
    if syntax == Syntax::Notebook {
        let code = notebook::code(text, Limits::default()).ok()?;
        return resolve_in_notebook(text, &code, plan);
    }
    let edits = plan
        .changes
        .iter()
        .map(|change| resolve_change(text, syntax, change))
        .collect::<Option<Vec<Edit>>>()?;
    fix_of(plan, edits)
}

/// A notebook's plan: each change is made to the code of the cells as
/// Python, then written back into the JSON string of its cell (escaped;
/// see [`Code::notebook_edit`]). The rest of the notebook is not touched.
fn resolve_in_notebook(text: &str, code: &Code, plan: &FixPlan) -> Option<Fix> {
    let edits = plan
        .changes
        .iter()
        .map(|change| {
            let edit = python_change(&code.text, &in_code(change, code)?)?;
            code.notebook_edit(text, &edit)
        })
        .collect::<Option<Vec<Edit>>>()?;
    fix_of(plan, edits)
}

/// A change stated against the notebook text, stated against its code.
fn in_code(change: &Change, code: &Code) -> Option<Change> {
    let span = |s: &Span| code.code_span(*s);
    Some(match change {
        Change::ReplaceString { span: s, value } => Change::ReplaceString {
            span: span(s)?,
            value: value.clone(),
        },
        Change::ReplaceBool { span: s, value } => Change::ReplaceBool {
            span: span(s)?,
            value: *value,
        },
        Change::ReplaceNumber { span: s, text } => Change::ReplaceNumber {
            span: span(s)?,
            text: text.clone(),
        },
        Change::ReplaceValue { span: s, value } => Change::ReplaceValue {
            span: span(s)?,
            value: value.clone(),
        },
        Change::InsertEntry {
            map,
            last,
            key,
            value,
        } => Change::InsertEntry {
            map: span(map)?,
            last: match last {
                Some((k, v)) => Some((span(k)?, span(v)?)),
                None => None,
            },
            key: key.clone(),
            value: value.clone(),
        },
        // Python never removes an item (see `python_change`).
        Change::RemoveItem { .. } => return None,
    })
}

/// The fix of a plan from its edits: sorted, and `None` when there are none
/// or two of them overlap.
fn fix_of(plan: &FixPlan, mut edits: Vec<Edit>) -> Option<Fix> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    if edits.windows(2).any(|w| overlaps(w[0].span, w[1].span)) || edits.is_empty() {
        return None;
    }
    Some(Fix {
        message: plan.message.clone(),
        applicability: plan.applicability,
        edits,
    })
}

/// Whether two edits touch the same bytes (two insertions at one place
/// count: their order would be arbitrary).
pub fn overlaps(a: Span, b: Span) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

fn slice(text: &str, span: Span) -> Option<&str> {
    text.get(span.start..span.end)
}

fn edit(span: Span, replacement: String) -> Option<Edit> {
    Some(Edit { span, replacement })
}

fn resolve_change(text: &str, syntax: Syntax, change: &Change) -> Option<Edit> {
    if syntax == Syntax::Python {
        return python_change(text, change);
    }
    match change {
        Change::ReplaceString { span, value } => replace_string(text, syntax, *span, value),
        Change::ReplaceBool { span, value } => replace_bool(text, syntax, *span, *value),
        Change::ReplaceNumber { span, text: new } => {
            let old = slice(text, *span)?;
            (numeric(old) && numeric(new)).then(|| Edit {
                span: *span,
                replacement: new.clone(),
            })
        }
        Change::ReplaceValue { span, value } => {
            let old = slice(text, *span)?;
            if old.is_empty() || matches!(old.as_bytes()[0], b'&' | b'!' | b'*' | b'|' | b'>') {
                return None;
            }
            edit(*span, value_text(syntax, value))
        }
        Change::InsertEntry {
            map,
            last,
            key,
            value,
        } => insert_entry(text, syntax, *map, *last, key, value),
        Change::RemoveItem { item, prev, next } => remove_item(text, *item, *prev, *next),
    }
}

/// A string scalar replaced, keeping its quoting (block scalars, anchors,
/// tags and aliases are left alone).
fn replace_string(text: &str, syntax: Syntax, span: Span, value: &str) -> Option<Edit> {
    let span = quoted_span(text, span)?;
    let old = slice(text, span)?;
    let replacement = match old.as_bytes().first()? {
        b'"' if old.len() >= 2 && old.ends_with('"') => json_string(value),
        b'\'' if old.len() >= 2 && old.ends_with('\'') && syntax == Syntax::Yaml => {
            format!("'{}'", value.replace('\'', "''"))
        }
        b'|' | b'>' | b'&' | b'!' | b'*' | b'"' | b'\'' => return None,
        _ if syntax == Syntax::Yaml && !old.contains('\n') => scalar(syntax, value),
        _ => return None,
    };
    edit(span, replacement)
}

/// A boolean replaced, keeping its case (`True` stays capitalized in YAML).
fn replace_bool(text: &str, syntax: Syntax, span: Span, value: bool) -> Option<Edit> {
    let old = slice(text, span)?;
    let new = if value { "true" } else { "false" };
    let replacement = match old {
        "true" | "false" => new.to_string(),
        "True" | "False" if syntax == Syntax::Yaml => {
            let mut s = new.to_string();
            s[..1].make_ascii_uppercase();
            s
        }
        "TRUE" | "FALSE" if syntax == Syntax::Yaml => new.to_ascii_uppercase(),
        _ => return None,
    };
    edit(span, replacement)
}

/// Whether a text is a plain number (digits, sign, point, exponent).
fn numeric(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
}

/// A change to Python source: a literal argument replaced by another
/// literal (keeping its quotes), or a keyword argument added before the
/// call's closing parenthesis (keeping its layout). Anything else (a value
/// read through a name, removing a layer) is not edited.
fn python_change(text: &str, change: &Change) -> Option<Edit> {
    match change {
        Change::ReplaceString { span, value } => python_replace_string(text, *span, value),
        Change::ReplaceBool { span, value } => {
            let old = slice(text, *span)?;
            matches!(old, "True" | "False").then(|| Edit {
                span: *span,
                replacement: if *value { "True" } else { "False" }.to_string(),
            })
        }
        Change::ReplaceNumber { span, text: new } => {
            let old = slice(text, *span)?;
            (numeric(old) && numeric(new)).then(|| Edit {
                span: *span,
                replacement: new.clone(),
            })
        }
        Change::ReplaceValue { span, value } => {
            let old = slice(text, *span)?;
            let literal = python_quote(old).is_some()
                || matches!(old, "True" | "False" | "None")
                || old.parse::<f64>().is_ok();
            if !literal {
                return None;
            }
            edit(*span, python_value(value)?)
        }
        Change::InsertEntry {
            map, key, value, ..
        } => python_insert_argument(text, *map, key, value),
        Change::RemoveItem { .. } => None,
    }
}

/// A string argument replaced keeping its quotes; a class reached through
/// its module (`initializers.GlorotUniform`) becomes another class of that
/// module.
fn python_replace_string(text: &str, span: Span, value: &str) -> Option<Edit> {
    let old = slice(text, span)?;
    let through_module = span.start > 0 && text.as_bytes()[span.start - 1] == b'.';
    if through_module && is_identifier(old) && is_identifier(value) {
        return edit(span, value.to_string());
    }
    let quote = python_quote(old)?;
    edit(span, python_string(value, quote)?)
}

/// `key=value` added before the closing parenthesis of the call whose
/// arguments (parentheses included) are `args`: on a line of its own when
/// the call is written one argument per line with a trailing comma.
fn python_insert_argument(text: &str, args: Span, key: &str, value: &NewValue) -> Option<Edit> {
    let written = slice(text, args)?;
    if !written.starts_with('(') || !written.ends_with(')') || !is_identifier(key) {
        return None;
    }
    let argument = format!("{key}={}", python_value(value)?);
    let close = args.end - 1;
    let inner = &text[args.start + 1..close];
    let body = inner.trim_end();
    if body.is_empty() {
        return edit(Span::empty(args.start + 1), argument);
    }
    let after_body = args.start + 1 + body.len();
    match body.strip_suffix(',') {
        // One argument per line, with a trailing comma: a new line with the
        // same indentation.
        Some(_) if inner[body.len()..].contains('\n') => {
            let line_start = text[..after_body].rfind('\n').map_or(0, |i| i + 1);
            let indent: String = text[line_start..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let nl = line_break(text);
            edit(Span::empty(after_body), format!("{nl}{indent}{argument},"))
        }
        Some(_) => edit(Span::empty(after_body), format!(" {argument}")),
        None => edit(Span::empty(after_body), format!(", {argument}")),
    }
}

/// The quote of a simple Python string literal (no prefix, no escapes, on
/// one line), or `None`.
fn python_quote(old: &str) -> Option<char> {
    let quote = old.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = old.strip_prefix(quote)?.strip_suffix(quote)?;
    (old.len() >= 2 && !inner.contains([quote, '\\', '\n'])).then_some(quote)
}

/// `value` as a Python string literal with `quote`, when it needs no escapes.
fn python_string(value: &str, quote: char) -> Option<String> {
    (!value.contains([quote, '\\', '\n', '\r'])).then(|| format!("{quote}{value}{quote}"))
}

/// A new value as Python: a string, a JSON scalar (`true` -> `True`), or a
/// serialized Keras object without arguments as its name
/// (`{"class_name": "HeNormal", "config": {"seed": null}}` -> `"he_normal"`).
fn python_value(value: &NewValue) -> Option<String> {
    match value {
        NewValue::String(s) => python_string(s, '"'),
        NewValue::Json(j) => match j.as_str() {
            "true" => Some("True".into()),
            "false" => Some("False".into()),
            "null" => Some("None".into()),
            n if n.parse::<f64>().is_ok() => Some(n.to_string()),
            s => match serde_json::from_str::<serde_json::Value>(s).ok()? {
                serde_json::Value::String(parsed) => python_string(&parsed, '"'),
                serde_json::Value::Object(o) => {
                    let class = o.get("class_name")?.as_str()?;
                    let bare = o
                        .get("config")
                        .and_then(|c| c.as_object())
                        .is_none_or(|c| c.values().all(serde_json::Value::is_null));
                    (bare && is_identifier(class))
                        .then(|| python_string(&snake_case(class), '"'))
                        .flatten()
                }
                _ => None,
            },
        },
    }
}

/// `HeNormal` -> `he_normal`: the name Keras also accepts for a class.
fn snake_case(class: &str) -> String {
    let mut out = String::with_capacity(class.len() + 2);
    for (i, c) in class.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn is_identifier(key: &str) -> bool {
    key.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A scalar's span, ending at the closing quote of a quoted scalar: the
/// YAML parser's span of a quoted scalar can run on over the spaces and a
/// comment after it. `None` when something other than those follows.
fn quoted_span(text: &str, span: Span) -> Option<Span> {
    let old = slice(text, span)?;
    let bytes = old.as_bytes();
    let close = match bytes.first() {
        Some(b'"') => {
            let mut i = 1;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => break i,
                    _ => i += 1,
                }
            }
        }
        Some(b'\'') => {
            let mut i = 1;
            loop {
                match bytes.get(i)? {
                    b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    b'\'' => break i,
                    _ => i += 1,
                }
            }
        }
        _ => return Some(span),
    };
    let rest = old[close + 1..].trim_start_matches([' ', '\t']);
    (rest.is_empty() || rest.starts_with('#'))
        .then_some(Span::new(span.start, span.start + close + 1))
}

/// A JSON string literal (also a YAML double-quoted scalar).
fn json_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

/// A string as a scalar of this syntax: plain in YAML when it reads back as
/// the same string.
fn scalar(syntax: Syntax, value: &str) -> String {
    if syntax == Syntax::Yaml && plain_safe(value) {
        value.to_string()
    } else {
        json_string(value)
    }
}

/// Whether a YAML plain scalar with this text is the string itself: an
/// identifier-like name that the core schema does not read as null, a
/// boolean or a number.
fn plain_safe(value: &str) -> bool {
    let mut bytes = value.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    first_ok
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'>'))
        && !matches!(
            value,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
}

fn value_text(syntax: Syntax, value: &NewValue) -> String {
    match value {
        NewValue::String(s) => scalar(syntax, s),
        NewValue::Json(j) => j.clone(),
    }
}

/// The line break the text uses after `at` (`\r\n` or `\n`).
fn line_break(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

fn insert_entry(
    text: &str,
    syntax: Syntax,
    map: Span,
    last: Option<(Span, Span)>,
    key: &str,
    value: &NewValue,
) -> Option<Edit> {
    let body = slice(text, map)?;
    let value = value_text(syntax, value);
    let key_text = match syntax {
        Syntax::Json => json_string(key),
        Syntax::Yaml if plain_safe(key) => key.to_string(),
        Syntax::Yaml | Syntax::Python | Syntax::Notebook => json_string(key),
    };
    let entry = Entry {
        key: &key_text,
        value: &value,
    };
    if let Some(inner) = body.strip_prefix('{') {
        return insert_in_braces(text, map, inner, last, &entry);
    }
    if syntax != Syntax::Yaml {
        return None;
    }
    insert_in_block(text, last?, &entry)
}

/// The key and value of an entry to insert, as the syntax writes them.
struct Entry<'a> {
    key: &'a str,
    value: &'a str,
}

/// A JSON object or YAML flow mapping (`inner`: its text after the `{`):
/// the entry after the last one, separated as that one is from the entry
/// before it (one line, or pretty-printed).
fn insert_in_braces(
    text: &str,
    map: Span,
    inner: &str,
    last: Option<(Span, Span)>,
    entry: &Entry<'_>,
) -> Option<Edit> {
    let Entry { key, value } = entry;
    let Some((last_key, last_value)) = last else {
        // `{}`: the entry goes right after the brace.
        if !inner.trim_start().starts_with('}') {
            return None;
        }
        return edit(Span::empty(map.start + 1), format!("{key}: {value}"));
    };
    if last_key.start <= map.start || last_value.end >= map.end || last_key.end > last_value.start {
        return None;
    }
    // The separator between key and value, as the last entry writes it.
    let sep = text.get(last_key.end..last_value.start)?;
    let sep = if sep.trim() == ":" && !sep.contains('\n') {
        sep
    } else {
        ": "
    };
    // The space before the last key, back to its `,` or `{`: one line
    // (`, `) or pretty-printed (newline and indentation).
    let before = &text[map.start + 1..last_key.start];
    let lead_start = before.rfind([',', '{']).map_or(0, |i| i + 1);
    let lead = &before[lead_start..];
    if !lead.trim().is_empty() {
        return None;
    }
    edit(
        Span::empty(last_value.end),
        format!(",{lead}{key}{sep}{value}"),
    )
}

/// A YAML block mapping: a new line at the last key's indentation, after the
/// line the last value ends on (so a trailing comment stays put).
fn insert_in_block(text: &str, last: (Span, Span), entry: &Entry<'_>) -> Option<Edit> {
    let (last_key, last_value) = last;
    let line_start = text[..last_key.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = last_key.start - line_start;
    let prefix = &text[line_start..last_key.start];
    // Only spaces, or the `- ` of a sequence item that starts the mapping.
    if !prefix.bytes().all(|b| matches!(b, b' ' | b'-')) {
        return None;
    }
    let end = last_value.end.max(last_key.end);
    let (at, lead) = match text[end..].find('\n') {
        Some(i) => {
            let nl = end + i;
            if nl > end && text.as_bytes()[nl - 1] == b'\r' {
                (nl - 1, "\r\n")
            } else {
                (nl, "\n")
            }
        }
        None => (text.len(), line_break(text)),
    };
    edit(
        Span::empty(at),
        format!("{lead}{}{}: {}", " ".repeat(indent), entry.key, entry.value),
    )
}

/// The position of the `-` that introduces a block sequence item starting
/// at `start`, and the start of its line; `None` for flow and JSON items.
fn block_dash(text: &str, start: usize) -> Option<(usize, usize)> {
    let before = text[..start].trim_end_matches([' ', '\t', '\n', '\r']);
    if !before.ends_with('-') {
        return None;
    }
    let dash = before.len() - 1;
    let line_start = text[..dash].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..dash]
        .bytes()
        .all(|b| b == b' ')
        .then_some((dash, line_start))
}

/// Whether the text between two items is only white space, comments and a
/// single `sep`.
fn only_separator(between: &str, sep: Option<char>) -> bool {
    let mut seen = 0;
    for line in between.split('\n') {
        let code = match line.find('#') {
            Some(i) => &line[..i],
            None => line,
        };
        for c in code.chars() {
            if Some(c) == sep {
                seen += 1;
            } else if !c.is_whitespace() {
                return false;
            }
        }
    }
    seen == usize::from(sep.is_some())
}

fn remove_item(text: &str, item: Span, prev: Option<Span>, next: Option<Span>) -> Option<Edit> {
    slice(text, item)?;
    let remove = |start: usize, end: usize| {
        Some(Edit {
            span: Span::new(start, end),
            replacement: String::new(),
        })
    };
    if let Some((_, line_start)) = block_dash(text, item.start) {
        let end = match next {
            Some(next) => {
                let (_, next_line) = block_dash(text, next.start)?;
                if next_line < item.end || !only_separator(&text[item.end..next_line], None) {
                    return None;
                }
                next_line
            }
            None => {
                let prev = prev?;
                block_dash(text, prev.start)?;
                // To the end of the item's last line, its line break included.
                match text[item.end..].find('\n') {
                    Some(i)
                        if text[item.end..item.end + i].trim_start().is_empty()
                            || text[item.end..item.end + i].trim_start().starts_with('#') =>
                    {
                        item.end + i + 1
                    }
                    Some(_) => return None,
                    None => text.len(),
                }
            }
        };
        return remove(line_start, end);
    }
    // Flow sequences and JSON arrays: the item and one comma.
    if let Some(next) = next {
        if next.start < item.end || !only_separator(text.get(item.end..next.start)?, Some(',')) {
            return None;
        }
        return remove(item.start, next.start);
    }
    let prev = prev?;
    if item.start < prev.end || !only_separator(text.get(prev.end..item.start)?, Some(',')) {
        return None;
    }
    remove(prev.end, item.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str, syntax: Syntax, change: Change) -> Option<String> {
        let plan = FixPlan::safe("t", vec![change]);
        let f = resolve(text, syntax, &plan)?;
        // Back to front, so that earlier offsets stay valid.
        let mut out = text.to_string();
        for e in f.edits.iter().rev() {
            out.replace_range(e.span.start..e.span.end, &e.replacement);
        }
        Some(out)
    }

    fn span_of(text: &str, needle: &str) -> Span {
        let s = text.find(needle).unwrap();
        Span::new(s, s + needle.len())
    }

    #[test]
    fn strings_keep_their_quotes() {
        for (text, old, want) in [
            ("a: softmax\n", "softmax", "a: sigmoid\n"),
            ("a: \"softmax\"\n", "\"softmax\"", "a: \"sigmoid\"\n"),
            ("a: 'softmax'\n", "'softmax'", "a: 'sigmoid'\n"),
        ] {
            let c = Change::ReplaceString {
                span: span_of(text, old),
                value: "sigmoid".into(),
            };
            assert_eq!(fix(text, Syntax::Yaml, c).as_deref(), Some(want));
        }
        let text = r#"{"a": "softmax"}"#;
        let c = Change::ReplaceString {
            span: span_of(text, "\"softmax\""),
            value: "sigmoid".into(),
        };
        assert_eq!(
            fix(text, Syntax::Json, c).as_deref(),
            Some(r#"{"a": "sigmoid"}"#)
        );
        // A block scalar is left alone.
        let text = "a: |\n  softmax\n";
        let c = Change::ReplaceString {
            span: Span::new(3, text.len() - 1),
            value: "sigmoid".into(),
        };
        assert_eq!(fix(text, Syntax::Yaml, c), None);
    }

    #[test]
    fn booleans_keep_their_case() {
        let text = "from_logits: True\n";
        let c = Change::ReplaceBool {
            span: span_of(text, "True"),
            value: false,
        };
        assert_eq!(
            fix(text, Syntax::Yaml, c).as_deref(),
            Some("from_logits: False\n")
        );
    }

    #[test]
    fn inserted_entries_follow_the_mapping_style() {
        let ins =
            |text: &str, syntax: Syntax, last_key: &str, last_value: &str, value: NewValue| {
                let map = match text.find('{') {
                    Some(s)
                        if text.trim_start().starts_with('{')
                            || text.contains(": {")
                            || text.contains("- {") =>
                    {
                        Span::new(s, text.rfind('}').unwrap() + 1)
                    }
                    _ => Span::new(text.find("type").unwrap(), span_of(text, last_value).end),
                };
                let c = Change::InsertEntry {
                    map,
                    last: Some((span_of(text, last_key), span_of(text, last_value))),
                    key: "kernel_initializer".into(),
                    value,
                };
                fix(text, syntax, c)
            };
        let he = || NewValue::String("he_normal".into());
        assert_eq!(
            ins(
                "layers:\n  - type: Dense\n    units: 4  # four\nloss: mse\n",
                Syntax::Yaml,
                "units",
                "4",
                he()
            )
            .as_deref(),
            Some("layers:\n  - type: Dense\n    units: 4  # four\n    kernel_initializer: he_normal\nloss: mse\n")
        );
        assert_eq!(
            ins(
                "layers:\n  - {type: Dense, units: 4}\n",
                Syntax::Yaml,
                "units",
                "4",
                he()
            )
            .as_deref(),
            Some("layers:\n  - {type: Dense, units: 4, kernel_initializer: he_normal}\n")
        );
        assert_eq!(
            ins(
                r#"{"type": "Dense", "units": 4}"#,
                Syntax::Json,
                "\"units\"",
                "4",
                he()
            )
            .as_deref(),
            Some(r#"{"type": "Dense", "units": 4, "kernel_initializer": "he_normal"}"#)
        );
        assert_eq!(
            ins("{\n  \"type\": \"Dense\",\n  \"units\": 4\n}", Syntax::Json, "\"units\"", "4", he()).as_deref(),
            Some("{\n  \"type\": \"Dense\",\n  \"units\": 4,\n  \"kernel_initializer\": \"he_normal\"\n}")
        );
    }

    #[test]
    fn removed_items_take_their_separator() {
        let rm = |text: &str, syntax: Syntax, items: &[&str], i: usize| {
            let spans: Vec<Span> = items.iter().map(|s| span_of(text, s)).collect();
            let c = Change::RemoveItem {
                item: spans[i],
                prev: i.checked_sub(1).map(|p| spans[p]),
                next: spans.get(i + 1).copied(),
            };
            fix(text, syntax, c)
        };
        let block =
            "layers:\n  - type: A\n    x: 1\n  # note\n  - type: B\n  - type: C\nloss: mse\n";
        let items = ["type: A\n    x: 1", "type: B", "type: C"];
        assert_eq!(
            rm(block, Syntax::Yaml, &items, 1).as_deref(),
            Some("layers:\n  - type: A\n    x: 1\n  # note\n  - type: C\nloss: mse\n")
        );
        assert_eq!(
            rm(block, Syntax::Yaml, &items, 2).as_deref(),
            Some("layers:\n  - type: A\n    x: 1\n  # note\n  - type: B\nloss: mse\n")
        );
        let flow = r#"[{"a": 1}, {"b": 2}, {"c": 3}]"#;
        let items = [r#"{"a": 1}"#, r#"{"b": 2}"#, r#"{"c": 3}"#];
        assert_eq!(
            rm(flow, Syntax::Json, &items, 1).as_deref(),
            Some(r#"[{"a": 1}, {"c": 3}]"#)
        );
        assert_eq!(
            rm(flow, Syntax::Json, &items, 2).as_deref(),
            Some(r#"[{"a": 1}, {"b": 2}]"#)
        );
        assert_eq!(
            rm(flow, Syntax::Json, &items, 0).as_deref(),
            Some(r#"[{"b": 2}, {"c": 3}]"#)
        );
    }
}
