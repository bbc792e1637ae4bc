//! The simple authoring format: a YAML or JSON mapping with `layers`, an
//! optional `task`, `classes`, `input`, `loss` and `metrics`.

use super::layer::new_layer;
use super::{
    graph, heads, BuildError, Detected, Format, GraphKind, InputRange, LayerId, Model, Spanned,
    Task,
};
use crate::ir::catalog;
use crate::source::Span;
use crate::tree::{Node, Value};

pub fn build(root: &Node) -> Detected {
    let mut b = Builder {
        model: Model {
            name: root.get("name").and_then(heads::spanned_str),
            ..Model::empty(Format::Simple, root.span)
        },
    };
    let Some(layers) = root.get("layers") else {
        // Detection found an attempted model without a `layers` list.
        return Detected::Malformed(vec![match super::detect::misspelt_layers(root) {
            Some(entry) => BuildError::new(
                format!(
                    "`{}` is not a key of the model format: did you mean `layers`?",
                    entry.key
                ),
                entry.key_span,
            )
            .help("the layer list goes under `layers:`; without it there is no model to check"),
            None => BuildError::new("the model has a `task` but no `layers` list", root.span)
                .help("write `layers:` followed by one `- type: ...` entry per layer"),
        }]);
    };
    let Some(items) = layers.as_array() else {
        return Detected::Malformed(vec![BuildError::new(
            format!(
                "`layers` must be a list of layers, found {}",
                layers.kind_name()
            ),
            layers.span,
        )
        .help("write `layers:` followed by one `- type: ...` entry per layer")]);
    };
    if items.is_empty() {
        return Detected::Malformed(vec![BuildError::new(
            "`layers` is empty: a model needs at least one layer",
            layers.span,
        )]);
    }
    b.read_header(root);
    b.graph(items, None);
    if let Some(opt) = root.get("optimizer") {
        if let Some(o) = super::read::named_object(opt) {
            b.model.optimizer = Some(Spanned::new(o.name, o.span));
        }
    }
    let loss = root.get("loss");
    if let Some(l) = loss {
        b.check_loss_shape(l);
    }
    let mut model = b.model;
    heads::finish(&mut model, loss, root.get("metrics"));
    Detected::Model(Box::new(model))
}

struct Builder {
    model: Model,
}

impl Builder {
    fn problem(&mut self, message: impl Into<String>, span: Span, help: Option<&str>) {
        let mut e = BuildError::new(message, span);
        if let Some(h) = help {
            e = e.help(h);
        }
        self.model.problems.push(e);
    }

    /// The model's declared `task`, `classes` and `input`.
    fn read_header(&mut self, root: &Node) {
        if let Some(task) = root.get_some("task") {
            self.read_task(task);
        }
        if let Some(classes) = root.get_some("classes") {
            match classes.as_u64().filter(|&c| c >= 1) {
                Some(c) => self.model.classes = Some(Spanned::new(c, classes.span)),
                None => self.problem(
                    format!(
                        "`classes` must be a positive integer, found {}",
                        classes.kind_name()
                    ),
                    classes.span,
                    None,
                ),
            }
        }
        if let Some(input) = root.get_some("input") {
            if input.as_object().is_none() {
                self.problem(
                    format!(
                        "`input` must be a mapping (shape, range), found {}",
                        input.kind_name()
                    ),
                    input.span,
                    None,
                );
            } else if let Some(range) = self.read_input_shape(input) {
                self.read_input_range(range);
            }
        }
    }

    fn read_task(&mut self, task: &Node) {
        if let Some(t) = task.as_str().and_then(Task::parse) {
            self.model.task = Some(Spanned::new(t, task.span));
            return;
        }
        let options = ["regression", "binary", "multiclass", "multilabel"];
        let help = match task
            .as_str()
            .and_then(|s| super::suggest::closest(s, options.into_iter()))
        {
            Some(s) => format!("did you mean `{s}`?"),
            None => "use one of: regression, binary, multiclass, multilabel".into(),
        };
        self.problem(
            "`task` must be one of regression, binary, multiclass, multilabel",
            task.span,
            Some(&help),
        );
    }

    /// `input.range`: `[low, high]` or `standardized`.
    fn read_input_range(&mut self, range: &Node) {
        let parsed = match &range.value {
            Value::String(s) if s == "standardized" => Some(InputRange::Standardized),
            Value::Array(items) if items.len() == 2 => {
                match (items[0].as_f64(), items[1].as_f64()) {
                    (Some(a), Some(b)) if a.is_finite() && b.is_finite() && a < b => {
                        Some(InputRange::Range(a, b))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match parsed {
            Some(r) => self.model.input_range = Some(Spanned::new(r, range.span)),
            None => self.problem(
                "`input.range` must be `[low, high]` with low < high, or `standardized`",
                range.span,
                None,
            ),
        }
    }

    /// Keeps `input.shape` (a list of sizes, `null` for an unknown one) for
    /// shape inference; returns `input.range`.
    fn read_input_shape<'n>(&mut self, input: &'n Node) -> Option<&'n Node> {
        if let Some(shape) = input.get_some("shape") {
            let dims: Option<Vec<_>> = shape.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|d| {
                        if d.is_null() {
                            Some(None)
                        } else {
                            d.as_u64().map(Some)
                        }
                    })
                    .collect()
            });
            self.model.declared_input = dims;
        }
        input.get_some("range")
    }

    fn check_loss_shape(&mut self, loss: &Node) {
        let ok = matches!(
            &loss.value,
            Value::String(_) | Value::Null | Value::Object(_) | Value::Array(_)
        );
        if !ok {
            self.problem(
                format!(
                    "`loss` must be a name, a mapping or a list, found {}",
                    loss.kind_name()
                ),
                loss.span,
                None,
            );
        }
    }

    /// Builds a sequential graph of `items`; returns its id.
    fn graph(&mut self, items: &[Node], owner: Option<LayerId>) -> usize {
        let name = owner.and_then(|o| self.model.layers[o].name().map(str::to_string));
        let gid = graph::push(&mut self.model, GraphKind::Sequential, name, owner);
        let mut prev: Option<LayerId> = None;
        for item in items {
            let Some(id) = self.layer(item, gid) else {
                continue;
            };
            graph::chain(&mut self.model, gid, id, prev);
            prev = Some(id);
        }
        if let Some(last) = prev {
            graph::output_last(&mut self.model, gid, last);
        }
        gid
    }

    fn layer(&mut self, item: &Node, graph: usize) -> Option<LayerId> {
        let (class_node, class) = self.layer_class(item)?;
        let name = item.get("name").and_then(heads::spanned_str);
        let id = self.model.layers.len();
        let layer = new_layer(
            id,
            graph,
            Spanned::new(class.to_string(), class_node.span),
            name,
            item.span,
            Some(item),
            Format::Simple,
        );
        self.model.layers.push(layer);
        self.check_values(item);
        if catalog::is_wrapper(class) {
            self.wrapper(item, id, class, class_node, graph);
        }
        if catalog::is_model_class(class) {
            self.nested_model(item, id);
        }
        Some(id)
    }

    /// The layer's `type` (or `class_name`): its node and the class it
    /// names; `None` (reported) when the layer has none.
    fn layer_class<'n>(&mut self, item: &'n Node) -> Option<(&'n Node, &'n str)> {
        if item.as_object().is_none() {
            self.problem(
                format!(
                    "a layer must be a mapping with a `type`, found {}",
                    item.kind_name()
                ),
                item.span,
                Some("write each layer as `- type: Dense` followed by its arguments"),
            );
            return None;
        }
        let class_node = item.get("type").or_else(|| item.get("class_name"));
        let Some(class_node) = class_node else {
            self.problem(
                "layer has no `type`",
                item.span,
                Some("add `type: Dense` (or another Keras layer class)"),
            );
            return None;
        };
        let Some(class) = class_node.as_str() else {
            self.problem(
                format!(
                    "`type` must be a Keras layer class name, found {}",
                    class_node.kind_name()
                ),
                class_node.span,
                None,
            );
            return None;
        };
        Some((class_node, class))
    }

    /// The layer a wrapper wraps (`layer:`, or `cell:` for `RNN`), and its
    /// `backward_layer`.
    fn wrapper(&mut self, item: &Node, id: LayerId, class: &str, class_node: &Node, graph: usize) {
        let inner_key = if class == "RNN" { "cell" } else { "layer" };
        match item.get(inner_key) {
            Some(inner) if inner.as_object().is_some() => {
                if let Some(w) = self.layer(inner, graph) {
                    graph::wrap(&mut self.model, id, w);
                }
            }
            Some(other) => self.problem(
                format!(
                    "`{inner_key}` of a {class} must be a layer mapping, found {}",
                    other.kind_name()
                ),
                other.span,
                None,
            ),
            None => self.problem(
                format!("{class} needs the wrapped layer under `{inner_key}:`"),
                class_node.span,
                None,
            ),
        }
        if let Some(back) = item
            .get("backward_layer")
            .filter(|b| b.as_object().is_some())
        {
            if let Some(b) = self.layer(back, graph) {
                self.model.layers[b].wrapper = Some(id);
            }
        }
    }

    /// The graph of a model used as layer `id` (its `layers:` list).
    fn nested_model(&mut self, item: &Node, id: LayerId) {
        match item.get("layers").map(|l| (l, l.as_array())) {
            Some((_, Some(items))) => {
                let g = self.graph(items, Some(id));
                self.model.layers[id].nested = Some(g);
            }
            Some((l, None)) => {
                self.problem(
                    format!("`layers` must be a list of layers, found {}", l.kind_name()),
                    l.span,
                    None,
                );
            }
            None => {}
        }
    }

    /// Type checks for the arguments the rules read.
    fn check_values(&mut self, item: &Node) {
        super::layer::check_values(
            item,
            Format::Simple,
            "`{type: ...}`",
            &mut self.model.problems,
        );
    }
}
