//! ACT501 `input-range-mismatch`: the input range does not suit the first activations.

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily};
use crate::ir::{InputRange, Layer, LayerId, Model};
use crate::rules::walk;
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// the declared input range or a Rescaling layer does not suit the first activations.
    pub struct InputRangeMismatch {
        code: "ACT501",
        name: "input-range-mismatch",
        category: Input,
        severity: Info,
    }
}

/// The range values have at some point of the network, and the text that
/// says so (the declared `range`, a `Rescaling` layer's `scale`, a
/// normalization layer).
#[derive(Clone, Copy)]
struct Known {
    range: InputRange,
    span: Span,
    /// Set by a `Rescaling` layer that was assumed to see 8-bit pixels.
    from_pixels: bool,
}

/// `0`, `255`, `0.5`, `-1`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `0..255`, `standardized`.
fn bounds(range: InputRange) -> String {
    match range {
        InputRange::Standardized => "standardized".into(),
        InputRange::Range(lo, hi) => format!("{}..{}", num(lo), num(hi)),
    }
}

fn describe(range: InputRange) -> String {
    match range {
        InputRange::Standardized => "standardized inputs".into(),
        InputRange::Range(..) => format!("inputs in {}", bounds(range)),
    }
}

const EPS: f64 = 1e-3;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= EPS
}

/// The range after a `Rescaling` layer. Without a declared range the
/// layer is taken to rescale 8-bit pixel values (0..255), and only the two
/// usual results (0..1, -1..1) are trusted.
fn rescale(layer: &Layer, before: Option<InputRange>) -> Option<InputRange> {
    let scale = match layer.param("scale") {
        None => 1.0,
        Some(n) => n.as_f64()?,
    };
    let offset = match layer.param("offset") {
        None => 0.0,
        Some(n) => n.as_f64()?,
    };
    if !scale.is_finite() || !offset.is_finite() {
        return None;
    }
    let apply = |lo: f64, hi: f64| {
        let (a, b) = (lo * scale + offset, hi * scale + offset);
        (a.min(b), a.max(b))
    };
    match before {
        Some(InputRange::Standardized) => None,
        Some(InputRange::Range(lo, hi)) => {
            let (a, b) = apply(lo, hi);
            Some(InputRange::Range(a, b))
        }
        None => {
            let (a, b) = apply(0.0, 255.0);
            let usual = (close(a, 0.0) || close(a, -1.0)) && close(b, 1.0);
            usual.then_some(InputRange::Range(a.round(), b.round()))
        }
    }
}

/// Preprocessing that only moves, resizes or augments values within their range.
fn keeps_range(layer: &Layer) -> bool {
    let class = layer.class();
    catalog::is_shape_layer(class)
        || catalog::is_dropout(class)
        || walk::is_pooling(layer)
        || matches!(class, "Resizing" | "CenterCrop" | "ActivityRegularization")
        || class.starts_with("Random")
}

/// What an activation family wants, or `None` when this rule has no opinion.
enum Wants {
    /// Zero-centered, within -1..1 (tanh).
    Centered,
    /// Within 0..1, or at least scaled to magnitude 1 (ReLU, sigmoid).
    Unit,
}

fn wants(family: ActFamily) -> Option<Wants> {
    match family {
        ActFamily::Tanh => Some(Wants::Centered),
        ActFamily::Relu | ActFamily::Sigmoid => Some(Wants::Unit),
        _ => None,
    }
}

/// Why a range does not suit, or `None` when it does.
fn mismatch(range: InputRange, wants: &Wants) -> Option<&'static str> {
    let InputRange::Range(lo, hi) = range else {
        return None;
    };
    let scaled = lo >= -1.0 - EPS && hi <= 1.0 + EPS;
    let centered = (lo + hi).abs() <= 0.1 * (hi - lo);
    match wants {
        Wants::Centered if !scaled => Some("not scaled"),
        Wants::Centered if !centered => Some("not zero-centered"),
        Wants::Unit if !scaled => Some("not scaled"),
        _ => None,
    }
}

struct Finding {
    known: Known,
    layer: LayerId,
}

/// Walks from each model input to the first weight layers, tracking the
/// range the values have on the way.
fn findings(model: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    let declared = model.input_range.as_ref().map(|r| Known {
        range: r.value,
        span: r.span,
        from_pixels: false,
    });
    let Some(root) = model.graphs.first() else {
        return out;
    };
    let mut stack: Vec<(LayerId, Option<Known>)> = root
        .inputs
        .iter()
        .map(|&i| (model.outermost(i), declared))
        .collect();
    let mut seen: HashSet<LayerId> = HashSet::new();
    while let Some((id, known)) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let layer = walk::content(model, id);
        if layer.custom {
            continue;
        }
        if let Some(g) = layer.nested.and_then(|g| model.graphs.get(g)) {
            stack.extend(g.inputs.iter().map(|&i| (model.outermost(i), known)));
            continue;
        }
        if layer.is_weight_layer() {
            if let Some(k) = known {
                out.push(Finding {
                    known: k,
                    layer: layer.id,
                });
            }
            continue;
        }
        let Some(known) = range_after(layer, known) else {
            continue;
        };
        // Only single-input layers carry the range on (a merge mixes inputs).
        for c in consumers(model, id) {
            if !walk::is_merge(model, c) {
                stack.push((c, known));
            }
        }
    }
    out.sort_by_key(|f| (model.layer(f.layer).span.start, f.layer));
    out
}

/// The range of a layer's outputs, given the range of its inputs: set by
/// `Rescaling` and normalization, kept by layers that keep values; `None`
/// when the layer changes the values in a way not tracked.
fn range_after(layer: &Layer, known: Option<Known>) -> Option<Option<Known>> {
    let class = layer.class();
    if class == "Rescaling" {
        Some(rescale(layer, known.map(|k| k.range)).map(|range| Known {
            range,
            span: layer.param("scale").map_or(layer.class.span, |n| n.span),
            from_pixels: known.is_none(),
        }))
    } else if class == "Normalization" || walk::is_normalization(layer) {
        Some(Some(Known {
            range: InputRange::Standardized,
            span: layer.class.span,
            from_pixels: false,
        }))
    } else if keeps_range(layer) {
        Some(known)
    } else {
        None
    }
}

/// The layers that read the output of layer `id`: its consumers and, for
/// an output of a nested model, the consumers of that model.
fn consumers(model: &Model, id: LayerId) -> Vec<LayerId> {
    let outer = model.outermost(id);
    let mut out = model.layer(outer).outputs.clone();
    if let Some(graph) = model.graphs.get(model.layer(outer).graph) {
        if let (Some(owner), true) = (graph.owner, graph.outputs.iter().any(|o| o.layer == outer)) {
            let owner = model.outermost(owner);
            out.extend(&model.layer(owner).outputs);
        }
    }
    out
}

impl Rule for InputRangeMismatch {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for f in findings(model) {
            let Some(eff) = walk::effective_activation(model, f.layer) else {
                continue;
            };
            // Conv -> BatchNormalization -> ReLU: the input scale does not reach the activation.
            if eff.normalized {
                continue;
            }
            let Some(family) = eff.family() else {
                continue;
            };
            let Some(w) = wants(family) else {
                continue;
            };
            let Some(why) = mismatch(f.known.range, &w) else {
                continue;
            };
            let act = walk::activation_name(model, &eff);
            let (want, fix) = match w {
                Wants::Centered => (
                    "zero-centered inputs in -1..1",
                    "scale the inputs to -1..1 (`Rescaling(scale=1/127.5, offset=-1)` for 8-bit pixels) or standardize them (a `Normalization` layer)",
                ),
                Wants::Unit => (
                    "inputs in 0..1",
                    "scale the inputs to 0..1 (`Rescaling(scale=1/255)` for 8-bit pixels) or standardize them (a `Normalization` layer)",
                ),
            };
            out.push(
                META.diag(format!(
                    "{}, the first layer, applies `{act}`, which wants {want}: {} are {why}",
                    model.describe_layer(f.layer),
                    describe(f.known.range),
                ))
                .at(
                    f.known.span,
                    if f.known.from_pixels {
                        format!("scales 8-bit pixels (0..255) to {}", bounds(f.known.range))
                    } else {
                        describe(f.known.range)
                    },
                )
                .label(eff.activation.span, format!("`{act}` wants {want}"))
                .help(fix)
                .layer(model.layer(f.layer).name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes_with;

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT501"], 5)
    }

    fn first(range: &str, activation: &str) -> Vec<&'static str> {
        codes(&format!(
            "input: {{range: {range}}}\nlayers:\n  - {{type: Dense, units: 8, activation: {activation}}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
        ))
    }

    #[test]
    fn ranges_against_first_activations() {
        let none = Vec::<&str>::new();
        assert_eq!(first("[0, 255]", "relu"), ["ACT501"]);
        assert_eq!(first("[0, 255]", "sigmoid"), ["ACT501"]);
        assert_eq!(first("[0, 1]", "tanh"), ["ACT501"]);
        assert_eq!(first("[-5, 5]", "tanh"), ["ACT501"]);
        assert_eq!(first("[0, 1]", "relu"), none);
        assert_eq!(first("[-1, 1]", "relu"), none);
        assert_eq!(first("[-1, 1]", "tanh"), none);
        assert_eq!(first("standardized", "tanh"), none);
        assert_eq!(first("standardized", "relu"), none);
        // No opinion on other activations.
        assert_eq!(first("[0, 255]", "gelu"), none);
    }

    #[test]
    fn rescaling_and_normalization_layers_move_the_range() {
        let yaml = "
input: {range: [0, 255]}
layers:
  - {type: Rescaling, scale: 0.00784313725490196, offset: -1}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), Vec::<&str>::new());
        let yaml = "
input: {range: [0, 255]}
layers:
  - {type: Normalization}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), Vec::<&str>::new());
        // Without a declared range a Rescaling is taken to see 8-bit pixels.
        let yaml = "
layers:
  - {type: Rescaling, scale: 0.00392156862745098}
  - {type: Flatten}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT501"]);
    }

    #[test]
    fn normalised_pre_activations_are_not_checked() {
        let yaml = "
input: {range: [0, 255]}
layers:
  - {type: Conv2D, filters: 8, kernel_size: 3}
  - {type: BatchNormalization}
  - {type: ReLU}
  - {type: Flatten}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), Vec::<&str>::new());
    }
}
