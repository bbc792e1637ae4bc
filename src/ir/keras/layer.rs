//! One Keras layer entry: its class, name and configuration, and the
//! layers inside it (the layer a wrapper wraps, a nested model's graph).

use super::{Builder, MAX_NESTING, OBJECT_FORM};
use crate::ir::layer::{check_values, describe, new_layer};
use crate::ir::{catalog, graph, heads, GraphId, Layer, LayerId, Spanned};
use crate::tree::Node;

impl Builder {
    /// One layer entry; wrapped layers and nested models are built too.
    pub(super) fn layer(&mut self, item: &Node, graph: GraphId, depth: usize) -> Option<LayerId> {
        let (class_node, class) = self.layer_class(item)?;
        let config = self.layer_config(item, class, class_node);
        let name = self.layer_name(item, config);
        let module = item.get("module").and_then(Node::as_str);
        let custom = is_custom(item, class);

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
            make_opaque(&mut layer);
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
        if is_nested_model(item, class, config) {
            self.nested_model(item, id, class_node, depth);
        }
        Some(id)
    }

    /// The entry's `class_name`: its node and the class it names; `None`
    /// (reported) when the entry is not a mapping with a string class.
    fn layer_class<'n>(&mut self, item: &'n Node) -> Option<(&'n Node, &'n str)> {
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
        Some((class_node, class))
    }

    /// The entry's `config` mapping; a missing or wrong-typed one is
    /// reported (an old Keras 2 nested Sequential's layer list is not).
    fn layer_config<'n>(
        &mut self,
        item: &'n Node,
        class: &str,
        class_node: &Node,
    ) -> Option<&'n Node> {
        match item.get("config") {
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
        }
    }

    /// The graph of a model used as layer `id`, within the nesting bound.
    fn nested_model(&mut self, item: &Node, id: LayerId, class_node: &Node, depth: usize) {
        if depth >= MAX_NESTING {
            self.problem(
                format!("models are nested more than {MAX_NESTING} levels deep"),
                class_node.span,
                None,
            );
            return;
        }
        match self.graph(item, Some(id), depth + 1) {
            Ok(g) => self.model.layers[id].nested = Some(g),
            Err(e) => self.model.problems.push(e),
        }
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
            graph::wrap(&mut self.model, id, w);
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
}

/// A registered custom class (`package>Name`, or a module outside Keras).
fn is_custom(item: &Node, class: &str) -> bool {
    let module = item.get("module").and_then(Node::as_str);
    let registered = item.get("registered_name").and_then(Node::as_str);
    class.contains('>')
        || registered.is_some_and(|r| r.contains('>'))
        || module.is_some_and(|m| !m.starts_with("keras") && !m.starts_with("tf_keras"))
}

/// A user's class: opaque, whatever its constructor arguments say.
fn make_opaque(layer: &mut Layer) {
    layer.custom = true;
    layer.activation = None;
    layer.recurrent_activation = None;
    layer.kernel_initializer = None;
    layer.recurrent_initializer = None;
    layer.units = None;
    layer.rate = None;
}

/// A model used as a layer: a model class, or a `config.layers` list of
/// layer entries. A missing or wrong-typed `config` was reported already.
fn is_nested_model(item: &Node, class: &str, config: Option<&Node>) -> bool {
    let has_config = item
        .get("config")
        .is_some_and(|c| c.as_object().is_some() || c.as_array().is_some());
    has_config
        && (catalog::is_model_class(class)
            || config
                .and_then(|c| c.get("layers"))
                .and_then(Node::as_array)
                .is_some_and(|items| items.iter().all(|l| l.get("class_name").is_some())))
}
