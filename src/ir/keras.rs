//! Keras 3 and Keras 2 model JSON into the IR.
//!
//! Accepted shapes (see the corpus README for real examples):
//! - Keras 3 `to_json()` and `.keras` `config.json`: every object is
//!   `{module, class_name, config, registered_name}`; a Functional layer's
//!   `inbound_nodes` are call records `{args, kwargs}` whose tensors are
//!   `{class_name: "__keras_tensor__", config: {keras_history: [layer, node, tensor]}}`.
//! - Keras 2 (tf.keras / tf-keras) `to_json()` and `.keras` `config.json`:
//!   `inbound_nodes` are nested lists of `[layer, node, tensor, kwargs]`;
//!   old releases write a Sequential's `config` as the layer list itself.
//! - The root attributes of a legacy HDF5 file: `{model_config, training_config}`.
//!
//! Nested models become graphs of their own, wrapped layers (the LSTM inside
//! a `Bidirectional`) become layers that are not part of any graph's layer
//! list. Dangling references become [`Unresolved`] entries, malformed
//! structure becomes [`BuildError`]s.

use std::collections::{HashMap, HashSet};

use super::detect::is_model_entry;
use super::layer::{check_values, describe, new_layer};
use super::{
    heads, read, BuildError, Detected, Format, Graph, GraphId, GraphKind, LayerId, Model, Output,
    Spanned, Unresolved,
};
use crate::ir::{catalog, keras1};
use crate::source::Span;
use crate::tree::{Node, Value};

/// Models nested deeper than this are not built (the tree depth limit keeps
/// real recursion far below it; this bounds it independently).
const MAX_NESTING: usize = 32;

/// How `initializer` objects are written in Keras configs, for messages.
const OBJECT_FORM: &str = "a `{class_name: ..., config: ...}` object";

/// Builds a Keras model; `h5` when the document is the root attributes of
/// a legacy HDF5 file rather than a model entry (see [`super::detect`]).
pub fn build(root: &Node, h5: bool) -> Detected {
    let (entry, compile) = if h5 {
        let Some(config) = root.get("model_config") else {
            return Detected::NotAModel(
                "no Keras model (`class_name` + `config`) at the top level",
            );
        };
        if config.as_str().is_some() {
            return Detected::Malformed(vec![BuildError::new(
                "`model_config` is a JSON string, not a mapping",
                config.span,
            )
            .help("parse the HDF5 attribute first: `json.loads(f.attrs['model_config'])`")]);
        }
        if !is_model_entry(config) {
            let message = match config.as_object() {
                Some(_) => "`model_config` is not a Keras model: it needs a model `class_name` and a `config` with `layers`".to_string(),
                None => format!(
                    "`model_config` must be a Keras model (`class_name` + `config`), found {}",
                    describe(config)
                ),
            };
            return Detected::Malformed(vec![BuildError::new(message, config.span)]);
        }
        (config, root.get("training_config"))
    } else {
        (root, root.get("compile_config"))
    };

    build_parts(
        root.span,
        entry,
        compile,
        h5,
        detect_format(root, entry, h5),
    )
}

/// Builds the model `entry` (a model `{class_name, config}`) with its compile
/// settings `compile` (`training_config` when `training`, else
/// `compile_config`), for this and the front ends that wrap a Keras config.
pub fn build_parts(
    span: Span,
    entry: &Node,
    compile: Option<&Node>,
    training: bool,
    format: Format,
) -> Detected {
    let h5 = training;
    let mut b = Builder {
        model: Model::empty(format, span),
        suggestion_budget: SUGGESTION_BUDGET,
    };
    if let Err(e) = b.graph(entry, None, 0) {
        return Detected::Malformed(vec![e]);
    }
    b.model.name = entry
        .get("config")
        .and_then(|c| c.get("name"))
        .and_then(heads::spanned_str);
    let (loss, metrics) = b.compile_settings(compile, h5);
    let mut model = b.model;
    heads::finish(&mut model, loss, metrics);
    Detected::Model(Box::new(model))
}

/// Keras 3 or Keras 2, from what the file carries: `keras_version` decides;
/// then a `tf_keras` module; then what the layers look like (call records and
/// `DTypePolicy` objects are Keras 3, nested lists and plain dtype strings
/// Keras 2); then the HDF5 shape (legacy, so Keras 2) or the `module` key.
fn detect_format(root: &Node, entry: &Node, h5: bool) -> Format {
    if let Some(v) = root.get("keras_version").and_then(Node::as_str) {
        if v.starts_with('3') {
            return Format::Keras3;
        }
        if v.starts_with('2') {
            return Format::Keras2;
        }
        if v.starts_with('1') {
            return Format::Keras1;
        }
    }
    let module = entry.get("module").and_then(Node::as_str);
    if module.is_some_and(|m| m.starts_with("tf_keras") || m.starts_with("tensorflow")) {
        return Format::Keras2;
    }
    let layers = match entry.get("config") {
        Some(c) if c.as_array().is_some() => c.as_array(),
        Some(c) => c.get("layers").and_then(Node::as_array),
        None => None,
    };
    // Keras 1 keys (`init`, `output_dim`, `p`, ...) in any layer: Keras 1.
    let keras1 = layers.unwrap_or_default().iter().any(|layer| {
        layer
            .get("config")
            .and_then(Node::as_object)
            .is_some_and(|c| c.iter().any(|e| keras1::is_keras1_only_key(&e.key)))
    });
    if keras1 {
        return Format::Keras1;
    }
    for layer in layers.unwrap_or_default() {
        if let Some(first) = layer
            .get("inbound_nodes")
            .and_then(Node::as_array)
            .and_then(|n| n.first())
        {
            return if first.as_object().is_some() {
                Format::Keras3
            } else {
                Format::Keras2
            };
        }
        let Some(config) = layer.get("config") else {
            continue;
        };
        match config.get("dtype") {
            Some(d) if d.as_object().is_some() => {
                let class = d.get("class_name").and_then(Node::as_str).unwrap_or("");
                if class.ends_with("DTypePolicy") {
                    return Format::Keras3;
                }
                return Format::Keras2;
            }
            Some(d)
                if d.as_str().is_some()
                    && layer.get("class_name").and_then(Node::as_str) != Some("InputLayer") =>
            {
                return Format::Keras2;
            }
            _ => {}
        }
        if config.get("batch_shape").is_some() {
            return Format::Keras3;
        }
        if config.get("batch_input_shape").is_some() {
            return Format::Keras2;
        }
    }
    if module.is_some() && !h5 {
        Format::Keras3
    } else {
        Format::Keras2
    }
}

/// A reference to a layer's output: `keras_history`, a Keras 2 inbound
/// tensor, or an `input_layers`/`output_layers` triple.
struct TensorRef<'n> {
    /// The layer name string.
    name: &'n Node,
    node: Option<&'n Node>,
    tensor: usize,
}

struct Builder {
    model: Model,
    /// Name comparisons left for did-you-mean suggestions.
    suggestion_budget: usize,
}

/// Name comparisons spent on did-you-mean suggestions per file at most.
const SUGGESTION_BUDGET: usize = 2_000_000;

impl Builder {
    fn problem(&mut self, message: impl Into<String>, span: Span, help: Option<&str>) {
        let mut e = BuildError::new(message, span);
        if let Some(h) = help {
            e = e.help(h);
        }
        self.model.problems.push(e);
    }

    /// Builds the graph of a model entry (`{class_name, config}`); `owner`
    /// is the layer that is this model when it is nested.
    fn graph(
        &mut self,
        entry: &Node,
        owner: Option<LayerId>,
        depth: usize,
    ) -> Result<GraphId, BuildError> {
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
        let Some(config) = entry.get("config") else {
            return Err(BuildError::new(
                format!("the `{class}` model has no `config`"),
                class_node.span,
            ));
        };
        // Old Keras 2 writes a Sequential's config as the layer list itself.
        let (layers, functional) = match &config.value {
            Value::Array(_) => (config, false),
            Value::Object(_) => {
                let Some(layers) = config.get("layers") else {
                    return Err(BuildError::new(
                        format!("the `config` of the `{class}` model has no `layers` list"),
                        config.span,
                    ));
                };
                let functional = match class {
                    "Sequential" => false,
                    "Functional" | "Model" => true,
                    _ => {
                        config.get("output_layers").is_some()
                            || layers.as_array().is_some_and(|items| {
                                items.iter().any(|l| l.get("inbound_nodes").is_some())
                            })
                    }
                };
                (layers, functional)
            }
            _ => {
                let found = describe(config);
                return Err(BuildError::new(
                    format!("the `config` of the `{class}` model must be a mapping, found {found}"),
                    config.span,
                ));
            }
        };
        let Some(items) = layers.as_array() else {
            return Err(BuildError::new(
                format!(
                    "`layers` must be a list of layer entries, found {}",
                    describe(layers)
                ),
                layers.span,
            ));
        };
        let gid = self.model.graphs.len();
        let name = config
            .get("name")
            .and_then(Node::as_str)
            .map(str::to_string)
            .or_else(|| owner.and_then(|o| self.model.layers[o].name().map(str::to_string)));
        self.model.graphs.push(Graph {
            kind: if functional {
                GraphKind::Functional
            } else {
                GraphKind::Sequential
            },
            name,
            owner,
            layers: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
        });
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
            self.model.graphs[gid].layers.push(id);
            match prev {
                Some(p) => {
                    let layer = &mut self.model.layers[id];
                    layer.inputs.push(p);
                    layer.args.push((p, 0));
                    layer.calls = 1;
                }
                None => self.model.graphs[gid].inputs.push(id),
            }
            prev = Some(id);
        }
        if let Some(last) = prev {
            let layer = &self.model.layers[last];
            let output = Output {
                name: layer.name().unwrap_or("output").to_string(),
                layer: last,
                tensor: 0,
                span: layer.span,
            };
            self.model.graphs[gid].outputs.push(output);
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
        // Names resolve within this model; the first of duplicates wins
        // (ACT005 reports the duplicate).
        let mut by_name: HashMap<String, LayerId> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        for &(id, _) in &entries {
            if let Some(n) = self.model.layers[id].name() {
                if !by_name.contains_key(n) {
                    by_name.insert(n.to_string(), id);
                    names.push(n.to_string());
                }
            }
        }
        // How many times each layer is called, where `inbound_nodes` says.
        let mut calls: HashMap<LayerId, usize> = HashMap::new();
        for &(id, item) in &entries {
            if let Some(nodes) = item.get("inbound_nodes").and_then(Node::as_array) {
                calls.insert(id, nodes.len());
            }
        }
        let scope = Scope {
            by_name: &by_name,
            names: &names,
            calls: &calls,
            model: match self.model.graphs[gid].owner {
                Some(_) => self.model.graphs[gid].name.clone(),
                None => None,
            },
        };

        for &(id, item) in &entries {
            let Some(nodes) = item.get("inbound_nodes") else {
                continue;
            };
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
                continue;
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
                    .filter_map(|(name, t)| by_name.get(name).map(|&l| (l, t)))
                    .collect();
            }
            let what = format!("{} takes its input from", self.model.describe_layer(id));
            let mut seen = HashSet::new();
            for r in refs {
                if let Some(pred) = self.resolve(&scope, &r, &what) {
                    if seen.insert(pred) {
                        self.model.layers[id].inputs.push(pred);
                    }
                }
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
            let mut endpoints = Vec::new();
            self.collect_endpoints(node, key, None, 0, &mut endpoints);
            let what = format!("`{key}` names");
            let mut seen = HashSet::new();
            for (output_name, triple_span, r) in endpoints {
                let Some(layer) = self.resolve(&scope, &r, &what) else {
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
    fn resolve(&mut self, scope: &Scope<'_>, r: &TensorRef<'_>, what: &str) -> Option<LayerId> {
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
    fn suggest(&mut self, scope: &Scope<'_>, name: &str) -> Option<String> {
        if self.suggestion_budget < scope.names.len() {
            return None;
        }
        self.suggestion_budget -= scope.names.len();
        super::suggest::closest(name, scope.names.iter().map(String::as_str)).map(str::to_string)
    }

    /// One layer entry; wrapped layers and nested models are built too.
    fn layer(&mut self, item: &Node, graph: GraphId, depth: usize) -> Option<LayerId> {
        if item.as_object().is_none() {
            self.problem(
                format!(
                    "a layer entry must be a mapping with `class_name` and `config`, found {}",
                    describe(item)
                ),
                item.span,
                None,
            );
            return None;
        }
        let Some(class_node) = item.get("class_name") else {
            self.problem(
                "layer entry has no `class_name`",
                item.span,
                Some("every layer entry needs `class_name` (the Keras layer class) and `config`"),
            );
            return None;
        };
        let Some(class) = class_node.as_str() else {
            self.problem(
                format!(
                    "`class_name` must be a string naming the layer class, found {}",
                    describe(class_node)
                ),
                class_node.span,
                None,
            );
            return None;
        };
        let config = match item.get("config") {
            Some(c) if c.as_object().is_some() => Some(c),
            // Old Keras 2 nested Sequential: the config is the layer list.
            Some(c) if c.as_array().is_some() && catalog::is_model_class(class) => None,
            Some(c) => {
                self.problem(
                    format!(
                        "the `config` of the `{class}` layer must be a mapping, found {}",
                        describe(c)
                    ),
                    c.span,
                    None,
                );
                None
            }
            None => {
                self.problem(
                    format!("the `{class}` layer entry has no `config`"),
                    class_node.span,
                    Some("Keras writes each layer's constructor arguments under `config`"),
                );
                None
            }
        };
        let name = self.layer_name(item, config);

        let module = item.get("module").and_then(Node::as_str);
        let registered = item.get("registered_name").and_then(Node::as_str);
        let custom = class.contains('>')
            || registered.is_some_and(|r| r.contains('>'))
            || module.is_some_and(|m| !m.starts_with("keras") && !m.starts_with("tf_keras"));

        let id = self.model.layers.len();
        let mut layer = new_layer(
            id,
            graph,
            Spanned::new(class.to_string(), class_node.span),
            name,
            item.span,
            config,
            self.model.format,
        );
        layer.module = module.map(str::to_string);
        if custom {
            // A user's class: opaque, whatever its constructor arguments say.
            layer.custom = true;
            layer.activation = None;
            layer.recurrent_activation = None;
            layer.kernel_initializer = None;
            layer.recurrent_initializer = None;
            layer.units = None;
            layer.rate = None;
        }
        self.model.layers.push(layer);
        if custom {
            return Some(id);
        }
        if let Some(config) = config {
            check_values(
                config,
                self.model.format,
                OBJECT_FORM,
                &mut self.model.problems,
            );
        }

        if catalog::is_wrapper(class) {
            self.wrapper(id, class, class_node, config, graph, depth);
        }
        // A model used as a layer; a missing or wrong-typed `config` was
        // reported above.
        let has_config = item
            .get("config")
            .is_some_and(|c| c.as_object().is_some() || c.as_array().is_some());
        let nested = has_config
            && (catalog::is_model_class(class)
                || config
                    .and_then(|c| c.get("layers"))
                    .and_then(Node::as_array)
                    .is_some_and(|items| items.iter().all(|l| l.get("class_name").is_some())));
        if nested {
            if depth >= MAX_NESTING {
                self.problem(
                    format!("models are nested more than {MAX_NESTING} levels deep"),
                    class_node.span,
                    None,
                );
            } else {
                match self.graph(item, Some(id), depth + 1) {
                    Ok(g) => self.model.layers[id].nested = Some(g),
                    Err(e) => self.model.problems.push(e),
                }
            }
        }
        Some(id)
    }

    /// The entry's top-level `name` (Functional), else `config.name`.
    fn layer_name(&mut self, item: &Node, config: Option<&Node>) -> Option<Spanned<String>> {
        let candidates = [item.get("name"), config.and_then(|c| c.get("name"))];
        for node in candidates.into_iter().flatten() {
            match node.as_str() {
                Some(_) => return heads::spanned_str(node),
                None if node.is_null() || node.is_unknown() => {}
                None => self.problem(
                    format!("a layer `name` must be a string, found {}", describe(node)),
                    node.span,
                    None,
                ),
            }
        }
        None
    }

    /// `Bidirectional`/`TimeDistributed` (`config.layer`, `backward_layer`)
    /// and `RNN` (`config.cell`): the wrapped layer, which the wrapper acts as.
    fn wrapper(
        &mut self,
        id: LayerId,
        class: &str,
        class_node: &Node,
        config: Option<&Node>,
        graph: GraphId,
        depth: usize,
    ) {
        if depth >= MAX_NESTING {
            return;
        }
        let key = if class == "RNN" { "cell" } else { "layer" };
        let inner = config.and_then(|c| c.get(key));
        let wrapped = match inner {
            Some(node) if node.as_object().is_some() => self.layer(node, graph, depth + 1),
            // RNN(cell=[...]) in old releases: the last cell produces the output.
            Some(node) if class == "RNN" && node.as_array().is_some() => {
                let mut last = None;
                for cell in node.as_array().unwrap_or_default() {
                    if let Some(c) = self.layer(cell, graph, depth + 1) {
                        self.model.layers[c].wrapper = Some(id);
                        last = Some(c);
                    }
                }
                last
            }
            Some(other) => {
                self.problem(
                    format!(
                        "`{key}` of a `{class}` must be a layer entry (`class_name` + `config`), found {}",
                        describe(other)
                    ),
                    other.span,
                    None,
                );
                None
            }
            None => {
                if config.is_some() {
                    self.problem(
                        format!("`{class}` needs the wrapped layer under `config.{key}`"),
                        class_node.span,
                        None,
                    );
                }
                None
            }
        };
        if let Some(w) = wrapped {
            self.model.layers[w].wrapper = Some(id);
            self.model.layers[id].wrapped = Some(w);
            let act = self.model.layers[w].activation.clone();
            let init = self.model.layers[w].kernel_initializer.clone();
            let units = self.model.layers[w].units.clone();
            let l = &mut self.model.layers[id];
            l.activation = l.activation.take().or(act);
            l.kernel_initializer = l.kernel_initializer.take().or(init);
            l.units = l.units.take().or(units);
        }
        if let Some(back) = config
            .and_then(|c| c.get_some("backward_layer"))
            .filter(|b| b.as_object().is_some())
        {
            if let Some(b) = self.layer(back, graph, depth + 1) {
                self.model.layers[b].wrapper = Some(id);
            }
        }
    }

    /// The loss and metrics nodes of `compile_config` (or HDF5
    /// `training_config`); `{}` or null means not compiled.
    fn compile_settings<'n>(
        &mut self,
        compile: Option<&'n Node>,
        h5: bool,
    ) -> (Option<&'n Node>, Option<&'n Node>) {
        let key = if h5 {
            "training_config"
        } else {
            "compile_config"
        };
        let Some(compile) = compile.filter(|c| !c.is_null()) else {
            return (None, None);
        };
        if compile.as_object().is_none() {
            self.problem(
                format!(
                    "`{key}` must be a mapping of compile arguments, found {}",
                    describe(compile)
                ),
                compile.span,
                None,
            );
            return (None, None);
        }
        let optimizer = compile
            .get_some("optimizer")
            .or_else(|| compile.get_some("optimizer_config"));
        if let Some(o) = optimizer.and_then(read::named_object) {
            let name = o
                .name
                .strip_prefix("Custom>")
                .unwrap_or(&o.name)
                .to_string();
            self.model.optimizer = Some(Spanned::new(name, o.span));
        }
        let loss = compile.get("loss");
        if let Some(l) = loss {
            if !matches!(
                l.value,
                Value::String(_)
                    | Value::Null
                    | Value::Object(_)
                    | Value::Array(_)
                    | Value::Unknown
            ) {
                self.problem(
                    format!(
                        "`loss` must be a name, a loss object, a mapping or a list, found {}",
                        describe(l)
                    ),
                    l.span,
                    None,
                );
                return (None, None);
            }
        }
        let metrics = compile.get("metrics");
        if let Some(m) = metrics {
            if !matches!(
                m.value,
                Value::String(_)
                    | Value::Null
                    | Value::Object(_)
                    | Value::Array(_)
                    | Value::Unknown
            ) {
                self.problem(
                    format!(
                        "`metrics` must be a name, a list or a mapping, found {}",
                        describe(m)
                    ),
                    m.span,
                    None,
                );
                return (loss, None);
            }
        }
        (loss, metrics)
    }
}

/// What a name in a graph's references can resolve to.
struct Scope<'a> {
    by_name: &'a HashMap<String, LayerId>,
    /// The names in layer order, so suggestions do not depend on hashing.
    names: &'a [String],
    calls: &'a HashMap<LayerId, usize>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{json, Limits};

    const NESTED_OUTPUT: &str =
        include_str!("../../fixtures/keras/keras3_export_wrapper_nested_output.json");
    const DICT_OUTPUTS: &str =
        include_str!("../../fixtures/keras/keras3_product_multi_output_dict.json");
    const TFOP_SIAMESE: &str = include_str!("../../fixtures/keras/keras2_siamese_tfop_lambda.json");
    const KERAS2_ARCHIVE_CONFIG: &str =
        include_str!("../../fixtures/keras/keras2_mnist_mlp.keras-config.json");

    fn detect(text: &str) -> Detected {
        let root = json::parse(text, Limits::default()).expect("valid JSON");
        super::super::build(&root)
    }

    fn model(text: &str) -> Model {
        match detect(text) {
            Detected::Model(m) => *m,
            Detected::Malformed(e) => panic!("malformed: {e:?}"),
            Detected::NotAModel(r) => panic!("not a model: {r}"),
        }
    }

    fn malformed(text: &str) -> Vec<BuildError> {
        match detect(text) {
            Detected::Malformed(e) => e,
            Detected::Model(_) => panic!("built a model"),
            Detected::NotAModel(r) => panic!("not a model: {r}"),
        }
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    /// Replaces exactly one occurrence.
    fn edit(text: &str, from: &str, to: &str) -> String {
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
        text.replacen(from, to, 1)
    }

    fn names(m: &Model, ids: &[LayerId]) -> Vec<String> {
        ids.iter()
            .map(|&i| m.layer(i).name().unwrap_or("?").to_string())
            .collect()
    }

    #[test]
    fn real_files_build_without_findings() {
        for text in [
            NESTED_OUTPUT,
            DICT_OUTPUTS,
            TFOP_SIAMESE,
            KERAS2_ARCHIVE_CONFIG,
        ] {
            let m = model(text);
            assert!(m.unresolved.is_empty(), "{:?}", m.unresolved);
            assert!(m.problems.is_empty(), "{:?}", m.problems);
        }
        assert_eq!(model(NESTED_OUTPUT).format, Format::Keras3);
        assert_eq!(model(TFOP_SIAMESE).format, Format::Keras2);
        // A tf-keras `.keras` config has a `module` key but is still Keras 2.
        let m = model(KERAS2_ARCHIVE_CONFIG);
        assert_eq!(m.format, Format::Keras2);
        assert!(m.compiled);
        assert_eq!(
            m.heads[0].loss.as_ref().unwrap().name,
            "sparse_categorical_crossentropy"
        );
    }

    #[test]
    fn single_serialized_layers_and_other_json_are_not_models() {
        for text in [
            r#"{"class_name": "Dense", "config": {"units": 3}}"#,
            r#"{"module": "keras.layers", "class_name": "LSTM", "config": {"units": 3}, "registered_name": null}"#,
            r#"{"class_name": "Adam", "config": {"learning_rate": 0.001}}"#,
            r#"{"keras_version": "3.1.0", "date_saved": "2024-01-01"}"#,
        ] {
            assert!(matches!(detect(text), Detected::NotAModel(_)), "{text}");
        }
    }

    #[test]
    fn missing_structure_is_malformed_at_the_value() {
        let text = r#"{"class_name": "Sequential", "config": null}"#;
        let e = malformed(text);
        assert_eq!(at(text, e[0].span), "null");

        let text = r#"{"class_name": "Sequential", "config": {"name": "m", "layers": 5}}"#;
        let e = malformed(text);
        assert_eq!(at(text, e[0].span), "5");
        assert!(
            e[0].message.contains("`layers` must be a list"),
            "{}",
            e[0].message
        );

        let text = r#"{"class_name": 5, "config": {"layers": []}}"#;
        let e = malformed(text);
        assert_eq!(at(text, e[0].span), "5");

        let text = r#"{"class_name": "Functional", "config": {"name": "m"}}"#;
        let e = malformed(text);
        assert!(e[0].message.contains("no `layers`"), "{}", e[0].message);

        let text =
            r#"{"model_config": "{\"class_name\": \"Sequential\"}", "keras_version": "2.15.0"}"#;
        let e = malformed(text);
        assert!(e[0].message.contains("JSON string"), "{}", e[0].message);
    }

    #[test]
    fn bad_layer_entries_are_problems_and_the_rest_still_builds() {
        let text = r#"{"class_name": "Sequential", "config": {"layers": [
            5,
            {"class_name": 7, "config": {}},
            {"config": {"name": "x"}},
            {"class_name": "Dense", "config": null},
            {"class_name": "Dense", "config": {"name": "d", "units": "ten", "activation": 3}}
        ]}}"#;
        let m = model(text);
        let spans: Vec<&str> = m.problems.iter().map(|p| at(text, p.span)).collect();
        assert_eq!(spans[0], "5");
        assert_eq!(spans[1], "7");
        assert!(spans.contains(&"null"), "{spans:?}");
        assert!(spans.contains(&"\"ten\""), "{spans:?}");
        assert!(spans.contains(&"3"), "{spans:?}");
        let units = m
            .problems
            .iter()
            .find(|p| at(text, p.span) == "\"ten\"")
            .unwrap();
        assert_eq!(
            units.message,
            "`units` must be a positive integer, found the string \"ten\""
        );
        // The two Dense entries are layers; the broken entries are skipped.
        assert_eq!(m.graphs[0].layers.len(), 2);
        assert_eq!(m.heads.len(), 1);
    }

    #[test]
    fn dangling_keras_history_is_unresolved_on_the_name() {
        let text = edit(
            NESTED_OUTPUT,
            r#""keras_history": ["normalization", 0, 0]"#,
            r#""keras_history": ["normalizaton", 0, 0]"#,
        );
        let m = model(&text);
        assert_eq!(m.unresolved.len(), 1);
        let u = &m.unresolved[0];
        assert_eq!(at(&text, u.span), "\"normalizaton\"");
        assert_eq!(
            u.message,
            "`core` takes its input from `normalizaton`, which is not a layer of the model"
        );
        assert_eq!(u.help.as_deref(), Some("did you mean `normalization`?"));
        assert!(m.problems.is_empty());
        // The head still resolves into the nested model.
        assert_eq!(
            m.heads[0].activation.as_ref().unwrap().activation.name,
            "softmax"
        );
    }

    #[test]
    fn references_resolve_within_their_own_model() {
        // `dense` is a layer of the nested model, not of the outer one.
        let text = edit(
            NESTED_OUTPUT,
            r#""keras_history": ["normalization", 0, 0]"#,
            r#""keras_history": ["dense", 0, 0]"#,
        );
        let m = model(&text);
        assert_eq!(m.unresolved.len(), 1);
        assert_eq!(at(&text, m.unresolved[0].span), "\"dense\"");
        // And inside the nested model, a name of the outer model is unknown.
        let text = edit(
            NESTED_OUTPUT,
            r#""keras_history": ["input_layer", 0, 0]"#,
            r#""keras_history": ["raw_features", 0, 0]"#,
        );
        let m = model(&text);
        assert_eq!(m.unresolved.len(), 1);
        assert!(
            m.unresolved[0]
                .message
                .ends_with("which is not a layer of model `core`"),
            "{}",
            m.unresolved[0].message
        );
    }

    #[test]
    fn dict_outputs_are_named_by_their_keys_and_checked() {
        let m = model(DICT_OUTPUTS);
        let outputs: Vec<&str> = m.graphs[0]
            .outputs
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(outputs, ["category", "price"]);

        let text = edit(
            DICT_OUTPUTS,
            r#""price": ["price", 0, 0]"#,
            r#""price": ["prices", 0, 0]"#,
        );
        let m = model(&text);
        // The output, then the loss and metrics keys for the output it dropped.
        assert_eq!(m.unresolved.len(), 3, "{:?}", m.unresolved);
        let u = &m.unresolved[0];
        assert_eq!(at(&text, u.span), "\"prices\"");
        assert!(
            u.message.starts_with("`output_layers` names `prices`"),
            "{}",
            u.message
        );
        assert_eq!(u.help.as_deref(), Some("did you mean `price`?"));
        assert_eq!(m.heads.len(), 1);
    }

    #[test]
    fn node_indices_past_the_calls_are_unresolved() {
        let text = edit(
            NESTED_OUTPUT,
            r#""output_layers": ["core", 1, 0]"#,
            r#""output_layers": ["core", 3, 0]"#,
        );
        let m = model(&text);
        assert_eq!(m.unresolved.len(), 1);
        assert_eq!(at(&text, m.unresolved[0].span), "3");
        assert!(m.unresolved[0].message.contains("`core` is called once"));
    }

    #[test]
    fn keras2_list_nodes_with_kwargs_and_tfop_lambda() {
        let m = model(TFOP_SIAMESE);
        let sub = m
            .layers
            .iter()
            .find(|l| l.name() == Some("tf.math.subtract"))
            .unwrap();
        assert_eq!(names(&m, &sub.inputs), ["embedding_net"]);
        // A dangling name inside a kwargs tensor is reported on that name.
        let text = edit(
            TFOP_SIAMESE,
            r#"{"y": ["embedding_net", 2, 0]"#,
            r#"{"y": ["embeding_net", 2, 0]"#,
        );
        let m = model(&text);
        assert_eq!(m.unresolved.len(), 1);
        assert_eq!(at(&text, m.unresolved[0].span), "\"embeding_net\"");
        assert_eq!(
            m.unresolved[0].help.as_deref(),
            Some("did you mean `embedding_net`?")
        );
    }

    #[test]
    fn old_keras2_sequential_with_a_layer_list_config() {
        let text = r#"{"class_name": "Sequential", "keras_version": "2.2.4", "backend": "tensorflow",
            "config": [
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 64, "activation": "relu",
                "batch_input_shape": [null, 20]}},
              {"class_name": "Dense", "config": {"name": "dense_2", "units": 1, "activation": "sigmoid"}}
            ]}"#;
        let m = model(text);
        assert_eq!(m.format, Format::Keras2);
        assert_eq!(names(&m, &m.graphs[0].layers), ["dense_1", "dense_2"]);
        assert_eq!(names(&m, &m.layer(1).inputs), ["dense_1"]);
        assert_eq!(m.heads[0].units(), Some(1));
        assert!(!m.compiled);
        // Defaults apply when the config leaves them out.
        assert_eq!(
            m.layer(0).kernel_initializer.as_ref().unwrap().name,
            "glorot_uniform"
        );
    }

    #[test]
    fn keras2_model_class_with_plain_layer_entries() {
        let text = r#"{"class_name": "Model", "config": {"name": "m",
            "layers": [
              {"name": "in", "class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
              {"name": "out", "class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax"},
               "inbound_nodes": [[["in", 0, 0, {}]]]}
            ],
            "input_layers": [["in", 0, 0]], "output_layers": [["out", 0, 0]]}}"#;
        let m = model(text);
        assert_eq!(m.graphs[0].kind, GraphKind::Functional);
        assert_eq!(names(&m, &m.graphs[0].inputs), ["in"]);
        assert_eq!(names(&m, &m.layer(1).inputs), ["in"]);
        assert_eq!(m.heads[0].name, "out");
        assert!(m.unresolved.is_empty() && m.problems.is_empty());
    }

    #[test]
    fn compile_settings() {
        let base = r#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1, "activation": "sigmoid"}}]},
            "compile_config": COMPILE}"#;
        let m = model(&base.replace("COMPILE", "{}"));
        assert!(!m.compiled);
        let m = model(&base.replace(
            "COMPILE",
            r#"{"optimizer": "adam", "loss": {"module": "keras.losses", "class_name": "BinaryCrossentropy",
                "config": {"from_logits": true}}, "metrics": ["accuracy"]}"#,
        ));
        assert!(m.compiled);
        let loss = m.heads[0].loss.as_ref().unwrap();
        assert_eq!(
            (loss.name.as_str(), loss.from_logits()),
            ("BinaryCrossentropy", true)
        );
        assert_eq!(m.heads[0].metrics[0].name, "accuracy");
        assert_eq!(m.optimizer.as_ref().unwrap().value, "adam");
        let text = base.replace("COMPILE", "5");
        let m = model(&text);
        assert_eq!(at(&text, m.problems[0].span), "5");
        let text = base.replace("COMPILE", r#"{"loss": 12}"#);
        let m = model(&text);
        assert_eq!(at(&text, m.problems[0].span), "12");
        assert!(!m.compiled);
    }

    #[test]
    fn custom_layers_are_opaque() {
        let text = r#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "my_package.layers", "class_name": "Dense", "registered_name": "my_package>Dense",
             "config": {"name": "mine", "units": "auto", "activation": "relu"}}]}}"#;
        let m = model(text);
        let l = m.layer(0);
        assert!(l.custom);
        assert!(l.activation.is_none() && l.units.is_none() && l.kernel_initializer.is_none());
        assert!(m.problems.is_empty(), "{:?}", m.problems);
    }

    #[test]
    fn rnn_wrapper_acts_as_its_cell() {
        let text = r#"{"class_name": "Sequential", "config": {"layers": [
            {"class_name": "RNN", "config": {"name": "rnn", "cell": {"class_name": "LSTMCell",
                "config": {"name": "cell", "units": 8, "activation": "relu"}}}}]}}"#;
        let m = model(text);
        let rnn = m.layer(0);
        assert_eq!(rnn.wrapped, Some(1));
        assert_eq!(m.layer(1).wrapper, Some(0));
        assert_eq!(rnn.activation.as_ref().unwrap().name, "relu");
        assert_eq!(rnn.units.as_ref().unwrap().value, 8);
        assert_eq!(m.graphs[0].layers, [0]);
    }

    #[test]
    fn cycles_are_unresolved_not_endless() {
        let text = r#"{"class_name": "Functional", "config": {"name": "m", "layers": [
            {"name": "a", "class_name": "Dense", "config": {"name": "a", "units": 2}, "inbound_nodes": [[["b", 0, 0, {}]]]},
            {"name": "b", "class_name": "Dense", "config": {"name": "b", "units": 2}, "inbound_nodes": [[["a", 0, 0, {}]]]}
            ], "input_layers": [], "output_layers": [["b", 0, 0]]}}"#;
        let m = model(text);
        assert_eq!(m.unresolved.len(), 1);
        assert!(m.unresolved[0].message.contains("cycle"));
    }

    #[test]
    fn deep_model_nesting_is_bounded() {
        let depth = 40;
        let mut text =
            r#"{"class_name": "Dense", "config": {"name": "leaf", "units": 1}}"#.to_string();
        for i in 0..depth {
            text = format!(
                r#"{{"class_name": "Sequential", "config": {{"name": "m{i}", "layers": [{text}]}}}}"#
            );
        }
        let m = model(&text);
        assert!(m.graphs.len() <= MAX_NESTING + 1);
        assert!(m
            .problems
            .iter()
            .any(|p| p.message.contains("nested more than")));
    }

    #[test]
    fn malformed_tensor_references_are_problems() {
        let text = r#"{"class_name": "Functional", "config": {"name": "m", "layers": [
            {"name": "in", "class_name": "InputLayer", "config": {"name": "in"}, "inbound_nodes": []},
            {"name": "d", "class_name": "Dense", "config": {"name": "d", "units": 2},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["in", "x", 0]}}], "kwargs": {}}]}
            ], "input_layers": ["in", 0, 0], "output_layers": 7}}"#;
        let m = model(text);
        let spans: Vec<&str> = m.problems.iter().map(|p| at(text, p.span)).collect();
        assert_eq!(spans, [r#"["in", "x", 0]"#, "7"]);
    }
}
