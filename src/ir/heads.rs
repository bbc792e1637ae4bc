//! Finishing a model: its graph wiring completed (see [`super::graph`]),
//! the output heads, and the assignment of losses and metrics to heads.

use super::read;
use super::{Head, HeadActivation, LayerId, Model, Output, Spanned, Unresolved};
use crate::ir::catalog;
use crate::tree::{Node, Value};

/// Call after all layers, graphs and edges are in place.
pub fn finish(model: &mut Model, loss: Option<&Node>, metrics: Option<&Node>) {
    super::graph::link_successors(model);
    super::graph::detect_cycles(model);
    build_heads(model);
    assign_losses(model, loss);
    assign_metrics(model, metrics);
    super::infer::infer(model);
}

/// Layers a walk back from one output visits at most.
const MAX_HEAD_WALK: usize = 1024;
/// Earlier activations kept per head (rules look at the last few).
const MAX_EARLIER_ACTIVATIONS: usize = 16;

/// One head per output of the top-level graph.
fn build_heads(model: &mut Model) {
    let outputs = model.graphs[0].outputs.clone();
    model.heads = outputs
        .iter()
        .enumerate()
        .map(|(index, out)| head(model, index, out))
        .collect();
}

/// Walks back from an output to find the layer with the units and the
/// activations applied on the way.
fn head(model: &Model, index: usize, out: &Output) -> Head {
    let mut head = Head {
        index,
        name: out.name.clone(),
        output_layer: out.layer,
        producer: None,
        activation: None,
        earlier_activations: Vec::new(),
        units: None,
        loss: None,
        metrics: Vec::new(),
    };
    // `cur` is the layer in its graph (whose inputs the walk follows);
    // `eff` is what it computes (the layer inside a wrapper).
    let mut cur = out.layer;
    let mut tensor = out.tensor;
    let mut steps = 0;
    // Bounded: thousands of outputs at the end of a long chain of
    // activation layers must not cost outputs x chain steps.
    while steps <= model.layers.len().min(MAX_HEAD_WALK) {
        steps += 1;
        if let Some(g) = model.layers[cur].nested {
            let inner = &model.graphs[g];
            match inner.outputs.get(tensor).or(inner.outputs.first()) {
                Some(o) => {
                    tensor = o.tensor;
                    cur = o.layer;
                    continue;
                }
                None => break,
            }
        }
        if !visit(model, &mut head, unwrapped(model, cur)) {
            break;
        }
        match model.layers[cur].inputs.as_slice() {
            [single] => {
                cur = *single;
                tensor = 0;
            }
            _ => break,
        }
    }
    head
}

/// What a `TimeDistributed` or `Bidirectional` layer computes: the layer
/// inside it (through at most 8 wrappers).
fn unwrapped(model: &Model, cur: LayerId) -> LayerId {
    let mut eff = cur;
    let mut hops = 0;
    while matches!(
        model.layers[eff].class(),
        "TimeDistributed" | "Bidirectional"
    ) && hops < 8
    {
        match model.layers[eff].wrapped {
            Some(w) => eff = w,
            None => break,
        }
        hops += 1;
    }
    eff
}

/// One step of the walk back at the layer `eff` computes: records its
/// activation; whether the walk goes on to the layer's input (an
/// activation layer, a shape or dropout layer) or stops (the producer with
/// the units, or a merge, an op or a custom layer).
fn visit(model: &Model, head: &mut Head, eff: LayerId) -> bool {
    let layer = &model.layers[eff];
    let class = layer.class();
    let is_act_layer = class == "Activation" || catalog::activation_layer(class).is_some();
    if is_act_layer {
        match &layer.activation {
            // `Activation('linear')` changes nothing: look further back.
            Some(a) if a.family().is_some_and(|f| f.is_linear()) => {}
            Some(a) => record(head, a, eff),
            None => {}
        }
        true
    } else if catalog::is_shape_layer(class) || catalog::is_dropout(class) {
        // values pass through unchanged
        true
    } else if layer.units.is_some() || layer.is_weight_layer() || layer.is_recurrent() {
        head.producer = Some(eff);
        head.units = layer.units.clone();
        if let Some(a) = &layer.activation {
            record(head, a, eff);
        }
        false
    } else {
        // A merge, an op layer or a custom layer: the head's
        // activation is whatever was found so far.
        false
    }
}

/// The activation `a` applied by layer `eff`: the head's last activation
/// when it has none yet, else an earlier one (linear ones are not kept).
fn record(head: &mut Head, a: &super::ActivationRef, eff: LayerId) {
    let ha = HeadActivation {
        activation: a.clone(),
        layer: eff,
    };
    if head.activation.is_none() {
        head.activation = Some(ha);
    } else if !a.family().is_some_and(|f| f.is_linear())
        && head.earlier_activations.len() < MAX_EARLIER_ACTIVATIONS
    {
        head.earlier_activations.push(ha);
    }
}

/// A loss given once applies to every head; a mapping by output name; a
/// list by output order.
fn assign_losses(model: &mut Model, loss: Option<&Node>) {
    let Some(loss) = loss.filter(|l| !l.is_null()) else {
        return;
    };
    model.compiled = true;
    let n_heads = model.heads.len();
    match &loss.value {
        Value::Array(items) if n_heads == 1 && items.len() == 1 => {
            model.heads[0].loss = read::loss(&items[0]);
        }
        Value::Array(items) => {
            if items.len() != n_heads {
                model.unresolved.push(Unresolved {
                    message: format!(
                        "the loss list has {} entries but the model has {} output{}",
                        items.len(),
                        n_heads,
                        if n_heads == 1 { "" } else { "s" }
                    ),
                    span: loss.span,
                    help: Some("give one loss per output, in output order".into()),
                });
            }
            for (head, item) in model.heads.iter_mut().zip(items) {
                head.loss = read::loss(item);
            }
        }
        Value::Object(entries) if read::named_object(loss).is_none() => {
            for e in entries {
                match model.heads.iter_mut().find(|h| h.name == e.key) {
                    Some(head) => head.loss = read::loss(&e.value),
                    None => model.unresolved.push(unknown_output(
                        model_output_names(&model.heads),
                        "loss",
                        &e.key,
                        e.key_span,
                    )),
                }
            }
        }
        _ => {
            let l = read::loss(loss);
            for head in model.heads.iter_mut() {
                head.loss = l.clone();
            }
        }
    }
}

fn model_output_names(heads: &[Head]) -> Vec<String> {
    heads.iter().map(|h| h.name.clone()).collect()
}

fn unknown_output(
    names: Vec<String>,
    what: &str,
    key: &str,
    span: crate::source::Span,
) -> Unresolved {
    let suggestion = super::suggest::closest(key, names.iter().map(String::as_str));
    Unresolved {
        message: format!("the {what} names output `{key}`, which the model does not have"),
        span,
        help: Some(match suggestion {
            Some(s) => format!("did you mean `{s}`? The outputs are: {}", names.join(", ")),
            None => format!("the model's outputs are: {}", names.join(", ")),
        }),
    }
}

fn metrics_of(node: &Node) -> Vec<super::MetricRef> {
    match &node.value {
        Value::Array(items) => items
            .iter()
            .flat_map(|i| match &i.value {
                Value::Array(_) => metrics_of(i),
                _ => read::metric(i).into_iter().collect(),
            })
            .collect(),
        // No metric, or metrics not known statically: none are assumed.
        Value::Null | Value::Unknown => Vec::new(),
        _ => read::metric(node).into_iter().collect(),
    }
}

fn assign_metrics(model: &mut Model, metrics: Option<&Node>) {
    let Some(metrics) = metrics.filter(|m| !m.is_null()) else {
        return;
    };
    let n_heads = model.heads.len();
    match &metrics.value {
        // Per-output lists: [[...], [...]]
        Value::Array(items)
            if n_heads > 1
                && !items.is_empty()
                && items.iter().all(|i| i.as_array().is_some() || i.is_null()) =>
        {
            for (head, item) in model.heads.iter_mut().zip(items) {
                head.metrics = metrics_of(item);
            }
        }
        Value::Object(entries) if read::named_object(metrics).is_none() => {
            for e in entries {
                match model.heads.iter_mut().find(|h| h.name == e.key) {
                    Some(head) => head.metrics = metrics_of(&e.value),
                    None => model.unresolved.push(unknown_output(
                        model_output_names(&model.heads),
                        "metrics mapping",
                        &e.key,
                        e.key_span,
                    )),
                }
            }
        }
        _ => {
            let m = metrics_of(metrics);
            for head in model.heads.iter_mut() {
                head.metrics = m.clone();
            }
        }
    }
}

/// The span to point at for a head as a whole: its activation, else its producer's class.
pub fn head_span(model: &Model, head: &Head) -> crate::source::Span {
    if let Some(a) = &head.activation {
        return a.activation.span;
    }
    let id = head.producer.unwrap_or(head.output_layer);
    model.layers[id].class.span
}

/// `Spanned` helper used by builders.
pub fn spanned_str(node: &Node) -> Option<Spanned<String>> {
    node.as_str()
        .map(|s| Spanned::new(s.to_string(), node.span))
}
