//! Following values through a model, for the rules about hidden layers,
//! initialization and recurrent layers: which layers consume a layer's
//! output, which activation a weight layer effectively applies, whether its
//! value ends in a model output or in a multiplicative gate.
//!
//! Chains follow graph edges (`Layer::outputs`), never the order layers are
//! listed in. Edges connect the outermost wrapper (`TimeDistributed(Dense)`
//! is one node), so walks step on wrappers and classify by what they wrap.
//! A chain ends at the boundary of its model: the output of a nested model
//! is treated like any model output, and a nested model used as a layer is
//! opaque.

use std::collections::HashSet;

use crate::ir::catalog::{self, ActFamily, InitFamily};
use crate::ir::{read, ActivationRef, GraphId, InitializerRef, Layer, LayerId, Model};

/// What a wrapper applies (`TimeDistributed(Dense)` -> the `Dense`); the layer
/// itself when it wraps nothing.
pub fn content(model: &Model, id: LayerId) -> &Layer {
    let mut cur = id;
    for _ in 0..model.layers.len() {
        match model.layers[cur].wrapped {
            Some(inner) => cur = inner,
            None => break,
        }
    }
    &model.layers[cur]
}

/// The graph whose edges connect this layer (its outermost wrapper's graph).
pub fn graph_of(model: &Model, id: LayerId) -> GraphId {
    model.layers[model.outermost(id)].graph
}

/// What `find` reports on each layer, grouped by the model the layer is in
/// (the top level and each nested model), in layer order: for rules that
/// report once per model with a label on each layer.
pub fn by_graph<'m, T>(
    model: &'m Model,
    find: impl Fn(&'m Model, &'m Layer) -> Option<T>,
) -> std::collections::BTreeMap<GraphId, Vec<T>> {
    let mut groups: std::collections::BTreeMap<GraphId, Vec<T>> = Default::default();
    for layer in &model.layers {
        if let Some(found) = find(model, layer) {
            groups
                .entry(graph_of(model, layer.id))
                .or_default()
                .push(found);
        }
    }
    groups
}

/// `Activation(...)`, `ReLU`, `LeakyReLU`, `PReLU`, `ELU`, `Softmax`, ...
pub fn is_activation_layer(layer: &Layer) -> bool {
    layer.class() == "Activation" || catalog::activation_layer(layer.class()).is_some()
}

/// Layers whose output is their input, rearranged at most: dropout and noise
/// (identity at inference), reshapes, padding, cropping, `Activation("linear")`.
pub fn is_value_preserving(layer: &Layer) -> bool {
    let class = layer.class();
    catalog::is_dropout(class)
        || catalog::is_shape_layer(class)
        || (class == "ActivityRegularization")
        || (class == "Activation" && layer.activation_family() == Some(ActFamily::Linear))
}

/// Max/average pooling, global or not (`MaxPooling2D`, `AvgPool1D`, ...).
pub fn is_pooling(layer: &Layer) -> bool {
    layer.class().contains("Pool")
}

pub fn is_normalization(layer: &Layer) -> bool {
    catalog::is_normalization(layer.class())
}

/// A layer that combines several tensors (`Add`, `Concatenate`, ...).
pub fn is_merge(model: &Model, id: LayerId) -> bool {
    model.layers[model.outermost(id)].inputs.len() >= 2
}

/// Whether the layer's value is an output of its model (top-level or nested).
pub fn is_graph_output(model: &Model, id: LayerId) -> bool {
    let outer = model.outermost(id);
    model
        .graphs
        .get(model.layers[outer].graph)
        .is_some_and(|g| g.outputs.iter().any(|o| o.layer == outer))
}

/// Where a layer's output goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Exactly one layer consumes it (the consumer's outermost wrapper).
    Layer(LayerId),
    /// Several layers consume it.
    Branch,
    /// It is an output of its model.
    Output,
    /// Nothing consumes it.
    End,
}

/// The consumer of a layer's output, when there is exactly one.
pub fn next(model: &Model, id: LayerId) -> Step {
    let outer = model.outermost(id);
    if is_graph_output(model, outer) {
        return Step::Output;
    }
    match model.layers[outer].outputs.as_slice() {
        [] => Step::End,
        [one] => Step::Layer(*one),
        _ => Step::Branch,
    }
}

/// Where following single consumers through the layers `pass` accepts stops.
pub struct Reach {
    /// The first step `pass` did not accept.
    pub step: Step,
    /// The layers passed on the way (outermost ids), in order.
    pub passed: Vec<LayerId>,
}

/// Follows the chain of single consumers from `from` while `pass` accepts
/// what each consumer applies.
pub fn follow(model: &Model, from: LayerId, pass: impl Fn(&Layer) -> bool) -> Reach {
    let mut passed = Vec::new();
    let mut cur = from;
    for _ in 0..model.layers.len() {
        match next(model, cur) {
            Step::Layer(l) if pass(content(model, l)) => {
                passed.push(l);
                cur = l;
            }
            step => return Reach { step, passed },
        }
    }
    Reach {
        step: Step::End,
        passed,
    }
}

/// The activation a weight layer's output effectively goes through.
#[derive(Clone, Copy, Debug)]
pub struct Effective<'m> {
    pub activation: &'m ActivationRef,
    /// The layer that applies it: the weight layer itself, or the activation
    /// layer after it.
    pub layer: LayerId,
    /// A normalization layer sits between the weight layer and the
    /// activation (`Conv2D -> BatchNormalization -> ReLU`).
    pub normalized: bool,
}

impl Effective<'_> {
    pub fn family(&self) -> Option<ActFamily> {
        self.activation.family()
    }
}

/// A weight layer's own activation when it has a non-linear one; otherwise
/// the activation layer that follows it, possibly after value-preserving and
/// normalization layers (`Dense -> Dropout -> ReLU`, `Conv2D -> BN -> ReLU`);
/// otherwise its own (linear) activation.
pub fn effective_activation(model: &Model, id: LayerId) -> Option<Effective<'_>> {
    let layer = content(model, id);
    let own = layer.activation.as_ref()?;
    let own_effective = Effective {
        activation: own,
        layer: layer.id,
        normalized: false,
    };
    if own.family() != Some(ActFamily::Linear) {
        return Some(own_effective);
    }
    let reach = follow(model, layer.id, |l| {
        is_value_preserving(l) || is_normalization(l)
    });
    if let Step::Layer(next) = reach.step {
        let next = content(model, next);
        if let Some(act) = next
            .activation
            .as_ref()
            .filter(|_| is_activation_layer(next))
        {
            let normalized = reach
                .passed
                .iter()
                .any(|&p| is_normalization(content(model, p)));
            return Some(Effective {
                activation: act,
                layer: next.id,
                normalized,
            });
        }
    }
    Some(own_effective)
}

/// A weight layer whose value (after its activation) is not an output of
/// its model: not an output head, not the last layer of a nested model.
pub fn is_hidden(model: &Model, id: LayerId) -> bool {
    if model.is_head_layer(id) || model.is_head_layer(model.outermost(id)) {
        return false;
    }
    let reach = follow(model, id, |l| {
        is_value_preserving(l) || is_activation_layer(l) || is_normalization(l)
    });
    reach.step != Step::Output && !reach.passed.iter().any(|&p| model.is_head_layer(p))
}

/// Whether a weight layer computes a multiplicative gate: its single-consumer
/// chain reaches a `Multiply` with at most one more weight layer on the way,
/// as in squeeze-and-excitation blocks (EfficientNet, MobileNetV3) and
/// GLU-style gates. Such layers squash a pooled summary into a 0..1 factor;
/// sigmoid there is the point, not a hidden-layer choice.
pub fn is_gate(model: &Model, id: LayerId) -> bool {
    let mut cur = id;
    let mut weights = 0;
    for _ in 0..8 {
        let Step::Layer(l) = next(model, cur) else {
            return false;
        };
        let inner = content(model, l);
        if inner.class() == "Multiply" {
            return true;
        }
        if is_merge(model, l) || inner.nested.is_some() {
            return false;
        }
        if inner.is_weight_layer() || inner.is_recurrent() {
            weights += 1;
            if weights > 1 {
                return false;
            }
        }
        cur = l;
    }
    false
}

/// Whether every path from `from` reaches a normalization layer before
/// anything else that is not an activation, dropout, reshape or pooling
/// layer (a weight layer, a merge, a model output).
pub fn followed_by_normalization(model: &Model, from: LayerId) -> bool {
    let mut stack = vec![from];
    let mut seen: HashSet<LayerId> = HashSet::new();
    let mut found = false;
    while let Some(cur) = stack.pop() {
        let outer = model.outermost(cur);
        if is_graph_output(model, outer) {
            return false;
        }
        let consumers = &model.layers[outer].outputs;
        if consumers.is_empty() || seen.len() > model.layers.len() {
            return false;
        }
        for &c in consumers {
            let inner = content(model, c);
            if is_normalization(inner) {
                found = true;
            } else if (is_activation_layer(inner)
                || is_value_preserving(inner)
                || is_pooling(inner))
                && !is_merge(model, c)
            {
                if seen.insert(c) {
                    stack.push(c);
                }
            } else {
                return false;
            }
        }
    }
    found
}

/// The name of the constructor argument holding a weight layer's kernel
/// initializer.
pub fn kernel_initializer_key(class: &str) -> &'static str {
    if class.starts_with("Depthwise") {
        "depthwise_initializer"
    } else if class.starts_with("Separable") {
        "pointwise_initializer"
    } else {
        "kernel_initializer"
    }
}

/// A weight layer's kernel initializer; for separable convolutions the
/// pointwise one (the kernel the following activation acts on).
pub fn kernel_initializer(layer: &Layer) -> Option<InitializerRef> {
    if layer.class().starts_with("Separable") {
        if let Some(init) = layer
            .param("pointwise_initializer")
            .and_then(read::initializer)
        {
            return Some(init);
        }
    }
    layer.kernel_initializer.clone()
}

/// How a message names an effective activation: the class of an activation
/// layer (`PReLU`, `LeakyReLU`), else the activation's name.
pub fn activation_name<'m>(model: &'m Model, eff: &Effective<'m>) -> &'m str {
    let applier = &model.layers[eff.layer];
    if catalog::activation_layer(applier.class()).is_some() {
        applier.class()
    } else {
        &eff.activation.name
    }
}

/// The family of an initializer when it is one of the variance-preserving
/// schemes made for something other than ReLU: Glorot, LeCun, or a
/// `VarianceScaling` with scale 1. Returns how messages name it.
pub fn non_he_scaling(init: &InitializerRef) -> Option<&'static str> {
    match init.effective_family()? {
        InitFamily::Glorot => Some("Glorot"),
        InitFamily::Lecun => Some("LeCun"),
        InitFamily::VarianceScaling => {
            let scale = init.param("scale").and_then(|n| n.as_f64()).unwrap_or(1.0);
            ((scale - 1.0).abs() < 1e-6).then_some("scale-1 variance scaling")
        }
        _ => None,
    }
}

/// Whether a graph is a sequence model (it has recurrent or attention
/// layers) rather than an MLP/CNN.
pub fn is_sequence_graph(model: &Model, graph: GraphId) -> bool {
    model.layers.iter().any(|l| {
        (l.is_recurrent() || l.class().contains("Attention")) && graph_of(model, l.id) == graph
    })
}

/// For the backward layer of a `Bidirectional`: whether the forward layer has
/// the same value of `attr`, so a finding on the forward layer covers both.
pub fn mirrors_forward(
    model: &Model,
    layer: &Layer,
    attr: impl Fn(&Layer) -> Option<&ActivationRef>,
) -> bool {
    let Some(w) = layer.wrapper else {
        return false;
    };
    match model.layers[w].wrapped {
        Some(forward) if forward != layer.id => {
            let name = |l: &Layer| attr(l).map(|a| a.name.clone());
            name(&model.layers[forward]) == name(layer)
        }
        _ => false,
    }
}

/// "`a`, `b`, `c` and 4 more" for messages.
pub fn list_layers(model: &Model, ids: &[LayerId], max: usize) -> String {
    let names: Vec<String> = ids
        .iter()
        .take(max)
        .map(|&id| model.describe_layer(id))
        .collect();
    let mut s = match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] if ids.len() <= max => format!("{} and {last}", init.join(", ")),
        all => all.join(", "),
    };
    if ids.len() > max {
        s.push_str(&format!(" and {} more", ids.len() - max));
    }
    s
}

/// "LSTM `lstm`" for a named layer, "layer 1 (`LSTM`)" for an unnamed one.
pub fn describe_with_class(model: &Model, id: LayerId) -> String {
    let layer = &model.layers[id];
    match layer.name() {
        Some(_) => format!("{} {}", layer.class(), model.describe_layer(id)),
        None => model.describe_layer(id),
    }
}
