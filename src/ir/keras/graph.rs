//! The graphs of a Keras model entry: a Sequential's layer chain, a
//! Functional's `inbound_nodes` call records and `input_layers` /
//! `output_layers` triples, resolved by name within their own model.

use std::collections::{HashMap, HashSet};

use super::Builder;
use crate::ir::layer::describe;
use crate::ir::{graph, BuildError, GraphId, GraphKind, LayerId, Output, Unresolved};
use crate::source::Span;
use crate::tree::{Node, Value};

/// A reference to a layer's output: `keras_history`, a Keras 2 inbound
/// tensor, or an `input_layers`/`output_layers` triple.
struct TensorRef<'n> {
    /// The layer name string.
    name: &'n Node,
    node: Option<&'n Node>,
    tensor: usize,
}

impl Builder {
    /// Builds the graph of a model entry (`{class_name, config}`); `owner`
    /// is the layer that is this model when it is nested.
    pub(super) fn graph(
        &mut self,
        entry: &Node,
        owner: Option<LayerId>,
        depth: usize,
    ) -> Result<GraphId, BuildError> {
        let (class_node, class) = model_class(entry)?;
        let Some(config) = entry.get("config") else {
            return Err(BuildError::new(
                format!("the `{class}` model has no `config`"),
                class_node.span,
            ));
        };
        let (layers, functional) = layer_list(class, config)?;
        let Some(items) = layers.as_array() else {
            return Err(BuildError::new(
                format!(
                    "`layers` must be a list of layer entries, found {}",
                    describe(layers)
                ),
                layers.span,
            ));
        };
        let name = config
            .get("name")
            .and_then(Node::as_str)
            .map(str::to_string)
            .or_else(|| owner.and_then(|o| self.model.layers[o].name().map(str::to_string)));
        let kind = if functional {
            GraphKind::Functional
        } else {
            GraphKind::Sequential
        };
        let gid = graph::push(&mut self.model, kind, name, owner);
        if functional {
            self.functional(gid, class_node, config, items, depth);
        } else {
            self.sequential(gid, items, depth);
        }
        Ok(gid)
    }

    fn sequential(&mut self, gid: GraphId, items: &[Node], depth: usize) {
        let mut prev: Option<LayerId> = None;
        for item in items {
            let Some(id) = self.layer(item, gid, depth) else {
                continue;
            };
            graph::chain(&mut self.model, gid, id, prev);
            prev = Some(id);
        }
        if let Some(last) = prev {
            graph::output_last(&mut self.model, gid, last);
        }
    }

    fn functional(
        &mut self,
        gid: GraphId,
        class_node: &Node,
        config: &Node,
        items: &[Node],
        depth: usize,
    ) {
        let mut entries: Vec<(LayerId, &Node)> = Vec::new();
        for item in items {
            if let Some(id) = self.layer(item, gid, depth) {
                self.model.graphs[gid].layers.push(id);
                entries.push((id, item));
            }
        }
        let scope = self.scope(gid, &entries);
        for &(id, item) in &entries {
            if let Some(nodes) = item.get("inbound_nodes") {
                self.inbound_nodes(&scope, id, nodes);
            }
        }
        for (key, outputs) in [("input_layers", false), ("output_layers", true)] {
            let Some(node) = config.get(key).filter(|n| !n.is_null()) else {
                if outputs && !entries.is_empty() {
                    self.problem(
                        "the functional model has no `output_layers`",
                        class_node.span,
                        Some("Keras writes `output_layers` as `[layer_name, node_index, tensor_index]` triples"),
                    );
                }
                continue;
            };
            self.endpoints(&scope, gid, node, key, outputs);
        }
    }

    /// The names the references of a functional graph resolve to: its
    /// layers' names, the first of duplicates winning (ACT005 reports the
    /// duplicate), and how many times each layer is called, where
    /// `inbound_nodes` says.
    fn scope(&self, gid: GraphId, entries: &[(LayerId, &Node)]) -> Scope {
        let mut by_name: HashMap<String, LayerId> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        for &(id, _) in entries {
            if let Some(n) = self.model.layers[id].name() {
                if !by_name.contains_key(n) {
                    by_name.insert(n.to_string(), id);
                    names.push(n.to_string());
                }
            }
        }
        let mut calls: HashMap<LayerId, usize> = HashMap::new();
        for &(id, item) in entries {
            if let Some(nodes) = item.get("inbound_nodes").and_then(Node::as_array) {
                calls.insert(id, nodes.len());
            }
        }
        let graph = &self.model.graphs[gid];
        Scope {
            by_name,
            names,
            calls,
            model: match graph.owner {
                Some(_) => graph.name.clone(),
                None => None,
            },
        }
    }

    /// A layer's `inbound_nodes`: its predecessors, its call count and the
    /// positional tensors of its first call.
    fn inbound_nodes(&mut self, scope: &Scope, id: LayerId, nodes: &Node) {
        let Some(node_list) = nodes.as_array() else {
            if !nodes.is_null() {
                self.problem(
                    format!(
                        "`inbound_nodes` must be a list of calls, found {}",
                        describe(nodes)
                    ),
                    nodes.span,
                    None,
                );
            }
            return;
        };
        let mut refs = Vec::new();
        for call in node_list {
            // Keras 3 call records hold tensors only as `__keras_tensor__`
            // objects; Keras 2 nodes are lists of tensor lists.
            let lists = call.as_object().is_none();
            self.collect_refs(call, lists, 0, &mut refs);
        }
        // The positional tensors of the first call, for shape inference.
        self.model.layers[id].calls = node_list.len();
        if let Some(first) = node_list.first() {
            let mut args = Vec::new();
            positional_refs(first, 0, &mut args);
            self.model.layers[id].args = args
                .into_iter()
                .filter_map(|(name, t)| scope.by_name.get(name).map(|&l| (l, t)))
                .collect();
        }
        let what = format!("{} takes its input from", self.model.describe_layer(id));
        let mut seen = HashSet::new();
        for r in refs {
            if let Some(pred) = self.resolve(scope, &r, &what) {
                if seen.insert(pred) {
                    self.model.layers[id].inputs.push(pred);
                }
            }
        }
    }

    /// The graph's inputs (`input_layers`) or outputs (`output_layers`,
    /// named by their mapping key or their layer).
    fn endpoints(&mut self, scope: &Scope, gid: GraphId, node: &Node, key: &str, outputs: bool) {
        let mut endpoints = Vec::new();
        self.collect_endpoints(node, key, None, 0, &mut endpoints);
        let what = format!("`{key}` names");
        let mut seen = HashSet::new();
        for (output_name, triple_span, r) in endpoints {
            let Some(layer) = self.resolve(scope, &r, &what) else {
                continue;
            };
            let graph = &mut self.model.graphs[gid];
            if outputs {
                let name = output_name
                    .or_else(|| r.name.as_str().map(str::to_string))
                    .unwrap_or_default();
                graph.outputs.push(Output {
                    name,
                    layer,
                    tensor: r.tensor,
                    span: triple_span,
                });
            } else if seen.insert(layer) {
                graph.inputs.push(layer);
            }
        }
    }

    /// Finds the tensor references in a Keras 3 call record or a Keras 2
    /// inbound node; `lists` accepts the Keras 2 `[name, node, tensor, kwargs]` form.
    fn collect_refs<'n>(
        &mut self,
        node: &'n Node,
        lists: bool,
        depth: usize,
        out: &mut Vec<TensorRef<'n>>,
    ) {
        if depth > 64 {
            return;
        }
        match &node.value {
            Value::Object(entries) => {
                if node.get("class_name").and_then(Node::as_str) == Some("__keras_tensor__") {
                    let history = node.get("config").and_then(|c| c.get("keras_history"));
                    match history.and_then(|h| self.triple(h, "keras_history")) {
                        Some(r) => out.push(r),
                        None if history.is_none() => self.problem(
                            "a `__keras_tensor__` has no `config.keras_history`",
                            node.span,
                            Some("Keras writes `keras_history` as `[layer_name, node_index, tensor_index]`"),
                        ),
                        None => {}
                    }
                    return;
                }
                for e in entries {
                    self.collect_refs(&e.value, lists, depth + 1, out);
                }
            }
            Value::Array(items) => {
                if lists && is_list_tensor(items) {
                    if let Some(r) = self.triple(node, "inbound_nodes") {
                        out.push(r);
                    }
                    // Tensors passed as keyword arguments sit in the kwargs.
                    if let Some(kwargs) = items.get(3) {
                        self.collect_refs(kwargs, lists, depth + 1, out);
                    }
                    return;
                }
                for item in items {
                    self.collect_refs(item, lists, depth + 1, out);
                }
            }
            _ => {}
        }
    }

    /// `[layer_name, node_index, tensor_index]` (a fourth kwargs item is
    /// allowed); `key` is where it was found, for the message.
    fn triple<'n>(&mut self, node: &'n Node, key: &str) -> Option<TensorRef<'n>> {
        let bad = |b: &mut Self| {
            let what = match key {
                "keras_history" => "`keras_history`".to_string(),
                _ => format!("a tensor reference in `{key}`"),
            };
            b.problem(
                format!(
                    "{what} must be `[layer_name, node_index, tensor_index]`, found {}",
                    describe(node)
                ),
                node.span,
                None,
            );
        };
        let Some(items) = node.as_array() else {
            bad(self);
            return None;
        };
        let Some(name) = items.first().filter(|n| n.as_str().is_some()) else {
            bad(self);
            return None;
        };
        let index_ok = |n: Option<&Node>| n.is_none_or(|n| n.as_u64().is_some());
        if items.len() > 4 || !index_ok(items.get(1)) || !index_ok(items.get(2)) {
            bad(self);
            return None;
        }
        let tensor = items
            .get(2)
            .and_then(Node::as_u64)
            .and_then(|t| usize::try_from(t).ok())
            .unwrap_or(0);
        Some(TensorRef {
            name,
            node: items.get(1),
            tensor,
        })
    }

    /// The triples of `input_layers` / `output_layers`: one triple, a list of
    /// them, or a mapping keyed by output name (nested structures too).
    fn collect_endpoints<'n>(
        &mut self,
        node: &'n Node,
        key: &str,
        name: Option<String>,
        depth: usize,
        out: &mut Vec<(Option<String>, Span, TensorRef<'n>)>,
    ) {
        if depth > 64 {
            return;
        }
        match &node.value {
            Value::Array(items) if items.first().is_some_and(|f| f.as_str().is_some()) => {
                if let Some(r) = self.triple(node, key) {
                    out.push((name, node.span, r));
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.collect_endpoints(item, key, None, depth + 1, out);
                }
            }
            Value::Object(entries) => {
                for e in entries {
                    self.collect_endpoints(&e.value, key, Some(e.key.to_string()), depth + 1, out);
                }
            }
            _ => self.problem(
                format!(
                    "`{key}` must be `[layer_name, node_index, tensor_index]` triples, found {}",
                    describe(node)
                ),
                node.span,
                None,
            ),
        }
    }

    /// The layer a reference names, or an unresolved-reference entry on the name.
    fn resolve(&mut self, scope: &Scope, r: &TensorRef<'_>, what: &str) -> Option<LayerId> {
        let name = r.name.as_str().unwrap_or_default();
        let Some(&id) = scope.by_name.get(name) else {
            let in_model = match &scope.model {
                Some(m) => format!("model `{m}`"),
                None => "the model".to_string(),
            };
            let help = match self.suggest(scope, name) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "every layer name referenced here must be the `name` of a layer in the `layers` list of {in_model}"
                ),
            };
            self.model.unresolved.push(Unresolved {
                message: format!("{what} `{name}`, which is not a layer of {in_model}"),
                span: r.name.span,
                help: Some(help),
            });
            return None;
        };
        // A node index past the layer's calls does not exist. Output and
        // input triples count a nested model's construction as node 0, so
        // indices up to the number of calls are accepted everywhere.
        if let (Some(node), Some(&n)) = (r.node, scope.calls.get(&id)) {
            if let Some(k) = node.as_u64() {
                if k > n as u64 {
                    let times = match n {
                        0 => "is never called (only node 0 exists)".to_string(),
                        1 => "is called once".to_string(),
                        n => format!("is called {n} times"),
                    };
                    self.model.unresolved.push(Unresolved {
                        message: format!("{what} node {k} of `{name}`, but `{name}` {times}"),
                        span: node.span,
                        help: Some(format!(
                            "node indices count the calls of `{name}` listed in its `inbound_nodes`"
                        )),
                    });
                    return None;
                }
            }
        }
        Some(id)
    }

    /// The closest layer name for a did-you-mean. Comparing against every
    /// name is linear in the layer count, so the total work is capped: a
    /// hostile file with many dangling names still builds in linear time.
    fn suggest(&mut self, scope: &Scope, name: &str) -> Option<String> {
        if self.suggestion_budget < scope.names.len() {
            return None;
        }
        self.suggestion_budget -= scope.names.len();
        crate::ir::suggest::closest(name, scope.names.iter().map(String::as_str))
            .map(str::to_string)
    }
}

/// A model entry's `class_name`: its node and the class it names.
fn model_class(entry: &Node) -> Result<(&Node, &str), BuildError> {
    let class_node = entry
        .get("class_name")
        .ok_or_else(|| BuildError::new("model has no `class_name`", entry.span))?;
    let class = class_node.as_str().ok_or_else(|| {
        BuildError::new(
            format!(
                "`class_name` must be a string naming the model class, found {}",
                describe(class_node)
            ),
            class_node.span,
        )
        .help("Keras writes `\"class_name\": \"Sequential\"` or `\"Functional\"`")
    })?;
    Ok((class_node, class))
}

/// The `layers` node of a model's `config`, and whether the model is
/// functional. Old Keras 2 writes a Sequential's config as the layer list
/// itself.
fn layer_list<'n>(class: &str, config: &'n Node) -> Result<(&'n Node, bool), BuildError> {
    match &config.value {
        Value::Array(_) => Ok((config, false)),
        Value::Object(_) => {
            let Some(layers) = config.get("layers") else {
                return Err(BuildError::new(
                    format!("the `config` of the `{class}` model has no `layers` list"),
                    config.span,
                ));
            };
            Ok((layers, is_functional(class, config, layers)))
        }
        _ => {
            let found = describe(config);
            Err(BuildError::new(
                format!("the `config` of the `{class}` model must be a mapping, found {found}"),
                config.span,
            ))
        }
    }
}

/// `Functional` and `Model` are; another model class is when it has
/// `output_layers` or layers with `inbound_nodes`.
fn is_functional(class: &str, config: &Node, layers: &Node) -> bool {
    match class {
        "Sequential" => false,
        "Functional" | "Model" => true,
        _ => {
            config.get("output_layers").is_some()
                || layers
                    .as_array()
                    .is_some_and(|items| items.iter().any(|l| l.get("inbound_nodes").is_some()))
        }
    }
}

/// What a name in a graph's references can resolve to.
struct Scope {
    by_name: HashMap<String, LayerId>,
    /// The names in layer order, so suggestions do not depend on hashing.
    names: Vec<String>,
    calls: HashMap<LayerId, usize>,
    /// The nested model's name; `None` for the top level.
    model: Option<String>,
}

/// The tensors a call passes positionally, as (layer name, tensor index),
/// without reporting anything (`collect_refs` reports malformed ones): a
/// Keras 3 call record's `args`, or a Keras 2 node's tensor lists without
/// their kwargs.
fn positional_refs<'n>(call: &'n Node, depth: usize, out: &mut Vec<(&'n str, usize)>) {
    if depth > 64 {
        return;
    }
    match &call.value {
        Value::Object(_) => {
            if call.get("class_name").and_then(Node::as_str) == Some("__keras_tensor__") {
                let history = call
                    .get("config")
                    .and_then(|c| c.get("keras_history"))
                    .and_then(Node::as_array);
                if let Some(items) = history {
                    if let Some(name) = items.first().and_then(Node::as_str) {
                        let t = items.get(2).and_then(Node::as_u64).unwrap_or(0);
                        out.push((name, usize::try_from(t).unwrap_or(usize::MAX)));
                    }
                }
            } else if depth == 0 {
                if let Some(args) = call.get("args") {
                    positional_refs(args, depth + 1, out);
                }
            }
        }
        Value::Array(items) => {
            if depth > 0 && is_list_tensor(items) {
                if let Some(name) = items.first().and_then(Node::as_str) {
                    let t = items.get(2).and_then(Node::as_u64).unwrap_or(0);
                    out.push((name, usize::try_from(t).unwrap_or(usize::MAX)));
                }
                return;
            }
            for item in items {
                positional_refs(item, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// A Keras 2 inbound tensor: `[name, node_index, tensor_index]` with an
/// optional fourth kwargs mapping.
fn is_list_tensor(items: &[Node]) -> bool {
    (items.len() == 3 || items.len() == 4)
        && items[0].as_str().is_some()
        && items[1].as_i64().is_some()
        && items[2].as_i64().is_some()
        && items.get(3).is_none_or(|k| k.as_object().is_some())
}
