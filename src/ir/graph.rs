//! Graph wiring shared by the front ends: a model's graphs and the edges
//! between their layers (a Sequential's chain, a wrapper and the layer it
//! wraps), then, once every edge is in, the successor lists and the cut of
//! any cycle. What is particular to a format (Keras `inbound_nodes`, the
//! simple format's layer list) stays in its front end.

use super::{Graph, GraphId, GraphKind, LayerId, Model, Output, Unresolved};

/// Adds an empty graph; `owner` is the layer that is this model when it is
/// nested.
pub fn push(
    model: &mut Model,
    kind: GraphKind,
    name: Option<String>,
    owner: Option<LayerId>,
) -> GraphId {
    model.graphs.push(Graph {
        kind,
        name,
        owner,
        layers: Vec::new(),
        inputs: Vec::new(),
        outputs: Vec::new(),
    });
    model.graphs.len() - 1
}

/// Appends layer `id` to the sequential graph `gid` after `prev`: `prev`,
/// when there is one, is its only input (called once, with one tensor);
/// the first layer is the graph's input.
pub fn chain(model: &mut Model, gid: GraphId, id: LayerId, prev: Option<LayerId>) {
    model.graphs[gid].layers.push(id);
    match prev {
        Some(p) => {
            let layer = &mut model.layers[id];
            layer.inputs.push(p);
            layer.args.push((p, 0));
            layer.calls = 1;
        }
        None => model.graphs[gid].inputs.push(id),
    }
}

/// Makes layer `last` the one output of graph `gid`, named after it.
pub fn output_last(model: &mut Model, gid: GraphId, last: LayerId) {
    let layer = &model.layers[last];
    let output = Output {
        name: layer.name().unwrap_or("output").to_string(),
        layer: last,
        tensor: 0,
        span: layer.span,
    };
    model.graphs[gid].outputs.push(output);
}

/// Links the wrapper `id` (`Bidirectional`, `TimeDistributed`, `RNN`) and
/// the layer `inner` it wraps; the wrapper acts as what it wraps, so it
/// takes the activation, kernel initializer and units it does not have
/// from `inner`.
pub fn wrap(model: &mut Model, id: LayerId, inner: LayerId) {
    model.layers[inner].wrapper = Some(id);
    model.layers[id].wrapped = Some(inner);
    let act = model.layers[inner].activation.clone();
    let init = model.layers[inner].kernel_initializer.clone();
    let units = model.layers[inner].units.clone();
    let l = &mut model.layers[id];
    l.activation = l.activation.take().or(act);
    l.kernel_initializer = l.kernel_initializer.take().or(init);
    l.units = l.units.take().or(units);
}

/// Each layer's successors (`outputs`), from the predecessors (`inputs`)
/// the front end wired.
pub fn link_successors(model: &mut Model) {
    for l in model.layers.iter_mut() {
        l.outputs.clear();
    }
    let mut seen = std::collections::HashSet::new();
    for to in 0..model.layers.len() {
        for i in 0..model.layers[to].inputs.len() {
            let from = model.layers[to].inputs[i];
            if seen.insert((from, to)) {
                model.layers[from].outputs.push(to);
            }
        }
    }
}

/// Reports each cycle once and cuts it, so later walks terminate.
pub fn detect_cycles(model: &mut Model) {
    // Iterative three-color DFS over predecessor edges.
    let n = model.layers.len();
    let mut color = vec![0u8; n];
    let mut cut: Vec<(LayerId, LayerId)> = Vec::new();
    for start in 0..n {
        if color[start] != 0 {
            continue;
        }
        let mut stack: Vec<(LayerId, usize)> = vec![(start, 0)];
        color[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&pred) = model.layers[node].inputs.get(*next) {
                *next += 1;
                match color[pred] {
                    0 => {
                        color[pred] = 1;
                        stack.push((pred, 0));
                    }
                    1 => cut.push((node, pred)),
                    _ => {}
                }
            } else {
                color[node] = 2;
                stack.pop();
            }
        }
    }
    for (node, pred) in cut {
        let layer = &model.layers[node];
        let name = layer.name().unwrap_or("?").to_string();
        let pred_name = model.layers[pred].name().unwrap_or("?").to_string();
        let span = layer.name.as_ref().map_or(layer.span, |n| n.span);
        model.unresolved.push(Unresolved {
            message: format!(
                "layer graph has a cycle: `{name}` takes its input from `{pred_name}`, which depends on `{name}`"
            ),
            span,
            help: Some("a model's layers must form a directed acyclic graph".into()),
        });
        model.layers[node].inputs.retain(|&p| p != pred);
        model.layers[pred].outputs.retain(|&s| s != node);
    }
}
