//! The model IR: what rules see.
//!
//! A [`Model`] is built from a spanned tree by one of the front ends
//! ([`simple`] for the authoring format, [`keras`] for Keras 2/3 JSON). It
//! holds every layer (nested models and wrapped layers included) in one
//! arena, the graphs they form, and the output heads with their effective
//! activation, units, loss and metrics. Every value keeps the span of the
//! text it came from.

pub mod catalog;
pub mod detect;
pub mod graph;
pub mod heads;
pub mod hints;
pub mod infer;
pub mod keras;
pub mod keras1;
pub mod layer;
pub mod python;
pub mod shapes;
pub mod simple;
pub mod suggest;
pub mod tfjs;

use crate::source::Span;
use crate::tree::Node;
pub use detect::{detect, FrontEnd};

use catalog::{ActFamily, ActivationInfo, InitFamily, InitializerInfo, LossInfo};

pub type LayerId = usize;
pub type GraphId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The simple YAML/JSON layer-list format.
    Simple,
    /// Keras 3 `to_json()` / `.keras` `config.json`.
    Keras3,
    /// Keras 2 (tf.keras / tf-keras) `to_json()`, `.keras` config or HDF5 attributes.
    Keras2,
    /// A TensorFlow.js layers model (`model.json`): a Keras 2 style config
    /// under `modelTopology`.
    TfjsLayers,
    /// Keras 1.x `to_json()` / `to_yaml()`: `init`, `output_dim`, `p`, ...
    Keras1,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::Simple => "simple model format",
            Format::Keras3 => "Keras 3 model JSON",
            Format::Keras2 => "Keras 2 model JSON",
            Format::TfjsLayers => "TensorFlow.js layers model",
            Format::Keras1 => "Keras 1 model JSON",
        }
    }

    /// Written by Keras (or its converter) when a model was saved: every
    /// name in it resolved then, so a name far from every built-in is the
    /// project's own object rather than a typo. The simple format is
    /// written by hand.
    pub fn saved_by_keras(self) -> bool {
        match self {
            Format::Simple => false,
            Format::Keras3 | Format::Keras2 | Format::TfjsLayers | Format::Keras1 => true,
        }
    }

    /// The format declares the model's task itself (the simple format's
    /// `task:` key).
    pub fn has_task_key(self) -> bool {
        match self {
            Format::Simple => true,
            Format::Keras3 | Format::Keras2 | Format::TfjsLayers | Format::Keras1 => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    Regression,
    Binary,
    Multiclass,
    Multilabel,
}

impl Task {
    pub fn parse(s: &str) -> Option<Task> {
        match s {
            "regression" => Some(Task::Regression),
            "binary" => Some(Task::Binary),
            "multiclass" => Some(Task::Multiclass),
            "multilabel" => Some(Task::Multilabel),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Multilabel => "multilabel",
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Binary => "binary classification",
            Task::Multiclass => "multiclass classification",
            Task::Multilabel => "multilabel classification",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// The numeric range inputs are scaled to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InputRange {
    Range(f64, f64),
    Standardized,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphKind {
    Sequential,
    Functional,
}

/// One model: the top level, or a model used as a layer inside another.
#[derive(Clone, Debug)]
pub struct Graph {
    pub kind: GraphKind,
    pub name: Option<String>,
    /// The layer entry that is this nested model; `None` for the top level.
    pub owner: Option<LayerId>,
    /// Layers in the order the config lists them (which is increasing id
    /// order: ids are handed out as the config is read).
    pub layers: Vec<LayerId>,
    pub inputs: Vec<LayerId>,
    /// Output layers, in output order, with the output's name.
    pub outputs: Vec<Output>,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub layer: LayerId,
    /// Which tensor of the layer (multi-output layers such as `LSTM(return_state=True)`).
    pub tensor: usize,
    pub span: Span,
}

/// An activation as configured on a layer (or implied by its default).
#[derive(Clone, Debug)]
pub struct ActivationRef {
    /// The name as written (or the default's name).
    pub name: String,
    /// What Keras knows about it; `None` for unknown or custom names.
    pub info: Option<&'static ActivationInfo>,
    /// The value's span; for a defaulted activation, the span of the layer's class name.
    pub span: Span,
    /// Written in the config (false when the Keras default applies).
    pub explicit: bool,
    /// A registered custom object (`package>name`, a non-Keras module).
    pub custom: bool,
}

impl ActivationRef {
    pub fn family(&self) -> Option<ActFamily> {
        self.info.map(|i| i.family)
    }
    /// Known to Keras, or a registered custom object.
    pub fn is_known(&self) -> bool {
        self.info.is_some() || self.custom
    }
}

/// A kernel (or recurrent) initializer.
#[derive(Clone, Debug)]
pub struct InitializerRef {
    pub name: String,
    pub info: Option<&'static InitializerInfo>,
    pub span: Span,
    pub explicit: bool,
    pub custom: bool,
    /// The initializer's own config mapping (`{stddev: 0.05}`), when given.
    pub config: Option<Node>,
}

impl InitializerRef {
    pub fn is_known(&self) -> bool {
        self.info.is_some() || self.custom
    }

    /// The family, with `VarianceScaling` resolved from its `scale`/`mode`:
    /// scale 2 is He, scale 1 with `fan_avg` is Glorot, scale 1 with `fan_in` is LeCun.
    pub fn effective_family(&self) -> Option<InitFamily> {
        let info = self.info?;
        if info.family != InitFamily::VarianceScaling {
            return Some(info.family);
        }
        // A `scale` or `mode` not known statically leaves the family unknown.
        let scale = match self.param("scale") {
            Some(n) => n.as_f64()?,
            None => 1.0,
        };
        let mode = match self.param("mode") {
            Some(n) => n.as_str()?,
            None => "fan_in",
        };
        Some(if (scale - 2.0).abs() < 1e-6 {
            InitFamily::He
        } else if (scale - 1.0).abs() < 1e-6 && mode == "fan_avg" {
            InitFamily::Glorot
        } else if (scale - 1.0).abs() < 1e-6 && mode == "fan_in" {
            InitFamily::Lecun
        } else {
            InitFamily::VarianceScaling
        })
    }

    pub fn param(&self, key: &str) -> Option<&Node> {
        self.config.as_ref().and_then(|c| c.get_some(key))
    }
}

/// A loss, as assigned to one output head.
#[derive(Clone, Debug)]
pub struct LossRef {
    pub name: String,
    pub info: Option<&'static LossInfo>,
    pub span: Span,
    pub custom: bool,
    /// `from_logits` when given (for a loss object); a string loss has none.
    pub from_logits: Option<Spanned<bool>>,
    /// The loss object's config mapping, when given.
    pub config: Option<Node>,
}

impl LossRef {
    pub fn family(&self) -> Option<catalog::LossFamily> {
        self.info.map(|i| i.family)
    }
    pub fn from_logits(&self) -> bool {
        self.from_logits.as_ref().is_some_and(|f| f.value)
    }
    pub fn is_known(&self) -> bool {
        self.info.is_some() || self.custom
    }
}

/// A metric, as assigned to one output head.
#[derive(Clone, Debug)]
pub struct MetricRef {
    /// The name or class as written (`accuracy`, `AUC`, `binary_accuracy`).
    pub name: String,
    pub span: Span,
    /// The metric object's config mapping, when given.
    pub config: Option<Node>,
}

/// One layer entry. Wrapped layers (the LSTM inside a Bidirectional) and the
/// layers of nested models are layers too, with their own ids.
#[derive(Clone, Debug)]
pub struct Layer {
    pub id: LayerId,
    /// The graph (model) this layer belongs to.
    pub graph: GraphId,
    /// The Keras class name (`Dense`, `LSTM`, ...), with the span of its value.
    pub class: Spanned<String>,
    pub name: Option<Spanned<String>>,
    /// The span of the whole layer entry.
    pub span: Span,
    /// The constructor arguments (Keras `config`; for the simple format, the
    /// layer mapping itself).
    pub config: Option<Node>,
    pub activation: Option<ActivationRef>,
    /// LSTM/GRU gate activation.
    pub recurrent_activation: Option<ActivationRef>,
    pub kernel_initializer: Option<InitializerRef>,
    pub recurrent_initializer: Option<InitializerRef>,
    /// Dense `units`, convolution `filters`.
    pub units: Option<Spanned<u64>>,
    /// Dropout `rate`.
    pub rate: Option<Spanned<f64>>,
    /// The layer a wrapper (Bidirectional, TimeDistributed, RNN) wraps.
    pub wrapped: Option<LayerId>,
    /// The wrapper around this layer.
    pub wrapper: Option<LayerId>,
    /// The graph of a model used as a layer.
    pub nested: Option<GraphId>,
    /// Predecessors in the same graph (deduplicated, in call order).
    pub inputs: Vec<LayerId>,
    /// Successors in the same graph.
    pub outputs: Vec<LayerId>,
    /// The tensors passed positionally to the layer's first call, in order,
    /// as (layer, output tensor index); keyword tensors (`mask`,
    /// `initial_state`) are not in it. What shape inference reads.
    pub args: Vec<(LayerId, usize)>,
    /// How many times the layer is called in its graph (a shared layer has
    /// one output shape per call).
    pub calls: usize,
    /// A registered custom layer class (`package>Name`): opaque to rules.
    pub custom: bool,
    /// The Python module a Keras 3 entry names (`keras.layers`,
    /// `keras.src.ops.numpy`), when it names one.
    pub module: Option<String>,
}

impl Layer {
    pub fn class(&self) -> &str {
        &self.class.value
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.value.as_str())
    }
    /// A constructor argument, ignoring explicit nulls.
    pub fn param(&self, key: &str) -> Option<&Node> {
        self.config.as_ref().and_then(|c| c.get_some(key))
    }
    /// The `axis` argument as one integer: -1 (the last axis, the Keras
    /// default) when it is not written, `None` when it is something else
    /// (a list of axes).
    pub fn axis(&self) -> Option<i64> {
        self.param("axis").map_or(Some(-1), Node::as_i64)
    }
    pub fn is_weight_layer(&self) -> bool {
        catalog::is_weight_layer(self.class())
    }
    pub fn is_recurrent(&self) -> bool {
        catalog::is_recurrent_layer(self.class())
    }
    /// The activation family this layer applies itself, when known.
    pub fn activation_family(&self) -> Option<ActFamily> {
        self.activation.as_ref().and_then(|a| a.family())
    }
}

/// A reference that does not resolve: a graph edge, an output or a loss key
/// naming something that does not exist, or a cycle.
#[derive(Clone, Debug)]
pub struct Unresolved {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

/// The effective activation of an output head, found by walking back from
/// the output through activation layers, wrappers and nested models.
#[derive(Clone, Debug)]
pub struct HeadActivation {
    pub activation: ActivationRef,
    /// The layer that applies it (a Dense, or an Activation/Softmax layer).
    pub layer: LayerId,
}

/// One model output with what decides its task.
#[derive(Clone, Debug)]
pub struct Head {
    pub index: usize,
    /// The output's name (the output layer's name, or the dict key).
    pub name: String,
    /// The top-level output layer.
    pub output_layer: LayerId,
    /// The layer with the units (Dense/Conv), when one was found.
    pub producer: Option<LayerId>,
    /// The activation applied last, when known.
    pub activation: Option<HeadActivation>,
    /// Earlier activations on the way back, outermost first: a `Dense(softmax)`
    /// followed by `Activation('softmax')` has one here.
    pub earlier_activations: Vec<HeadActivation>,
    pub units: Option<Spanned<u64>>,
    pub loss: Option<LossRef>,
    pub metrics: Vec<MetricRef>,
}

impl Head {
    pub fn family(&self) -> Option<ActFamily> {
        self.activation.as_ref().and_then(|a| a.activation.family())
    }
    pub fn units(&self) -> Option<u64> {
        self.units.as_ref().map(|u| u.value)
    }
}

/// A whole model file, ready for the rules.
#[derive(Clone, Debug)]
pub struct Model {
    pub format: Format,
    pub name: Option<Spanned<String>>,
    /// Declared task (simple format `task:`, or a configuration hint).
    pub task: Option<Spanned<Task>>,
    pub classes: Option<Spanned<u64>>,
    pub input_range: Option<Spanned<InputRange>>,
    pub graphs: Vec<Graph>,
    pub layers: Vec<Layer>,
    pub heads: Vec<Head>,
    /// Whether compile settings (a loss) were present at all.
    pub compiled: bool,
    /// The optimizer as written, when present.
    pub optimizer: Option<Spanned<String>>,
    pub unresolved: Vec<Unresolved>,
    /// Malformed values (wrong types, bad names of structural keys) reported
    /// as parse errors while the rest of the model is still checked.
    pub problems: Vec<BuildError>,
    /// The span of the model's root node.
    pub span: Span,
    /// A per-sample input shape declared outside the layers (the simple
    /// format's `input.shape`), for a first layer that declares none.
    pub declared_input: Option<shapes::Shape>,
    /// Each layer's per-sample output shape (its first output tensor),
    /// indexed by [`LayerId`]; `None` when not known statically. Filled
    /// once by [`infer::infer`] when the model is built.
    pub shapes: Vec<Option<shapes::Shape>>,
    /// Each layer's parameter count (`count_params()`), when its input
    /// shape and configuration determine it.
    pub params: Vec<Option<u64>>,
    /// The shapes of the output tensors after the first, for the layers
    /// with several (`return_state=True`, models with several outputs).
    pub more_shapes: std::collections::HashMap<LayerId, Vec<Option<shapes::Shape>>>,
}

impl Model {
    /// A model with no layers yet, for a front end to fill in.
    pub fn empty(format: Format, span: Span) -> Model {
        Model {
            format,
            name: None,
            task: None,
            classes: None,
            input_range: None,
            graphs: Vec::new(),
            layers: Vec::new(),
            heads: Vec::new(),
            compiled: false,
            optimizer: None,
            unresolved: Vec::new(),
            problems: Vec::new(),
            span,
            declared_input: None,
            shapes: Vec::new(),
            params: Vec::new(),
            more_shapes: std::collections::HashMap::new(),
        }
    }

    /// The inferred per-sample shape of output tensor `tensor` of a layer.
    pub fn tensor_shape(&self, id: LayerId, tensor: usize) -> Option<&shapes::Shape> {
        if tensor == 0 {
            return self.shapes.get(id)?.as_ref();
        }
        self.more_shapes.get(&id)?.get(tensor - 1)?.as_ref()
    }

    /// The inferred shapes of the tensors a layer's (first) call receives
    /// positionally, in order.
    pub fn input_shapes(&self, id: LayerId) -> Vec<Option<&shapes::Shape>> {
        self.layers[id]
            .args
            .iter()
            .map(|&(l, t)| self.tensor_shape(l, t))
            .collect()
    }

    pub fn layer(&self, id: LayerId) -> &Layer {
        &self.layers[id]
    }
    pub fn root(&self) -> &Graph {
        &self.graphs[0]
    }
    /// Layers of the top-level graph and of every nested model, wrapped layers included.
    pub fn all_layers(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter()
    }
    /// The layers that produce a head's value (for "is this a hidden layer?").
    pub fn is_head_layer(&self, id: LayerId) -> bool {
        self.heads.iter().any(|h| {
            h.producer == Some(id)
                || h.output_layer == id
                || h.activation.as_ref().is_some_and(|a| a.layer == id)
        })
    }
    /// How messages name a layer: "`dense_1`", or "layer 3 (`Dense`)" when it has no name.
    pub fn describe_layer(&self, id: LayerId) -> String {
        let layer = &self.layers[id];
        match layer.name() {
            Some(n) => format!("`{n}`"),
            None => {
                // Ids are handed out in the order layers are listed, so the
                // list is sorted and a binary search finds the position
                // (messages for 20,000 unnamed layers must not cost 20,000²
                // steps); a wrapped layer is in no list.
                let layers = &self.graphs[layer.graph].layers;
                let pos = match layers.binary_search(&id) {
                    Ok(p) => Some(p),
                    Err(_) if layer.wrapper.is_none() => layers.iter().position(|&l| l == id),
                    Err(_) => None,
                }
                .map(|p| p + 1);
                match (pos, layer.wrapper) {
                    (Some(p), _) => format!("layer {p} (`{}`)", layer.class()),
                    // An unnamed wrapped layer: "the `LSTM` in layer 2 (`Bidirectional`)".
                    (None, Some(w)) if w != id => {
                        format!("the `{}` in {}", layer.class(), self.describe_layer(w))
                    }
                    (None, _) => format!("the `{}` layer", layer.class()),
                }
            }
        }
    }

    /// How messages name an output head: its producing layer ("`dense_2`"),
    /// followed by the output's name when the model has several outputs
    /// and the name differs ("`dense_2` (output `price`)").
    pub fn describe_head(&self, head: &Head) -> String {
        let id = head.producer.unwrap_or(head.output_layer);
        let layer = self.describe_layer(id);
        if self.heads.len() > 1 && layer != format!("`{}`", head.name) {
            format!("{layer} (output `{}`)", head.name)
        } else {
            layer
        }
    }

    /// How messages name a layer of an output head: "the output layer `out`",
    /// or "the `Dense` output layer" when it has no name.
    pub fn describe_output_layer(&self, id: LayerId) -> String {
        let layer = &self.layers[id];
        match layer.name() {
            Some(n) => format!("the output layer `{n}`"),
            None => format!("the `{}` output layer", layer.class()),
        }
    }

    /// The outermost wrapper of a layer (itself when not wrapped).
    pub fn outermost(&self, id: LayerId) -> LayerId {
        let mut cur = id;
        while let Some(w) = self.layers[cur].wrapper {
            cur = w;
        }
        cur
    }
}

/// Errors that stop a model from being built at all: the file is a model
/// (it has the shape of one) but a required part is malformed.
#[derive(Clone, Debug)]
pub struct BuildError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl BuildError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        BuildError {
            message: message.into(),
            span,
            help: None,
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// What a document turned out to be.
pub enum Detected {
    /// A model, built.
    Model(Box<Model>),
    /// A model whose structure is malformed.
    Malformed(Vec<BuildError>),
    /// Valid JSON/YAML that is not a model config; the reason says why.
    NotAModel(&'static str),
}

/// Detects the format of a parsed document and builds its model.
pub fn build(root: &Node) -> Detected {
    match detect::detect(root) {
        Ok(front) => build_as(root, front),
        Err(reason) => Detected::NotAModel(reason),
    }
}

/// Builds the model of a document whose format [`detect::detect`] found.
pub fn build_as(root: &Node, front: FrontEnd) -> Detected {
    match front {
        FrontEnd::Keras => keras::build(root, false),
        FrontEnd::KerasH5 => keras::build(root, true),
        FrontEnd::Simple => simple::build(root),
        FrontEnd::Tfjs => tfjs::build(root),
    }
}

/// Shared helpers for the front ends: reading activations, initializers and
/// losses in any of the forms Keras writes them.
pub mod read {
    use super::*;
    use crate::tree::Value;

    /// `name`, `{class_name: ..., config: ...}` (Keras), `{type: ...}` (simple), or
    /// Keras 3's serialized function `{class_name: "function", config: "relu"}`.
    pub struct NamedObject<'n> {
        pub name: String,
        pub span: Span,
        pub config: Option<&'n Node>,
        pub custom: bool,
    }

    /// How a value not known statically is named (see [`Value::Unknown`]).
    pub const NOT_KNOWN: &str = "(not known statically)";

    pub fn named_object(node: &Node) -> Option<NamedObject<'_>> {
        match &node.value {
            // Not known statically: opaque, as a registered custom object is,
            // so rules that need to know what it is stay silent.
            Value::Unknown => Some(NamedObject {
                name: NOT_KNOWN.to_string(),
                span: node.span,
                config: None,
                custom: true,
            }),
            Value::String(s) => Some(NamedObject {
                custom: s.contains('>'),
                name: s.to_string(),
                span: node.span,
                config: None,
            }),
            Value::Object(_) => {
                let class = node.get("class_name").or_else(|| node.get("type"))?;
                let class_name = class.as_str()?;
                let config = node.get("config");
                let module = node.get("module").and_then(|m| m.as_str());
                let registered = node.get("registered_name").and_then(|m| m.as_str());
                // Keras 3 writes plain functions as {class_name: "function", config: "relu"}.
                if class_name == "function" {
                    let name = config.and_then(|c| c.as_str())?;
                    // Keras 3 writes every plain function with module
                    // `builtins` (`loss=keras.losses.categorical_crossentropy`
                    // included); a registered one has `package>name` as its
                    // config.
                    let builtin = module.is_none_or(|m| m == "builtins" || m.starts_with("keras"))
                        && !name.contains('>');
                    return Some(NamedObject {
                        name: name.to_string(),
                        span: config.map_or(class.span, |c| c.span),
                        config: None,
                        custom: !builtin || registered.is_some_and(|r| r != "function"),
                    });
                }
                let custom = class_name.contains('>')
                    || registered.is_some_and(|r| r.contains('>'))
                    || module
                        .is_some_and(|m| !m.starts_with("keras") && !m.starts_with("tf_keras"));
                // The simple format allows `{type: X, stddev: ...}`: the mapping is the config.
                let config = match config {
                    Some(c) if c.as_object().is_some() => Some(c),
                    _ if node.get("type").is_some() => Some(node),
                    _ => None,
                };
                Some(NamedObject {
                    name: class_name.to_string(),
                    span: class.span,
                    config,
                    custom,
                })
            }
            _ => None,
        }
    }

    pub fn activation(node: &Node) -> Option<ActivationRef> {
        if node.is_null() {
            return Some(ActivationRef {
                name: "linear".into(),
                info: catalog::activation("linear"),
                span: node.span,
                explicit: true,
                custom: false,
            });
        }
        let obj = named_object(node)?;
        Some(ActivationRef {
            info: if obj.custom {
                None
            } else {
                catalog::activation(&obj.name)
            },
            name: obj.name,
            span: obj.span,
            explicit: true,
            custom: obj.custom,
        })
    }

    pub fn default_activation(name: &str, span: Span) -> ActivationRef {
        ActivationRef {
            name: name.to_string(),
            info: catalog::activation(name),
            span,
            explicit: false,
            custom: false,
        }
    }

    pub fn initializer(node: &Node) -> Option<InitializerRef> {
        let obj = named_object(node)?;
        Some(InitializerRef {
            info: if obj.custom {
                None
            } else {
                catalog::initializer(&obj.name)
            },
            name: obj.name,
            span: obj.span,
            explicit: true,
            custom: obj.custom,
            config: obj.config.cloned(),
        })
    }

    pub fn default_initializer(name: &str, span: Span) -> InitializerRef {
        InitializerRef {
            name: name.to_string(),
            info: catalog::initializer(name),
            span,
            explicit: false,
            custom: false,
            config: None,
        }
    }

    pub fn loss(node: &Node) -> Option<LossRef> {
        let obj = named_object(node)?;
        let from_logits = obj
            .config
            .and_then(|c| c.get("from_logits"))
            .and_then(|f| f.as_bool().map(|b| Spanned::new(b, f.span)));
        // tf-keras wraps plain functions: {class_name: "LossFunctionWrapper", config: {fn: "..."}}
        let (name, custom) = match obj
            .config
            .and_then(|c| c.get("fn"))
            .and_then(|f| f.as_str())
        {
            Some(f) if obj.name == "LossFunctionWrapper" => (f.to_string(), f.contains('>')),
            _ => (obj.name.clone(), obj.custom),
        };
        Some(LossRef {
            info: if custom {
                None
            } else {
                catalog::loss_info(&name)
            },
            name,
            span: obj.span,
            custom,
            from_logits,
            config: obj.config.cloned(),
        })
    }

    pub fn metric(node: &Node) -> Option<MetricRef> {
        let obj = named_object(node)?;
        // tf-keras HDF5 training_config: MeanMetricWrapper{name, fn}
        let name = match obj
            .config
            .and_then(|c| c.get("fn"))
            .and_then(|f| f.as_str())
        {
            Some(f) if obj.name == "MeanMetricWrapper" => f.to_string(),
            _ => obj.name,
        };
        Some(MetricRef {
            name,
            span: obj.span,
            config: obj.config.cloned(),
        })
    }
}
