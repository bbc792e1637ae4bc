//! Python source (`.py`) and notebooks (`.ipynb`): the models a file builds
//! with Keras, read without executing anything.
//!
//! The file is parsed with tree-sitter's Python grammar; [`eval`] follows
//! imports, names, constants and the Keras calls (`Sequential([...])`,
//! `model.add(...)`, the functional API, `model.compile(...)`); each model
//! is then lowered into the spanned Keras config tree a Keras 3 `to_json()`
//! has, with every span pointing into the Python text (the `"softmax"`
//! string of `Dense(1, activation="softmax")`), and [`super::keras`] builds
//! the IR from it. A value not known statically is
//! [`crate::tree::Value::Unknown`] in that tree.

pub mod eval;
pub mod names;
pub mod notebook;

use std::collections::{BTreeSet, HashMap, HashSet};

use eval::{entry, Ctx, Tensor, Val};

use crate::source::Span;
use crate::tree::{Node, SyntaxError, Value};

/// The models of a Python file as Keras config trees (one document per
/// model, with its `compile_config`), and why models that are not
/// reported were left out.
#[derive(Debug, Default)]
pub struct Lowered {
    pub docs: Vec<Node>,
    pub skipped: Vec<String>,
    /// Errors Python reports when it compiles the file that do not stop it
    /// being read (a positional argument after a keyword argument): each is
    /// reported, and the models are checked too.
    pub errors: Vec<SyntaxError>,
}

/// Parses Python source; a syntax error is the first error tree-sitter marks.
pub fn parse(text: &str) -> Result<tree_sitter::Tree, SyntaxError> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .map_err(|e| SyntaxError {
            message: format!("the Python grammar cannot be loaded: {e}"),
            span: Span::empty(0),
        })?;
    let tree = parser.parse(text, None).ok_or_else(|| SyntaxError {
        message: "the Python source could not be parsed".into(),
        span: Span::empty(0),
    })?;
    if tree.root_node().has_error() {
        return Err(
            unclosed_bracket(tree.root_node()).unwrap_or_else(|| first_error(tree.root_node()))
        );
    }
    Ok(tree)
}

/// A call with a positional argument after a keyword argument (`f(a=1, 2)`):
/// Python refuses it when it compiles the file, but the grammar accepts it.
fn positional_after_keyword(root: tree_sitter::Node<'_>) -> Option<SyntaxError> {
    let mut cursor = root.walk();
    let mut inner = root.walk();
    // A pre-order walk with the cursor: linear, no recursion.
    loop {
        let node = cursor.node();
        if node.kind() == "argument_list" {
            let mut keyword: Option<&str> = None;
            for arg in node.named_children(&mut inner) {
                match arg.kind() {
                    "keyword_argument" => keyword = keyword.or(Some("keyword argument")),
                    "dictionary_splat" => keyword = Some("keyword argument unpacking"),
                    "list_splat" | "comment" => {}
                    _ => {
                        if let Some(after) = keyword {
                            return Some(SyntaxError {
                                message: format!("positional argument follows {after}"),
                                span: Span::new(arg.start_byte(), arg.end_byte()),
                            });
                        }
                    }
                }
            }
        }
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return None;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

/// The first bracket that is never closed, as Python reports it: the
/// brackets of the tokens, matched in order (missing tokens tree-sitter
/// inserted do not close anything).
fn unclosed_bracket(root: tree_sitter::Node<'_>) -> Option<SyntaxError> {
    let mut stack: Vec<tree_sitter::Node<'_>> = Vec::new();
    let mut cursor = root.walk();
    let mut visited = 0usize;
    loop {
        let node = cursor.node();
        visited += 1;
        if visited > 10_000_000 {
            return None;
        }
        if node.child_count() == 0 && !node.is_missing() {
            match node.kind() {
                "(" | "[" | "{" => stack.push(node),
                ")" | "]" | "}" => {
                    let open = match node.kind() {
                        ")" => "(",
                        "]" => "[",
                        _ => "{",
                    };
                    match stack.pop() {
                        Some(o) if o.kind() == open => {}
                        // Mismatched brackets: not this kind of error.
                        _ => return None,
                    }
                }
                _ => {}
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                // Python names the innermost one.
                let open = stack.last()?;
                return Some(SyntaxError {
                    message: format!("`{}` is never closed", open.kind()),
                    span: Span::new(open.start_byte(), open.end_byte()),
                });
            }
        }
    }
}

fn first_error(root: tree_sitter::Node<'_>) -> SyntaxError {
    let mut cursor = root.walk();
    let mut node = root;
    // Descend into the first child that holds the error.
    loop {
        if node.is_missing() {
            return SyntaxError {
                message: format!("missing `{}`", node.kind()),
                span: Span::new(node.start_byte(), node.end_byte()),
            };
        }
        if node.is_error() {
            // The error node holds what could not be parsed; its last token
            // is where parsing stopped (the `(` that is never closed).
            let mut leaf = node;
            while let Some(last) = leaf.child(leaf.child_count().saturating_sub(1) as u32) {
                leaf = last;
            }
            return SyntaxError {
                message: "invalid syntax".into(),
                span: Span::new(leaf.start_byte(), leaf.end_byte()),
            };
        }
        let next = node
            .children(&mut cursor)
            .find(|c| c.has_error() || c.is_missing() || c.is_error());
        match next {
            Some(c) => node = c,
            None => {
                return SyntaxError {
                    message: "invalid syntax".into(),
                    span: Span::empty(node.start_byte()),
                }
            }
        }
    }
}

/// Reads the models a Python file builds.
pub fn lower(text: &str) -> Result<Lowered, SyntaxError> {
    let tree = parse(text)?;
    let mut ctx = Ctx::new(text);
    ctx.module(tree.root_node());
    let mut lowered = documents(&ctx, text);
    lowered
        .errors
        .extend(positional_after_keyword(tree.root_node()));
    Ok(lowered)
}

/// One document per model that was read fully.
fn documents(ctx: &Ctx<'_>, text: &str) -> Lowered {
    let mut out = Lowered::default();
    if ctx.exhausted {
        out.skipped.push(format!(
            "the file needs more than {} evaluation steps; the rest was not read",
            eval::MAX_STEPS
        ));
    }
    // A model used as a layer of another is checked as part of it (unless
    // it is compiled and trained on its own too).
    let mut nested: HashSet<usize> = ctx.layers.iter().filter_map(|l| l.nested).collect();
    for model in &ctx.models {
        nested.extend(model.layers.iter().filter_map(|v| match v {
            Val::Model(m) => Some(*m),
            _ => None,
        }));
    }
    for (id, model) in ctx.models.iter().enumerate() {
        if nested.contains(&id) && model.compile.is_none() {
            continue;
        }
        if let Some(why) = model.partial {
            out.skipped.push(format!(
                "the model built on line {} is not read: {why}",
                line_of(text, model.span.start)
            ));
            continue;
        }
        let doc = if model.functional {
            functional(ctx, model, 0)
        } else {
            sequential(ctx, model, 0)
        };
        match doc {
            Ok(doc) => out.docs.push(doc),
            Err(why) => out.skipped.push(format!(
                "the model built on line {} is not read: {why}",
                line_of(text, model.span.start)
            )),
        }
    }
    out
}

/// The 1-based line of a byte offset (of the code cells, for a notebook).
fn line_of(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn string(s: &str, span: Span) -> Node {
    Node::new(Value::String(s.into()), span)
}

/// The model entry, its compile settings beside it.
fn model_doc(model: &eval::ModelObj, class: &str, mut config: Vec<crate::tree::Entry>) -> Node {
    if let Some(name) = &model.name {
        config.insert(0, entry("name", name.span, name.clone()));
    }
    let span = model.span;
    let mut entries = vec![
        entry("module", span, string("keras", span)),
        entry(
            "class_name",
            model.class_span,
            string(class, model.class_span),
        ),
        entry("config", span, Node::new(Value::Object(config), span)),
    ];
    if let Some(compile) = &model.compile {
        entries.push(entry(
            "compile_config",
            span,
            Node::new(Value::Object(compile.clone()), span),
        ));
    }
    Node::new(Value::Object(entries), span)
}

/// Models nested in models deeper than this are opaque layers.
const MAX_NESTING: usize = 16;

/// The layer entry of a model used as a layer, named `name`.
fn nested_entry(ctx: &Ctx<'_>, m: usize, name: Option<(&str, Span)>, depth: usize) -> Node {
    let model = &ctx.models[m];
    let doc = match (depth >= MAX_NESTING, model.partial, model.functional) {
        (false, None, true) => functional(ctx, model, depth + 1),
        (false, None, false) => sequential(ctx, model, depth + 1),
        _ => Err("not read"),
    };
    let Ok(mut doc) = doc else {
        return opaque(ctx, &Val::Model(m));
    };
    if let Value::Object(entries) = &mut doc.value {
        entries.retain(|e| e.key != "compile_config");
        if let Some((n, s)) = name {
            if let Some(config) = entries.iter_mut().find(|e| e.key == "config") {
                if let Value::Object(c) = &mut config.value.value {
                    c.retain(|e| e.key != "name");
                    c.insert(0, entry("name", s, string(n, s)));
                }
            }
            entries.push(entry("name", s, string(n, s)));
        }
    }
    doc
}

fn sequential(ctx: &Ctx<'_>, model: &eval::ModelObj, depth: usize) -> Result<Node, &'static str> {
    if model.layers.is_empty() {
        return Err("it has no layers");
    }
    let layers: Vec<Node> = model
        .layers
        .iter()
        .map(|v| match v {
            Val::Layer(id) => ctx.layer_entry(*id, None),
            Val::Tensor(t) if ctx.layers[t.layer].class == "InputLayer" => {
                ctx.layer_entry(t.layer, None)
            }
            Val::Model(m) => nested_entry(ctx, *m, None, depth),
            other => opaque(ctx, other),
        })
        .collect();
    let span = model.span;
    Ok(model_doc(
        model,
        "Sequential",
        vec![entry("layers", span, Node::new(Value::Array(layers), span))],
    ))
}

/// A layer entry for something that is not known (a user's layer class, a
/// model used as a layer).
fn opaque(ctx: &Ctx<'_>, v: &Val) -> Node {
    let span = ctx.to_node(v, Span::default()).span;
    Node::new(
        Value::Object(vec![
            entry("module", span, string("__main__", span)),
            entry("class_name", span, string(crate::ir::read::NOT_KNOWN, span)),
            entry("config", span, Node::new(Value::Object(Vec::new()), span)),
        ]),
        span,
    )
}

fn tensors(
    v: &Val,
    out: &mut Vec<(Option<(String, Span)>, Tensor)>,
    key: Option<(String, Span)>,
) -> bool {
    match v {
        Val::Tensor(t) => {
            out.push((key, *t));
            true
        }
        Val::Seq(items, _) => items.iter().all(|i| tensors(i, out, None)),
        Val::Dict(entries, _) => entries
            .iter()
            .all(|(k, ks, i)| tensors(i, out, Some((k.to_string(), *ks)))),
        _ => false,
    }
}

fn functional(ctx: &Ctx<'_>, model: &eval::ModelObj, depth: usize) -> Result<Node, &'static str> {
    let mut outputs = Vec::new();
    let all_known = model
        .outputs
        .as_ref()
        .is_some_and(|o| tensors(o, &mut outputs, None));
    if !all_known || outputs.is_empty() {
        return Err("its outputs are not tensors built in the file");
    }
    let mut inputs = Vec::new();
    if let Some(i) = &model.inputs {
        tensors(i, &mut inputs, None);
    }
    // The layers the outputs depend on.
    let mut set: BTreeSet<usize> = BTreeSet::new();
    let mut stack: Vec<usize> = outputs.iter().map(|(_, t)| t.layer).collect();
    while let Some(l) = stack.pop() {
        if !set.insert(l) || set.len() > 100_000 {
            continue;
        }
        for call in &ctx.layers[l].calls {
            stack.extend(call.iter().map(|t| t.layer));
        }
    }
    // Names: the explicit ones, then Keras's automatic ones for the rest.
    let taken: HashSet<&str> = set
        .iter()
        .filter_map(|&l| ctx.layers[l].name.as_ref().map(|(n, _)| n.as_str()))
        .collect();
    let mut counters: HashMap<String, usize> = HashMap::new();
    let mut names: HashMap<usize, (String, Span)> = HashMap::new();
    for &l in &set {
        let layer = &ctx.layers[l];
        if let Some((n, s)) = &layer.name {
            names.insert(l, (n.clone(), *s));
            continue;
        }
        let stem = if layer.custom {
            "op".to_string()
        } else if layer.class == "InputLayer" {
            "input_layer".to_string()
        } else {
            names::snake(&layer.class)
        };
        let name = loop {
            let k = counters.entry(stem.clone()).or_insert(0);
            let candidate = if *k == 0 {
                stem.clone()
            } else {
                format!("{stem}_{k}")
            };
            *k += 1;
            if !taken.contains(candidate.as_str()) {
                break candidate;
            }
        };
        names.insert(l, (name, layer.class_span));
    }
    let history = |t: &Tensor, span: Span| -> Node {
        let (name, _) = &names[&t.layer];
        Node::new(
            Value::Object(vec![
                entry("class_name", span, string("__keras_tensor__", span)),
                entry(
                    "config",
                    span,
                    Node::new(
                        Value::Object(vec![entry(
                            "keras_history",
                            span,
                            Node::new(
                                Value::Array(vec![
                                    string(name, span),
                                    number(t.node, span),
                                    number(t.index, span),
                                ]),
                                span,
                            ),
                        )]),
                        span,
                    ),
                ),
            ]),
            span,
        )
    };
    let mut layers = Vec::new();
    for &l in &set {
        let layer = &ctx.layers[l];
        let (name, name_span) = &names[&l];
        let mut e = match layer.nested {
            Some(m) => nested_entry(ctx, m, Some((name, *name_span)), depth),
            None => ctx.layer_entry(l, Some((name, *name_span))),
        };
        if !layer.calls.is_empty() && layer.class != "InputLayer" {
            let calls: Vec<Node> = layer
                .calls
                .iter()
                .map(|call| {
                    let args: Vec<Node> = call
                        .iter()
                        .filter(|t| names.contains_key(&t.layer))
                        .map(|t| history(t, layer.span))
                        .collect();
                    Node::new(
                        Value::Object(vec![
                            entry(
                                "args",
                                layer.span,
                                Node::new(Value::Array(args), layer.span),
                            ),
                            entry(
                                "kwargs",
                                layer.span,
                                Node::new(Value::Object(Vec::new()), layer.span),
                            ),
                        ]),
                        layer.span,
                    )
                })
                .collect();
            if let Value::Object(entries) = &mut e.value {
                entries.push(entry(
                    "inbound_nodes",
                    layer.span,
                    Node::new(Value::Array(calls), layer.span),
                ));
            }
        }
        layers.push(e);
    }
    let triple = |t: &Tensor, span: Span| -> Node {
        let (name, _) = &names[&t.layer];
        Node::new(
            Value::Array(vec![
                string(name, span),
                number(t.node, span),
                number(t.index, span),
            ]),
            span,
        )
    };
    let span = model.span;
    let input_layers: Vec<Node> = inputs
        .iter()
        .filter(|(_, t)| names.contains_key(&t.layer))
        .map(|(_, t)| triple(t, span))
        .collect();
    let output_layers = if outputs.iter().all(|(k, _)| k.is_some()) {
        Node::new(
            Value::Object(
                outputs
                    .iter()
                    .map(|(k, t)| {
                        let (key, ks) = k.clone().unwrap_or_default();
                        crate::tree::Entry {
                            key: key.into(),
                            key_span: ks,
                            value: triple(t, ks),
                        }
                    })
                    .collect(),
            ),
            span,
        )
    } else {
        Node::new(
            Value::Array(outputs.iter().map(|(_, t)| triple(t, span)).collect()),
            span,
        )
    };
    Ok(model_doc(
        model,
        "Functional",
        vec![
            entry("layers", span, Node::new(Value::Array(layers), span)),
            entry(
                "input_layers",
                span,
                Node::new(Value::Array(input_layers), span),
            ),
            entry("output_layers", span, output_layers),
        ],
    ))
}

fn number(n: usize, span: Span) -> Node {
    Node::new(
        Value::Number(crate::tree::Number {
            value: n as f64,
            int: Some(n as i64),
        }),
        span,
    )
}

#[cfg(test)]
mod tests;
