//! Static shape inference: each layer's per-sample output shape and its
//! parameter count, propagated once over the graphs of a built model.
//!
//! Shapes start at the declared inputs (`InputLayer` `batch_shape` /
//! `batch_input_shape`, a first layer's `batch_input_shape` / `input_shape`
//! / `input_dim`, the simple format's `input.shape`) and flow through the
//! layers whose arithmetic is known (see docs/shapes.md). Anything else
//! (Lambda, custom layers, unknown classes, a layer called more than once)
//! is unknown, and so is everything computed from it: nothing is guessed.
//!
//! Each graph is evaluated in the order its layers are listed, which is the
//! order Keras writes them (inputs before the layers they feed); an input
//! that is not evaluated yet when a layer is reached counts as unknown. Every
//! layer is evaluated once, so the cost is linear in the number of layers.

use std::collections::HashMap;

use super::catalog::{self, ConvKind};
use super::shapes::{conv_out, conv_transpose_out, num_elements, Dim, Padding, Shape};
use super::{Format, GraphId, Layer, LayerId, Model};
use crate::tree::Node;

/// Nested models deeper than this are left unknown (the front ends stop
/// building them far earlier).
const MAX_DEPTH: usize = 64;

struct State {
    shapes: Vec<Option<Shape>>,
    params: Vec<Option<u64>>,
    done: Vec<bool>,
    /// Output tensors after the first (`return_state`, several outputs).
    more: HashMap<LayerId, Vec<Option<Shape>>>,
}

/// Fills `model.shapes` and `model.params`.
pub fn infer(model: &mut Model) {
    let n = model.layers.len();
    let mut st = State {
        shapes: vec![None; n],
        params: vec![None; n],
        done: vec![false; n],
        more: HashMap::new(),
    };
    if !model.graphs.is_empty() {
        let seed = model.declared_input.clone();
        eval_graph(model, 0, &[seed], &mut st, 0);
    }
    model.shapes = st.shapes;
    model.params = st.params;
    model.more_shapes = st.more;
}

/// The shape of output tensor `t` of a layer, once it is evaluated.
fn tensor(st: &State, id: LayerId, t: usize) -> Option<Shape> {
    if !st.done.get(id).copied().unwrap_or(false) {
        return None;
    }
    if t == 0 {
        return st.shapes[id].clone();
    }
    st.more.get(&id)?.get(t - 1)?.clone()
}

/// Evaluates every layer of a graph; `seed` holds the shapes passed to it
/// (a nested model's call inputs, or the declared model input).
fn eval_graph(
    model: &Model,
    gid: GraphId,
    seed: &[Option<Shape>],
    st: &mut State,
    depth: usize,
) -> Vec<Option<Shape>> {
    let graph = &model.graphs[gid];
    // A nested model whose inputs declare shapes other than the ones it is
    // called with: its layers are listed with the declared shapes (as
    // Keras lists them), its output as called is not known.
    let mut differs = false;
    for (i, &id) in graph.inputs.iter().enumerate() {
        // A graph input with no call: its input is declared or seeded.
        let given = seed.get(i).cloned().flatten();
        if let (Some(g), Some(own)) = (&given, declared_input(&model.layers[id])) {
            differs |= *g != own && graph.owner.is_some();
        }
        eval_layer(model, id, Some(given), st, depth);
    }
    for &id in &graph.layers {
        eval_layer(model, id, None, st, depth);
    }
    graph
        .outputs
        .iter()
        .map(|o| tensor(st, o.layer, o.tensor).filter(|_| !differs))
        .collect()
}

/// Evaluates one layer of a graph; `entry` is set for a graph input: the
/// shape its graph is given from outside (when known).
fn eval_layer(
    model: &Model,
    id: LayerId,
    entry: Option<Option<Shape>>,
    st: &mut State,
    depth: usize,
) {
    if st.done[id] {
        return;
    }
    let layer = &model.layers[id];
    let inputs: Vec<Option<Shape>> = match entry {
        Some(given) if layer.args.is_empty() => vec![declared_input(layer).or(given)],
        _ if layer.args.is_empty() => vec![declared_input(layer)],
        _ => layer.args.iter().map(|&(l, t)| tensor(st, l, t)).collect(),
    };
    let (mut outs, params) = if depth > MAX_DEPTH || layer.custom {
        (vec![None], None)
    } else {
        outputs(model, layer, &inputs, st, depth)
    };
    // A shared layer has one output per call: which one a successor reads
    // is not tracked, so none is known.
    if layer.calls > 1 {
        outs = vec![None];
    }
    st.done[id] = true;
    st.params[id] = params;
    let mut it = outs.into_iter();
    st.shapes[id] = it.next().flatten();
    let rest: Vec<Option<Shape>> = it.collect();
    if !rest.is_empty() {
        st.more.insert(id, rest);
    }
}

/// A shape written in a config: a list of integers and nulls.
fn shape_of(node: &Node) -> Option<Shape> {
    node.as_array()?
        .iter()
        .map(|d| {
            if d.is_null() {
                Some(None)
            } else {
                d.as_u64().map(Some)
            }
        })
        .collect()
}

/// The per-sample input shape a layer declares for itself.
fn declared_input(layer: &Layer) -> Option<Shape> {
    for key in ["batch_shape", "batch_input_shape"] {
        if let Some(s) = layer.param(key).and_then(shape_of) {
            return s.get(1..).map(<[Dim]>::to_vec);
        }
    }
    if let Some(s) = layer.param("input_shape").and_then(shape_of) {
        return Some(s);
    }
    if let Some(s) = layer.param("shape").and_then(shape_of) {
        if layer.class() == "InputLayer" {
            return Some(s);
        }
    }
    layer
        .param("input_dim")
        .and_then(Node::as_u64)
        .filter(|_| layer.class() == "Dense")
        .map(|d| vec![Some(d)])
}

fn flag(layer: &Layer, key: &str, default: bool) -> bool {
    layer.param(key).and_then(Node::as_bool).unwrap_or(default)
}

fn uint(layer: &Layer, key: &str) -> Option<u64> {
    layer.param(key).and_then(Node::as_u64)
}

/// An integer or a list of `n` integers (`kernel_size: 3` or `[3, 3]`).
fn ints(node: Option<&Node>, n: usize) -> Option<Vec<u64>> {
    let node = node?;
    if let Some(v) = node.as_u64() {
        return Some(vec![v; n]);
    }
    let items = node.as_array()?;
    if items.len() != n {
        return None;
    }
    items.iter().map(Node::as_u64).collect()
}

/// Per-axis `(before, after)` amounts: `1`, `[1, 2]` (one axis),
/// `[[1, 1], [2, 2]]`, or `[1, 2]` meaning symmetric per axis when `n > 1`.
fn pairs(node: Option<&Node>, n: usize, default: u64) -> Option<Vec<(u64, u64)>> {
    let Some(node) = node else {
        return Some(vec![(default, default); n]);
    };
    if let Some(v) = node.as_u64() {
        return Some(vec![(v, v); n]);
    }
    let items = node.as_array()?;
    if n == 1 {
        return match items {
            [a, b] => Some(vec![(a.as_u64()?, b.as_u64()?)]),
            _ => None,
        };
    }
    if items.len() != n {
        return None;
    }
    items
        .iter()
        .map(|item| {
            if let Some(v) = item.as_u64() {
                return Some((v, v));
            }
            match item.as_array()? {
                [a, b] => Some((a.as_u64()?, b.as_u64()?)),
                _ => None,
            }
        })
        .collect()
}

fn channels_first(layer: &Layer) -> bool {
    layer.param("data_format").and_then(Node::as_str) == Some("channels_first")
}

/// Splits a rank-`n + 1` shape into spatial axes and channels.
fn split(x: &Shape, n: usize, first: bool) -> Option<(Vec<Dim>, Dim)> {
    if x.len() != n + 1 {
        return None;
    }
    Some(if first {
        (x[1..].to_vec(), x[0])
    } else {
        (x[..n].to_vec(), x[n])
    })
}

fn join(spatial: Vec<Dim>, ch: Dim, first: bool) -> Shape {
    if first {
        let mut s = vec![ch];
        s.extend(spatial);
        s
    } else {
        let mut s = spatial;
        s.push(ch);
        s
    }
}

fn mul(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    a?.checked_mul(b?)
}

fn add(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    a?.checked_add(b?)
}

type Out = (Vec<Option<Shape>>, Option<u64>);

fn one(shape: Option<Shape>, params: Option<u64>) -> Out {
    (vec![shape], params)
}

/// A layer's output tensors and parameter count from its input shapes.
fn outputs(model: &Model, layer: &Layer, ins: &[Option<Shape>], st: &mut State, d: usize) -> Out {
    let class = layer.class();
    let x = ins.first().cloned().flatten();
    let zero = catalog::has_no_weights(class).then_some(0);

    if let Some(g) = layer.nested {
        return nested(model, g, ins, st, d);
    }
    match class {
        "InputLayer" => return one(x, Some(0)),
        "Dot" => return one(dot(layer, ins), Some(0)),
        "Attention" => return attention(layer, ins),
        "MultiHeadAttention" => return multi_head_attention(layer, ins),
        "PReLU" if ins.len() == 1 => {
            let params = x.as_ref().and_then(|x| prelu_params(layer, x));
            return one(x, params);
        }
        _ => {}
    }
    if catalog::keeps_shape(class) && ins.len() == 1 {
        let params = zero.or_else(|| norm_params(layer, x.as_ref()));
        return one(x, params);
    }
    if catalog::is_elementwise_merge(class) {
        return one(merge_elementwise(ins).ok().flatten(), zero);
    }
    if class == "Concatenate" {
        return one(concatenate(ins, layer.axis()).ok().flatten(), zero);
    }
    if let Some((kind, n)) = catalog::convolution(class) {
        return conv(layer, kind, n, x);
    }
    if let Some(p) = catalog::pooling(class) {
        return one(x.and_then(|x| pool(layer, p, &x)), zero);
    }
    if catalog::is_recurrent_layer(class) {
        return rnn(model, layer, x);
    }
    match x {
        Some(x) => reshaping(model, layer, x, zero, st, d),
        None => {
            if class == "TimeDistributed" || class == "Bidirectional" {
                // Still give the wrapped layer its (unknown) output.
                if let Some(w) = layer.wrapped {
                    st.done[w] = true;
                }
            }
            one(None, None)
        }
    }
}

/// The outputs of a model used as a layer, and the sum of its layers'
/// parameters.
fn nested(model: &Model, g: GraphId, ins: &[Option<Shape>], st: &mut State, d: usize) -> Out {
    let outs = eval_graph(model, g, ins, st, d + 1);
    let params = model.graphs[g]
        .layers
        .iter()
        .try_fold(0u64, |acc, &l| acc.checked_add(st.params[l]?));
    (if outs.is_empty() { vec![None] } else { outs }, params)
}

/// `Attention`: the query's shape with the value's last axis.
fn attention(layer: &Layer, ins: &[Option<Shape>]) -> Out {
    let (Some(Some(q)), Some(Some(v))) = (ins.first(), ins.get(1)) else {
        return one(None, None);
    };
    let mut s = q.clone();
    match (s.last_mut(), v.last()) {
        (Some(l), Some(d)) => *l = *d,
        _ => return one(None, None),
    }
    let concat = layer.param("score_mode").and_then(Node::as_str) == Some("concat");
    let params = u64::from(flag(layer, "use_scale", false)) + u64::from(concat);
    one(Some(s), Some(params))
}

/// `MultiHeadAttention`: the query's shape, its last axis `output_shape`
/// when given. The parameters depend on the key's size, which may be
/// passed by keyword: not counted.
fn multi_head_attention(layer: &Layer, ins: &[Option<Shape>]) -> Out {
    let Some(Some(q)) = ins.first() else {
        return one(None, None);
    };
    let mut s = q.clone();
    let out = match layer.param("output_shape") {
        None => s.last().copied().flatten(),
        Some(n) => match (n.as_u64(), n.as_array()) {
            (Some(v), _) => Some(v),
            (None, Some([v])) => v.as_u64(),
            _ => return one(None, None),
        },
    };
    match s.last_mut() {
        Some(l) => *l = out,
        None => return one(None, None),
    }
    one(Some(s), None)
}

/// `PReLU`: one slope per input value, shared along `shared_axes`.
fn prelu_params(layer: &Layer, x: &Shape) -> Option<u64> {
    let shared: Vec<u64> = match layer.param("shared_axes") {
        None => Vec::new(),
        Some(n) => match n.as_u64() {
            Some(a) => vec![a],
            None => n
                .as_array()?
                .iter()
                .map(Node::as_u64)
                .collect::<Option<_>>()?,
        },
    };
    x.iter().enumerate().try_fold(1u64, |acc, (i, d)| {
        if shared.contains(&(i as u64 + 1)) {
            Some(acc)
        } else {
            acc.checked_mul((*d)?)
        }
    })
}

/// The layers whose output is computed from a known input shape `x`
/// (dense, embedding, reshaping, padding, the wrappers); `zero` is the
/// parameter count of a layer without weights.
fn reshaping(
    model: &Model,
    layer: &Layer,
    x: Shape,
    zero: Option<u64>,
    st: &mut State,
    d: usize,
) -> Out {
    let shape = match layer.class() {
        "Dense" => return dense(layer, &x),
        "Embedding" => {
            let out = uint(layer, "output_dim");
            let input = uint(layer, "input_dim");
            let mut s = x.clone();
            s.push(out);
            return one(out.map(|_| s), mul(input, out));
        }
        "Flatten" => Some(vec![num_elements(&x)]),
        "Reshape" => reshape(layer, &x),
        "Permute" => permute(layer, &x),
        "RepeatVector" => match x.as_slice() {
            [f] => Some(vec![uint(layer, "n"), *f]),
            _ => None,
        },
        "Cropping1D" | "Cropping2D" | "Cropping3D" | "ZeroPadding1D" | "ZeroPadding2D"
        | "ZeroPadding3D" => crop_pad(layer, &x),
        "UpSampling1D" | "UpSampling2D" | "UpSampling3D" => upsample(layer, &x),
        "TimeDistributed" => return time_distributed(model, layer, &x, st, d),
        "Bidirectional" => return bidirectional(model, layer, x, st, d),
        _ => None,
    };
    let params = zero.filter(|_| shape.is_some());
    one(shape, params)
}

fn dense(layer: &Layer, x: &Shape) -> Out {
    let units = layer.units.as_ref().map(|u| u.value);
    let last = x.last().copied().flatten();
    let bias = if flag(layer, "use_bias", true) {
        units
    } else {
        Some(0)
    };
    let mut s = x.clone();
    let params = add(mul(last, units), bias);
    match (s.last_mut(), units) {
        (Some(l), Some(u)) => *l = Some(u),
        _ => return one(None, None),
    }
    one(Some(s), params)
}

/// `Permute`: the input's axes in the order `dims` gives (1-based).
fn permute(layer: &Layer, x: &Shape) -> Option<Shape> {
    let dims = layer.param("dims").and_then(Node::as_array).map(|a| {
        a.iter()
            .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
            .collect::<Option<Vec<usize>>>()
    });
    match dims.flatten() {
        Some(dims) if dims.len() == x.len() => dims
            .iter()
            .map(|&d| d.checked_sub(1).and_then(|i| x.get(i).copied()))
            .collect(),
        _ => None,
    }
}

/// `TimeDistributed`: the wrapped layer on each step (the first axis);
/// the wrapped layer's own output is recorded too.
fn time_distributed(model: &Model, layer: &Layer, x: &Shape, st: &mut State, d: usize) -> Out {
    let (Some(w), Some((&t, rest))) = (layer.wrapped, x.split_first()) else {
        return one(None, None);
    };
    let (outs, params) = outputs(model, &model.layers[w], &[Some(rest.to_vec())], st, d);
    let inner = outs.into_iter().next().flatten();
    st.done[w] = true;
    st.shapes[w] = inner.clone();
    st.params[w] = params;
    let s = inner.map(|i| {
        let mut s = vec![t];
        s.extend(i);
        s
    });
    one(s, params)
}

/// BatchNormalization (gamma, beta, moving mean and variance) and
/// LayerNormalization (gamma, beta) on the last axis.
fn norm_params(layer: &Layer, x: Option<&Shape>) -> Option<u64> {
    let x = x?;
    let per = match layer.class() {
        "BatchNormalization" | "SyncBatchNormalization" => {
            2 + u64::from(flag(layer, "center", true)) + u64::from(flag(layer, "scale", true))
        }
        "LayerNormalization" => {
            u64::from(flag(layer, "center", true)) + u64::from(flag(layer, "scale", true))
        }
        // A per-channel scale (ConvNeXt).
        "LayerScale" => return uint(layer, "projection_dim"),
        // Without a given mean and variance, Keras adds both (per channel)
        // and a count for `adapt()`.
        "Normalization" => {
            if layer.param("mean").is_some() {
                return Some(0);
            }
            if layer
                .config
                .as_ref()
                .and_then(|c| c.get("axis"))
                .is_some_and(Node::is_null)
            {
                return None;
            }
            let ch = channel(layer, x)?;
            return ch.checked_mul(2)?.checked_add(1);
        }
        _ => return None,
    };
    channel(layer, x)?.checked_mul(per)
}

/// The size of the axis a normalization layer normalizes (`axis`, -1 by
/// default; Keras 2 writes a one-item list).
fn channel(layer: &Layer, x: &Shape) -> Option<u64> {
    // The axis: -1, or a one-item list (Keras 2 writes `[3]`, Keras 3 `-1`).
    let axis = match layer.param("axis") {
        None => -1,
        Some(a) => match (a.as_i64(), a.as_array()) {
            (Some(v), _) => v,
            (None, Some([v])) => v.as_i64()?,
            _ => return None,
        },
    };
    let rank = i64::try_from(x.len()).ok()?;
    let index = if axis < 0 { rank + axis } else { axis - 1 };
    *x.get(usize::try_from(index).ok()?)?
}

/// Why two inputs of a merge cannot be combined: the two input positions
/// and the mismatching per-sample axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub first: usize,
    pub second: usize,
    pub axis: usize,
}

/// Keras's broadcasting of element-wise merge inputs (`Add`, `Multiply`,
/// ...): aligned from the last axis, a 1 takes the other's size, unknown
/// stays unknown, two different known sizes are refused.
pub fn merge_elementwise(ins: &[Option<Shape>]) -> Result<Option<Shape>, Mismatch> {
    let mut acc: Option<(usize, Shape)> = None;
    let mut unknown = false;
    for (i, s) in ins.iter().enumerate() {
        let Some(s) = s else {
            unknown = true;
            continue;
        };
        let Some((first, a)) = &acc else {
            acc = Some((i, s.clone()));
            continue;
        };
        let (long, short) = if a.len() >= s.len() { (a, s) } else { (s, a) };
        let offset = long.len() - short.len();
        let mut out: Shape = long[..offset].to_vec();
        for (k, (p, q)) in long[offset..].iter().zip(short).enumerate() {
            out.push(match (p, q) {
                (Some(1), q) => *q,
                (p, Some(1)) => *p,
                (Some(p), Some(q)) if p != q => {
                    // Report the axis as counted on the longer input.
                    return Err(Mismatch {
                        first: *first,
                        second: i,
                        axis: offset + k,
                    });
                }
                (Some(p), Some(_)) => Some(*p),
                _ => None,
            });
        }
        acc = Some((*first, out));
    }
    Ok(if unknown { None } else { acc.map(|(_, s)| s) })
}

/// `Concatenate(axis)`: every other axis must agree; the joined axis sums.
pub fn concatenate(ins: &[Option<Shape>], axis: Option<i64>) -> Result<Option<Shape>, Mismatch> {
    let Some(axis) = axis else { return Ok(None) };
    let known: Vec<(usize, &Shape)> = ins
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
        .collect();
    let Some(&(first, base)) = known.first() else {
        return Ok(None);
    };
    let rank = base.len();
    // The per-sample axis: Keras counts the batch axis.
    let index = match usize::try_from(i64::try_from(rank).unwrap_or(0) + axis) {
        Ok(i) if axis < 0 => i,
        _ if axis > 0 => usize::try_from(axis - 1).unwrap_or(usize::MAX),
        _ => return Ok(None),
    };
    if index >= rank || known.iter().any(|(_, s)| s.len() != rank) {
        return Ok(None);
    }
    let mut out = base.clone();
    for &(i, s) in &known[1..] {
        for k in 0..rank {
            if k == index {
                out[k] = add(out[k], s[k]);
            } else {
                match (base[k], s[k]) {
                    (Some(p), Some(q)) if p != q => {
                        return Err(Mismatch {
                            first,
                            second: i,
                            axis: k,
                        })
                    }
                    (None, q) => out[k] = out[k].or(q),
                    _ => {}
                }
            }
        }
    }
    Ok((known.len() == ins.len()).then_some(out))
}

/// `Dot(axes)`: the two inputs' shapes without the summed axes, joined;
/// `(1)` when nothing is left (two vectors).
fn dot(layer: &Layer, ins: &[Option<Shape>]) -> Option<Shape> {
    let [Some(a), Some(b)] = ins else {
        return None;
    };
    let axes = layer.param("axes")?;
    let (ia, ib) = match (axes.as_i64(), axes.as_array()) {
        (Some(v), _) => (v, v),
        (None, Some([p, q])) => (p.as_i64()?, q.as_i64()?),
        _ => return None,
    };
    // Keras counts the batch axis: axis k is per-sample axis k - 1.
    let index = |axis: i64, rank: usize| -> Option<usize> {
        let rank = i64::try_from(rank).ok()?;
        let i = if axis < 0 { rank + axis } else { axis - 1 };
        usize::try_from(i).ok().filter(|&i| i < rank as usize)
    };
    let (ka, kb) = (index(ia, a.len())?, index(ib, b.len())?);
    if let (Some(p), Some(q)) = (a[ka], b[kb]) {
        if p != q {
            return None;
        }
    }
    let mut out: Shape = a
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != ka)
        .map(|(_, d)| *d)
        .collect();
    out.extend(
        b.iter()
            .enumerate()
            .filter(|&(i, _)| i != kb)
            .map(|(_, d)| *d),
    );
    if out.is_empty() {
        out.push(Some(1));
    }
    Some(out)
}

fn reshape(layer: &Layer, x: &Shape) -> Option<Shape> {
    let target = layer.param("target_shape")?.as_array()?;
    let mut out = Vec::with_capacity(target.len());
    let mut free = None;
    for (i, t) in target.iter().enumerate() {
        match t.as_i64() {
            Some(-1) if free.is_none() => {
                free = Some(i);
                out.push(None);
            }
            Some(v) if v > 0 => out.push(Some(u64::try_from(v).ok()?)),
            _ => return None,
        }
    }
    if let Some(i) = free {
        let total = num_elements(x);
        let rest = out
            .iter()
            .try_fold(1u64, |a, d| a.checked_mul(d.unwrap_or(1)));
        out[i] = match (total, rest) {
            (Some(t), Some(r)) if r > 0 && t % r == 0 => Some(t / r),
            _ => None,
        };
    }
    Some(out)
}

fn crop_pad(layer: &Layer, x: &Shape) -> Option<Shape> {
    let class = layer.class();
    let n = match class.chars().rev().nth(1)? {
        '1' => 1,
        '2' => 2,
        '3' => 3,
        _ => return None,
    };
    let crop = class.starts_with("Cropping");
    let (key, default) = if crop {
        ("cropping", if n == 1 { 1 } else { 0 })
    } else {
        ("padding", 1)
    };
    let amounts = pairs(layer.param(key), n, default)?;
    let first = n > 1 && channels_first(layer);
    let (spatial, ch) = split(x, n, first)?;
    let spatial = spatial
        .iter()
        .zip(&amounts)
        .map(|(d, (a, b))| {
            let d = (*d)?;
            if crop {
                d.checked_sub(a.checked_add(*b)?)
            } else {
                d.checked_add(a.checked_add(*b)?)
            }
        })
        .collect();
    Some(join(spatial, ch, first))
}

fn upsample(layer: &Layer, x: &Shape) -> Option<Shape> {
    let n = match layer.class() {
        "UpSampling1D" => 1,
        "UpSampling2D" => 2,
        _ => 3,
    };
    let size = ints(layer.param("size"), n)
        .or_else(|| layer.param("size").is_none().then(|| vec![2; n]))?;
    let first = n > 1 && channels_first(layer);
    let (spatial, ch) = split(x, n, first)?;
    let spatial = spatial
        .iter()
        .zip(&size)
        .map(|(d, s)| d.and_then(|d| d.checked_mul(*s)))
        .collect();
    Some(join(spatial, ch, first))
}

fn padding(layer: &Layer) -> Option<Padding> {
    match layer.param("padding") {
        None => Some(Padding::Valid),
        Some(p) => Padding::parse(&p.as_str()?.to_ascii_lowercase()),
    }
}

fn pool(layer: &Layer, p: catalog::Pooling, x: &Shape) -> Option<Shape> {
    let first = channels_first(layer);
    let (spatial, ch) = split(x, p.rank, first)?;
    if p.global {
        return Some(if flag(layer, "keepdims", false) {
            join(vec![Some(1); p.rank], ch, first)
        } else {
            vec![ch]
        });
    }
    let size = match layer.param("pool_size") {
        None => vec![2; p.rank],
        Some(n) => ints(Some(n), p.rank)?,
    };
    let strides = match layer.param("strides") {
        None => size.clone(),
        Some(n) => ints(Some(n), p.rank)?,
    };
    let pad = padding(layer)?;
    let spatial = spatial
        .iter()
        .zip(size.iter().zip(&strides))
        .map(|(d, (k, s))| conv_out(*d, *k, pad, *s, 1))
        .collect();
    Some(join(spatial, ch, first))
}

fn conv(layer: &Layer, kind: ConvKind, n: usize, x: Option<Shape>) -> Out {
    let first = channels_first(layer);
    let Some((spatial, ch)) = x.as_ref().and_then(|x| split(x, n, first)) else {
        return one(None, None);
    };
    let Some(window) = window(layer, n) else {
        return one(None, None);
    };
    let out_spatial = (0..n).map(|i| window.output(kind, i, spatial[i])).collect();
    let k: u64 = window.kernel.iter().product();
    let (out_ch, params) = conv_channels(layer, kind, k, ch);
    if out_ch.is_none() {
        return one(None, None);
    }
    one(Some(join(out_spatial, out_ch, first)), params)
}

/// A convolution's window over `n` spatial axes, as its config gives it.
struct Window {
    kernel: Vec<u64>,
    strides: Vec<u64>,
    dilation: Vec<u64>,
    pad: Padding,
    /// A transposed convolution's `output_padding`, when given.
    out_padding: Option<Vec<u64>>,
}

/// The window of a convolution layer; `None` when a part of it is not
/// known statically.
fn window(layer: &Layer, n: usize) -> Option<Window> {
    let kernel = ints(layer.param("kernel_size"), n)?;
    let strides = match layer.param("strides") {
        None => vec![1; n],
        Some(s) => ints(Some(s), n)?,
    };
    let dilation = match layer.param("dilation_rate") {
        None => vec![1; n],
        Some(s) => ints(Some(s), n)?,
    };
    let pad = padding(layer)?;
    let out_padding = match layer.param("output_padding") {
        None => None,
        Some(p) => Some(ints(Some(p), n)?),
    };
    Some(Window {
        kernel,
        strides,
        dilation,
        pad,
        out_padding,
    })
}

impl Window {
    /// The output size along spatial axis `i` of input size `d`.
    fn output(&self, kind: ConvKind, i: usize, d: Dim) -> Dim {
        let (kernel, stride, dilation) = (self.kernel[i], self.strides[i], self.dilation[i]);
        match (kind, &self.out_padding) {
            (ConvKind::Transpose, None) => {
                conv_transpose_out(d, kernel, self.pad, stride, dilation)
            }
            (ConvKind::Transpose, Some(op)) => {
                let span = dilation
                    .checked_mul(kernel.checked_sub(1)?)?
                    .checked_add(1)?;
                let trim = match self.pad {
                    Padding::Same => (span / 2) * 2,
                    Padding::Valid => 0,
                    Padding::Causal => return None,
                };
                d?.checked_sub(1)?
                    .checked_mul(stride)?
                    .checked_add(span)?
                    .checked_add(op[i])?
                    .checked_sub(trim)
            }
            (ConvKind::Plain | ConvKind::Separable | ConvKind::Depthwise, _) => {
                conv_out(d, kernel, self.pad, stride, dilation)
            }
        }
    }
}

/// A convolution's output channels and parameter count from its input
/// channels `ch` and kernel size `k` (the product over the axes).
fn conv_channels(layer: &Layer, kind: ConvKind, k: u64, ch: Dim) -> (Dim, Option<u64>) {
    let filters = layer.units.as_ref().map(|u| u.value);
    let multiplier = uint(layer, "depth_multiplier").unwrap_or(1);
    let bias = flag(layer, "use_bias", true);
    match kind {
        ConvKind::Plain => {
            let groups = uint(layer, "groups").unwrap_or(1).max(1);
            let per_group = ch.filter(|c| c % groups == 0).map(|c| c / groups);
            let w = mul(mul(Some(k), per_group), filters);
            (filters, add(w, if bias { filters } else { Some(0) }))
        }
        ConvKind::Transpose => {
            let w = mul(mul(Some(k), ch), filters);
            (filters, add(w, if bias { filters } else { Some(0) }))
        }
        ConvKind::Separable => {
            let depthwise = mul(mul(Some(k), ch), Some(multiplier));
            let pointwise = mul(mul(ch, Some(multiplier)), filters);
            (
                filters,
                add(
                    add(depthwise, pointwise),
                    if bias { filters } else { Some(0) },
                ),
            )
        }
        ConvKind::Depthwise => {
            let out = mul(ch, Some(multiplier));
            let w = mul(Some(k), out);
            (out, add(w, if bias { out } else { Some(0) }))
        }
    }
}

/// LSTM, GRU, SimpleRNN (and the CuDNN forms): `[steps, features]` in.
fn rnn(model: &Model, layer: &Layer, x: Option<Shape>) -> Out {
    let class = layer.class();
    let gates: u64 = match class {
        "LSTM" | "CuDNNLSTM" => 4,
        "GRU" | "CuDNNGRU" => 3,
        "SimpleRNN" => 1,
        _ => return one(None, None),
    };
    let Some(units) = layer.units.as_ref().map(|u| u.value) else {
        return one(None, None);
    };
    let Some(&[steps, features]) = x.as_deref() else {
        return one(None, None);
    };
    if flag(layer, "time_major", false) {
        return one(None, None);
    }
    let out = if flag(layer, "return_sequences", false) {
        vec![steps, Some(units)]
    } else {
        vec![Some(units)]
    };
    let mut outs = vec![Some(out)];
    if flag(layer, "return_state", false) {
        let states = if gates == 4 { 2 } else { 1 };
        outs.extend((0..states).map(|_| Some(vec![Some(units)])));
    }
    // GRU's `reset_after` (two bias vectors) is the default since Keras 2.3;
    // Keras 1 has no such option.
    let reset_after = match layer.param("reset_after").and_then(Node::as_bool) {
        Some(r) => Some(r),
        None if class == "CuDNNGRU" => Some(true),
        None => match model.format {
            Format::Keras1 => Some(false),
            Format::Keras3 | Format::Simple => Some(true),
            Format::Keras2 | Format::TfjsLayers => None,
        },
    };
    let biases = match (gates, flag(layer, "use_bias", true)) {
        (_, false) => Some(0),
        (3, true) => reset_after.map(|r| if r { 2 } else { 1 }),
        (_, true) if class.starts_with("CuDNN") => Some(2),
        _ => Some(1),
    };
    let per_gate = add(
        add(mul(features, Some(units)), units.checked_mul(units)),
        mul(biases, Some(units)),
    );
    (outs, mul(per_gate, Some(gates)))
}

fn bidirectional(model: &Model, layer: &Layer, x: Shape, st: &mut State, d: usize) -> Out {
    let Some(w) = layer.wrapped else {
        return one(None, None);
    };
    let inner = &model.layers[w];
    let (outs, params) = outputs(model, inner, &[Some(x.clone())], st, d);
    st.done[w] = true;
    st.shapes[w] = outs.first().cloned().flatten();
    st.params[w] = params;
    // A distinct backward layer has its own parameters (its units must
    // match the forward layer's for the merge).
    let backward = model
        .layers
        .iter()
        .skip(w + 1)
        .take(MAX_DEPTH)
        .find(|l| l.wrapper == Some(layer.id))
        .map(|b| b.id);
    let back_params = match backward {
        Some(b) => {
            let (_, p) = outputs(model, &model.layers[b], &[Some(x)], st, d);
            st.done[b] = true;
            p
        }
        None => params,
    };
    let total = add(params, back_params);
    let Some(Some(main)) = outs.first().cloned() else {
        return one(None, total);
    };
    let merge = match layer.param("merge_mode") {
        None => Some("concat"),
        Some(m) if m.is_null() => None,
        Some(m) => m.as_str(),
    };
    let merged = match merge {
        Some("concat") => {
            let mut s = main.clone();
            match s.last_mut() {
                Some(l) => *l = l.and_then(|v| v.checked_mul(2)),
                None => return one(None, total),
            }
            vec![Some(s)]
        }
        Some("sum" | "ave" | "mul") => vec![Some(main.clone())],
        None => vec![Some(main.clone()), Some(main.clone())],
        Some(_) => return one(None, total),
    };
    let mut result = merged;
    // return_state: the forward states, then the backward ones.
    let states: Vec<Option<Shape>> = outs.into_iter().skip(1).collect();
    if !states.is_empty() {
        result.extend(states.iter().cloned());
        result.extend(states);
    }
    (result, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(d: &[u64]) -> Option<Shape> {
        Some(d.iter().map(|&v| Some(v)).collect())
    }

    #[test]
    fn elementwise_broadcasts_like_keras() {
        assert_eq!(
            merge_elementwise(&[s(&[7, 7, 32]), s(&[1, 1, 32])]),
            Ok(s(&[7, 7, 32]))
        );
        assert_eq!(
            merge_elementwise(&[s(&[7, 7, 32]), s(&[32])]),
            Ok(s(&[7, 7, 32]))
        );
        assert_eq!(merge_elementwise(&[s(&[4]), None]), Ok(None));
        assert_eq!(
            merge_elementwise(&[s(&[8]), s(&[4])]),
            Err(Mismatch {
                first: 0,
                second: 1,
                axis: 0
            })
        );
        // An unknown size agrees with anything.
        assert_eq!(
            merge_elementwise(&[Some(vec![None, Some(4)]), s(&[3, 4])]),
            Ok(Some(vec![None, Some(4)]))
        );
    }

    #[test]
    fn hostile_sizes_stay_unknown_without_panicking() {
        let yaml = "input: {shape: [4, 5]}\nlayers:\n  - {type: LSTM, units: 4294967296}\n  - type: Conv1DTranspose\n    filters: 2\n    kernel_size: 0\n    output_padding: 1\n  - {type: Concatenate, axis: -9223372036854775808}\n";
        let root = crate::tree::yaml::parse(yaml, crate::tree::Limits::default()).unwrap();
        let super::super::Detected::Model(m) = super::super::build(&root[0]) else {
            panic!("not built")
        };
        // units² overflows: the count is unknown, the shape is not.
        assert_eq!(m.shapes[0], Some(vec![Some(4294967296)]));
        assert_eq!(m.params[0], None);
        assert_eq!(m.shapes[1], None);
    }

    #[test]
    fn concatenate_sums_the_axis_and_checks_the_rest() {
        assert_eq!(
            concatenate(&[s(&[5, 3]), s(&[5, 4])], Some(-1)),
            Ok(s(&[5, 7]))
        );
        assert_eq!(
            concatenate(&[s(&[5, 3]), s(&[2, 3])], Some(1)),
            Ok(s(&[7, 3]))
        );
        assert_eq!(
            concatenate(&[s(&[5, 3]), s(&[6, 4])], Some(-1)),
            Err(Mismatch {
                first: 0,
                second: 1,
                axis: 0
            })
        );
        assert_eq!(concatenate(&[s(&[5, 3]), None], Some(-1)), Ok(None));
        // Axis 0 is the batch axis: not inferred.
        assert_eq!(concatenate(&[s(&[5]), s(&[5])], Some(0)), Ok(None));
    }
}
