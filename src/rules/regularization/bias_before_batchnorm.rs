//! ACT602 `bias-before-batchnorm`: a bias that the following BatchNormalization cancels.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::ActFamily;
use crate::ir::{Layer, LayerId, Model};
use crate::rules::walk::{self, Step};
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// Dense/Conv with a bias directly followed by BatchNormalization.
    pub struct BiasBeforeBatchnorm {
        code: "ACT602",
        name: "bias-before-batchnorm",
        category: Regularization,
        severity: Info,
    }
}

/// How many offending layers a message names and labels.
const LISTED: usize = 5;

/// Weight layers with one bias per output channel, which a per-channel mean
/// subtraction removes. (`EinsumDense` has `bias_axes` and no bias by
/// default; locally connected layers have a bias per position.)
fn has_channel_bias(class: &str) -> bool {
    class.starts_with("Dense")
        || class.starts_with("Conv")
        || class.starts_with("Separable")
        || class.starts_with("Depthwise")
}

/// Whether the normalization axis is the weight layer's channel axis.
fn same_axis(weight: &Layer, bn: &Layer) -> bool {
    let channels_first = weight
        .param("data_format")
        .and_then(|n| n.as_str())
        .is_some_and(|f| f == "channels_first");
    // A list of one axis counts as that axis.
    let axis = match bn.axis() {
        Some(a) => a,
        None => match bn.param("axis").and_then(|n| n.as_array()) {
            Some([one]) => match one.as_i64() {
                Some(a) => a,
                None => return false,
            },
            _ => return false,
        },
    };
    // A convolution's output has rank N + 2 (`Conv2D`: batch, 2 spatial
    // axes, channels), so Keras applications write the channel axis as 3.
    let rank = weight
        .class()
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10))
        .map(|n| i64::from(n) + 2);
    if channels_first {
        axis == 1
    } else {
        axis == -1 || rank.is_some_and(|r| axis == r - 1)
    }
}

struct Offender {
    layer: LayerId,
    bn: LayerId,
    /// The explicit `use_bias: true`, when written.
    use_bias: Option<Span>,
}

fn offender(model: &Model, layer: &Layer) -> Option<Offender> {
    if layer.custom || !layer.is_weight_layer() || !has_channel_bias(layer.class()) {
        return None;
    }
    let use_bias = match layer.param("use_bias") {
        Some(n) => {
            if n.as_bool() != Some(true) {
                return None;
            }
            Some(n.span)
        }
        None => None,
    };
    // Conv2D(activation="relu") -> BN: the activation sits between, the bias matters.
    if layer.activation_family() != Some(ActFamily::Linear) {
        return None;
    }
    // Dropout in between scales the bias with the rest of the values; the
    // normalization still subtracts it out.
    let reach = walk::follow(model, layer.id, |l| {
        crate::ir::catalog::is_dropout(l.class())
    });
    let Step::Layer(next) = reach.step else {
        return None;
    };
    let bn = walk::content(model, next);
    if !matches!(bn.class(), "BatchNormalization" | "SyncBatchNormalization") || bn.custom {
        return None;
    }
    if !same_axis(layer, bn) {
        return None;
    }
    Some(Offender {
        layer: layer.id,
        bn: bn.id,
        use_bias,
    })
}

impl Rule for BiasBeforeBatchnorm {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // One diagnostic per model (the top level and each nested model): a
        // ResNet has dozens of these, all with the same fix.
        for (_, mut offenders) in walk::by_graph(model, offender) {
            offenders.sort_by_key(|o| (model.layer(o.layer).span.start, o.layer));
            let ids: Vec<LayerId> = offenders.iter().map(|o| o.layer).collect();
            let label = |o: &Offender| -> (Span, String) {
                let bn = model.describe_layer(o.bn);
                match o.use_bias {
                    Some(span) => (span, format!("cancelled by {bn}")),
                    None => (
                        model.layer(o.layer).class.span,
                        format!("`use_bias` defaults to true; cancelled by {bn}"),
                    ),
                }
            };
            let n = offenders.len();
            let message = if n == 1 {
                format!(
                    "{} adds a bias that the BatchNormalization after it cancels",
                    model.describe_layer(ids[0])
                )
            } else {
                format!(
                    "{n} layers add a bias that the BatchNormalization after them cancels: {}",
                    walk::list_layers(model, &ids, LISTED)
                )
            };
            let (span, text) = label(&offenders[0]);
            let mut d = META.diag(message).at(span, text);
            // Label the layers the message names; the rest are counted.
            for o in offenders.iter().take(LISTED).skip(1) {
                let (span, text) = label(o);
                d = d.label(span, text);
            }
            out.push(
                d.help(
                    "set `use_bias: false` on these layers: BatchNormalization subtracts the per-channel mean, which removes any constant bias, and its `beta` provides the shift; the bias only adds parameters",
                )
                .layer(model.layer(ids[0]).name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{codes_with, functional, INPUT};

    fn codes(path: &str, text: &str) -> Vec<&'static str> {
        codes_with(path, text, &["ACT602"], 5)
    }

    fn before_bn(layer: &str, bn: &str) -> Vec<&'static str> {
        codes(
            "m.yaml",
            &format!("layers:\n  - {layer}\n  - {bn}\n  - {{type: ReLU}}\n  - {{type: Flatten}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"),
        )
    }

    #[test]
    fn a_bias_the_normalization_cancels() {
        let none = Vec::<&str>::new();
        let bn = "{type: BatchNormalization}";
        assert_eq!(before_bn("{type: Dense, units: 8}", bn), ["ACT602"]);
        assert_eq!(
            before_bn(
                "{type: Conv2D, filters: 8, kernel_size: 3, use_bias: true}",
                bn
            ),
            ["ACT602"]
        );
        assert_eq!(
            before_bn(
                "{type: Conv2D, filters: 8, kernel_size: 3}",
                "{type: BatchNormalization, axis: 3}"
            ),
            ["ACT602"]
        );
        assert_eq!(
            before_bn("{type: Dense, units: 8, use_bias: false}", bn),
            none
        );
        // An activation between: the bias shifts what it sees.
        assert_eq!(
            before_bn("{type: Dense, units: 8, activation: relu}", bn),
            none
        );
        // Normalizing another axis does not remove a per-channel bias.
        assert_eq!(
            before_bn(
                "{type: Conv2D, filters: 8, kernel_size: 3}",
                "{type: BatchNormalization, axis: 1}"
            ),
            none
        );
        assert_eq!(
            before_bn("{type: Dense, units: 8}", "{type: LayerNormalization}"),
            none
        );
    }

    #[test]
    fn a_value_that_also_goes_elsewhere_keeps_its_bias() {
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                (
                    "Dense",
                    "proj",
                    r#""units": 8, "activation": "linear""#,
                    &["x"],
                ),
                ("BatchNormalization", "bn", "", &["proj"]),
                ("Add", "sum", "", &["proj", "bn"]),
                (
                    "Dense",
                    "out",
                    r#""units": 1, "activation": "linear""#,
                    &["sum"],
                ),
            ],
            "mse",
        );
        assert_eq!(codes("m.json", &json), Vec::<&str>::new());
    }

    #[test]
    fn one_diagnostic_per_model() {
        let yaml = "
layers:
  - {type: Dense, units: 8}
  - {type: BatchNormalization}
  - {type: ReLU}
  - {type: Dense, units: 8}
  - {type: BatchNormalization}
  - {type: ReLU}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), ["ACT602"]);
    }

    #[test]
    fn looks_through_dropout() {
        let yaml = "
layers:
  - {type: Dense, units: 16}
  - {type: Dropout, rate: 0.2}
  - {type: BatchNormalization}
  - {type: Activation, activation: relu}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), ["ACT602"]);
    }
}
