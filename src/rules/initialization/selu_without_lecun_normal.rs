//! ACT403 `selu-without-lecun-normal`: selu without lecun_normal initialization or with plain Dropout.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{ActFamily, InitFamily};
use crate::ir::{InitializerRef, Layer, LayerId, Model};
use crate::rules::walk::{self, Effective};
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// selu without lecun_normal initialization or with plain Dropout.
    pub struct SeluWithoutLecunNormal {
        code: "ACT403",
        name: "selu-without-lecun-normal",
        category: Initialization,
        severity: Warning,
        concerns: [Activation(Selu), Initializer(Lecun)],
    }
}

/// How many offending layers a message names and labels.
const LISTED: usize = 5;

/// A selu weight layer whose kernel is not LeCun-scaled.
struct Offender<'m> {
    layer: &'m Layer,
    eff: Effective<'m>,
    init: InitializerRef,
}

/// How a message names an initializer family.
fn scheme(init: &InitializerRef) -> &'static str {
    match init.effective_family() {
        Some(InitFamily::He) => "He",
        Some(InitFamily::Glorot) => "Glorot",
        Some(InitFamily::VarianceScaling) => "variance scaling",
        Some(InitFamily::Random) => "fixed-scale random",
        _ => "non-LeCun",
    }
}

fn offender<'m>(model: &'m Model, layer: &'m Layer) -> Option<Offender<'m>> {
    if layer.custom || !layer.is_weight_layer() {
        return None;
    }
    let eff = walk::effective_activation(model, layer.id)?;
    if eff.family() != Some(ActFamily::Selu) || eff.normalized {
        return None;
    }
    let init = walk::kernel_initializer(layer)?;
    // LeCun (normal or uniform: both have variance 1/fan_in) is right;
    // orthogonal and identity are deliberate; constants are ACT404's;
    // unknown and custom initializers are not second-guessed.
    match init.effective_family()? {
        InitFamily::He | InitFamily::Glorot | InitFamily::VarianceScaling | InitFamily::Random => {}
        _ => return None,
    }
    if init.custom {
        return None;
    }
    Some(Offender { layer, eff, init })
}

fn label(model: &Model, o: &Offender<'_>) -> (Span, String) {
    let act = walk::activation_name(model, &o.eff);
    let key = walk::kernel_initializer_key(o.layer.class());
    if o.init.explicit {
        (
            o.init.span,
            format!("{} initialization for a `{act}` layer", scheme(&o.init)),
        )
    } else {
        (
            o.eff.activation.span,
            format!("`{act}`, but `{key}` defaults to {}", o.init.name),
        )
    }
}

/// Dropout that zeroes units (instead of setting them to selu's negative
/// saturation value, as `AlphaDropout` does).
fn is_plain_dropout(class: &str) -> bool {
    crate::ir::catalog::dropout(class).is_some_and(|d| d.plain)
}

/// The selu activation a dropout layer acts on: its producer, looking back
/// through reshapes, is a selu weight layer or a selu activation layer.
fn selu_before(model: &Model, id: LayerId) -> Option<Span> {
    let mut cur = model.outermost(id);
    for _ in 0..model.layers.len() {
        let [prev] = model.layers[cur].inputs.as_slice() else {
            return None;
        };
        let inner = walk::content(model, *prev);
        if crate::ir::catalog::is_shape_layer(inner.class()) && inner.class() != "InputLayer" {
            cur = *prev;
            continue;
        }
        let act = inner.activation.as_ref()?;
        let applies = walk::is_activation_layer(inner) || inner.is_weight_layer();
        return (applies && act.family() == Some(ActFamily::Selu)).then_some(act.span);
    }
    None
}

impl Rule for SeluWithoutLecunNormal {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // Initialization: one diagnostic per model (top level and each nested model).
        for (_, mut offenders) in walk::by_graph(model, offender) {
            offenders.sort_by_key(|o| (o.layer.span.start, o.layer.id));
            let ids: Vec<LayerId> = offenders.iter().map(|o| o.layer.id).collect();
            let n = offenders.len();
            let (span, text) = label(model, &offenders[0]);
            let mut d = META
                .diag(format!(
                    "{n} selu layer{} without LeCun-normal initialization: {}",
                    if n == 1 { "" } else { "s" },
                    walk::list_layers(model, &ids, LISTED),
                ))
                .at(span, text);
            // Label the layers the message names; the rest are counted.
            for o in offenders.iter().take(LISTED).skip(1) {
                let (span, text) = label(model, o);
                d = d.label(span, text);
            }
            out.push(
                d.help(
                    "SELU self-normalizes only when each layer's weights have variance 1/fan_in: use `kernel_initializer: lecun_normal` on these layers",
                )
                .layer(offenders[0].layer.name()),
            );
        }

        // Plain dropout on selu activations: one diagnostic per layer.
        for layer in &model.layers {
            if layer.wrapped.is_some() || !is_plain_dropout(layer.class()) {
                continue;
            }
            let Some(selu) = selu_before(model, layer.id) else {
                continue;
            };
            out.push(
                META.diag(format!(
                    "{} applies {} to selu activations: it breaks their self-normalization",
                    model.describe_layer(layer.id),
                    layer.class(),
                ))
                .at(
                    layer.class.span,
                    if layer.class() == "GaussianDropout" {
                        "multiplicative noise raises the variance"
                    } else {
                        "sets dropped units to 0, shifting the mean and variance"
                    },
                )
                .label(selu, "selu keeps activations at zero mean and unit variance")
                .help(format!(
                    "use `AlphaDropout` with the same rate in SELU networks: it sets dropped units to selu's negative saturation value and rescales, keeping the mean and variance{}",
                    if layer.class() == "Dropout" { "" } else { " (it drops single units, not channels)" }
                ))
                .layer(layer.name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes_with;

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT403"], 5)
    }

    fn selu_with(init: &str) -> Vec<&'static str> {
        codes(&format!(
            "layers:\n  - {{type: Dense, units: 8, activation: selu{init}}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
        ))
    }

    #[test]
    fn lecun_scaling_is_required() {
        assert_eq!(selu_with(""), ["ACT403"]);
        assert_eq!(selu_with(", kernel_initializer: he_normal"), ["ACT403"]);
        assert_eq!(
            selu_with(", kernel_initializer: {type: RandomNormal, stddev: 0.05}"),
            ["ACT403"]
        );
        assert_eq!(
            selu_with(", kernel_initializer: lecun_normal"),
            Vec::<&str>::new()
        );
        assert_eq!(
            selu_with(", kernel_initializer: lecun_uniform"),
            Vec::<&str>::new()
        );
        assert_eq!(
            selu_with(", kernel_initializer: {type: VarianceScaling, scale: 1.0, mode: fan_in}"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn selu_applied_by_a_following_activation_layer_counts() {
        let yaml = "
layers:
  - {type: Dense, units: 8}
  - {type: Activation, activation: selu}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT403"]);
    }

    #[test]
    fn plain_dropout_on_selu_activations() {
        let with = |dropout: &str| {
            codes(&format!(
                "layers:\n  - {{type: Dense, units: 8, activation: selu, kernel_initializer: lecun_normal}}\n  - {{type: {dropout}, rate: 0.1}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
            ))
        };
        assert_eq!(with("Dropout"), ["ACT403"]);
        assert_eq!(with("AlphaDropout"), Vec::<&str>::new());
        // Dropout after a relu layer is not this rule's business.
        let relu = "
layers:
  - {type: Dense, units: 8, activation: relu}
  - {type: Dropout, rate: 0.1}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(relu), Vec::<&str>::new());
    }
}
