//! ACT116 `layer-after-output-activation`: a layer after the final sigmoid/softmax changes the output.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily};
use crate::ir::{Head, Layer, LayerId, Model};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// a layer after the final sigmoid/softmax changes the output.
    pub struct LayerAfterOutputActivation {
        code: "ACT116",
        name: "layer-after-output-activation",
        category: Output,
        severity: Error,
    }
}

/// What a layer on the way back from an output does to the values.
enum Step {
    /// Applies a sigmoid or softmax: the output activation.
    Squashes,
    /// Moves values around without changing them (reshapes, pooling, a
    /// linear activation).
    PassesThrough,
    /// Changes the values in a way that breaks probabilities; the reason.
    Breaks(&'static str),
    /// A linear weight layer: it breaks probabilities too, but only counts
    /// when it directly follows a sigmoid of the same width (a duplicated
    /// output layer). After a wider sigmoid it is an ordinary output layer
    /// on top of a hidden one; after a softmax it is ACT202's finding.
    Remaps,
    /// Anything else (merges, custom or opaque layers, other activations):
    /// the walk ends without a finding.
    Ends,
}

fn step(layer: &Layer) -> Step {
    let class = layer.class();
    if layer.custom {
        return Step::Ends;
    }
    let family = layer.activation_family();
    if class == "Activation" || catalog::activation_layer(class).is_some() {
        return match family {
            Some(f) if f.is_probability() => Step::Squashes,
            Some(ActFamily::Linear) => Step::PassesThrough,
            _ => Step::Ends,
        };
    }
    if catalog::is_shape_layer(class)
        || class.contains("Pooling")
        || class.starts_with("UpSampling")
    {
        return Step::PassesThrough;
    }
    if catalog::is_dropout(class) {
        return Step::Breaks(match class {
            "GaussianNoise" | "GaussianDropout" => {
                "while training it adds noise that pushes the probabilities out of [0, 1]"
            }
            "AlphaDropout" => "while training it replaces and rescales probabilities, pushing them out of [0, 1]",
            _ => "while training it zeroes random probabilities and multiplies the rest by 1/(1 - rate), so they can exceed 1",
        });
    }
    if catalog::is_normalization(class) {
        return Step::Breaks("it re-centers and rescales the probabilities: they no longer lie in [0, 1] or sum to 1");
    }
    if layer.is_weight_layer() {
        return match family {
            Some(f) if f.is_probability() => Step::Squashes,
            Some(ActFamily::Linear) => Step::Remaps,
            _ => Step::Ends,
        };
    }
    Step::Ends
}

const REMAP: &str = "it mixes the probabilities linearly: its outputs are no longer probabilities";

/// The value-changing layers between an output and its final sigmoid/softmax,
/// outermost first, with the layer that applies the sigmoid/softmax.
fn layers_after_activation(
    model: &Model,
    head: &Head,
) -> Option<(Vec<(LayerId, &'static str)>, LayerId)> {
    let mut found = Vec::new();
    // A linear weight layer waiting to see what it follows.
    let mut remap: Option<&Layer> = None;
    let mut cur = head.output_layer;
    let mut tensor = model.root().outputs.get(head.index).map_or(0, |o| o.tensor);
    for _ in 0..=model.layers.len() {
        let layer = model.layer(cur);
        if let Some(g) = layer.nested {
            let inner = &model.graphs[g];
            let o = inner.outputs.get(tensor).or(inner.outputs.first())?;
            tensor = o.tensor;
            cur = o.layer;
            continue;
        }
        // A wrapper does what it wraps.
        let what = match layer.wrapped {
            Some(w) if catalog::is_wrapper(layer.class()) => model.layer(w),
            _ => layer,
        };
        match step(what) {
            Step::Squashes => {
                if let Some(dense) = remap {
                    // A weight layer after a softmax is ACT202's hidden softmax.
                    let width = |l: &Layer| l.units.as_ref().map(|u| u.value);
                    if what.activation_family() == Some(ActFamily::Softmax)
                        || width(dense).is_none()
                        || width(dense) != width(what)
                    {
                        return None;
                    }
                    found.push((dense.id, REMAP));
                }
                return Some((found, what.id));
            }
            Step::PassesThrough => {}
            Step::Breaks(_) | Step::Remaps if remap.is_some() => return None,
            Step::Breaks(why) => found.push((what.id, why)),
            Step::Remaps => remap = Some(what),
            Step::Ends => return None,
        }
        let [single] = layer.inputs.as_slice() else {
            return None;
        };
        cur = *single;
        tensor = 0;
    }
    None
}

impl Rule for LayerAfterOutputActivation {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let Some((after, squash)) = layers_after_activation(model, head) else {
            return;
        };
        let squash_layer = model.layer(squash);
        let Some(act) = &squash_layer.activation else {
            return;
        };
        for (id, why) in after {
            let layer = model.layer(id);
            // "`dropout_1` (Dropout)"; unnamed layers already say their class.
            let offender = match layer.name() {
                Some(_) => format!("{} ({})", model.describe_layer(id), layer.class()),
                None => model.describe_layer(id),
            };
            out.push(
                META.diag(format!(
                    "{offender} comes after the output's {} in {}: the model no longer outputs probabilities",
                    act.name,
                    model.describe_layer(squash)
                ))
                .at(layer.class.span, why)
                .label(act.span, format!("the output's {}", act.name))
                .help(format!(
                    "move the {} before the output layer, or remove it: the {} must be the model's last operation",
                    layer.class(),
                    act.name
                ))
                .layer(layer.name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn act116(layers: &str, loss: &str) -> Vec<String> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{layers}\nloss: {loss}\n"
        );
        testing::reported("model.yaml", &yaml, "ACT116")
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn each_value_changing_layer_after_the_softmax() {
        let layers = "  - {type: Dense, units: 5, activation: softmax}\n  - {type: GaussianNoise, stddev: 0.1}\n  - {type: Flatten}\n  - {type: LayerNormalization}";
        let found = act116(layers, "categorical_crossentropy");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("layer 3 (`GaussianNoise`)"),
            "{found:?}"
        );
    }

    #[test]
    fn through_activation_layers_wrappers_and_nested_models() {
        let act = "  - {type: Dense, units: 1}\n  - {type: Activation, activation: sigmoid}\n  - {type: Dropout, rate: 0.2}";
        assert_eq!(act116(act, "binary_crossentropy").len(), 1);
        let wrapped = "  - {type: TimeDistributed, layer: {type: Dense, units: 4, activation: softmax}}\n  - {type: TimeDistributed, layer: {type: Dropout, rate: 0.2}}";
        assert_eq!(act116(wrapped, "categorical_crossentropy").len(), 1);
        let nested = "  - type: Sequential\n    layers:\n      - {type: Dense, units: 4, activation: softmax}\n      - {type: BatchNormalization}";
        assert_eq!(act116(nested, "categorical_crossentropy").len(), 1);
    }

    #[test]
    fn a_linear_layer_counts_only_as_a_duplicated_output_layer() {
        let same_width =
            "  - {type: Dense, units: 3, activation: sigmoid}\n  - {type: Dense, units: 3}";
        assert_eq!(act116(same_width, "mse").len(), 1);
        // After a softmax, ACT202 reports the softmax as a hidden activation.
        let softmax =
            "  - {type: Dense, units: 10, activation: softmax}\n  - {type: Dense, units: 10}";
        assert!(act116(softmax, "mse").is_empty());
        // A hidden sigmoid layer under a linear output is an ordinary network.
        let hidden = "  - {type: Dense, units: 64, activation: sigmoid}\n  - {type: Dropout, rate: 0.2}\n  - {type: Dense, units: 1}";
        assert!(act116(hidden, "mse").is_empty());
        let pooled = "  - {type: Conv1D, filters: 4, kernel_size: 3, activation: sigmoid}\n  - {type: GlobalAveragePooling1D}";
        assert!(act116(pooled, "binary_crossentropy").is_empty());
    }
}
