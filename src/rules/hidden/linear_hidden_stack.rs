//! ACT201 `linear-hidden-stack`: two weight layers in a row with no non-linearity between them.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::ActFamily;
use crate::ir::Layer;
use crate::rules::walk::{self, Step};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// two weight layers in a row with no non-linearity between them.
    pub struct LinearHiddenStack {
        code: "ACT201",
        name: "linear-hidden-stack",
        category: Hidden,
        severity: Warning,
        concerns: [Activation(Linear)],
    }
}

impl Rule for LinearHiddenStack {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        // A depthwise convolution followed by a 1x1 convolution is a
        // separable convolution written out: the factorisation is the point.
        if !layer.is_weight_layer() || layer.custom || layer.class().starts_with("DepthwiseConv") {
            return;
        }
        let model = cx.model;
        let Some(eff) = walk::effective_activation(model, layer.id) else {
            return;
        };
        if eff.family() != Some(ActFamily::Linear) {
            return;
        }
        // Only value-preserving layers in between; a branch, a model output,
        // normalization, pooling or a merge ends the search.
        let Step::Layer(next) = walk::follow(model, layer.id, walk::is_value_preserving).step
        else {
            return;
        };
        let second = walk::content(model, next);
        if !second.is_weight_layer() || second.custom {
            return;
        }
        let act = eff.activation;
        let first_label = if act.explicit {
            format!("`{}` is no non-linearity", act.name)
        } else {
            format!("no activation: `{}` defaults to linear", layer.class())
        };
        out.push(
            META.diag(format!(
                "{} has no activation and feeds {} directly: the two layers collapse into one linear map",
                model.describe_layer(layer.id),
                model.describe_layer(second.id),
            ))
            .at(act.span, first_label)
            .label(second.class.span, format!("this `{}` applies another linear map", second.class()))
            .help(format!(
                "give {} a non-linear activation such as `activation: relu` (with `kernel_initializer: he_normal`), or remove one of the two layers",
                model.describe_layer(layer.id)
            ))
            .layer(layer.name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{codes, functional, INPUT};

    #[test]
    fn fires_through_time_distributed() {
        let yaml = "
task: multiclass
classes: 4
layers:
  - type: TimeDistributed
    layer: {type: Dense, units: 16}
  - type: TimeDistributed
    layer: {type: Dense, units: 4, activation: softmax}
loss: categorical_crossentropy
";
        assert_eq!(codes("m.yaml", yaml), ["ACT201"]);
    }

    #[test]
    fn silent_across_normalization_activation_layers_and_separable_factorisation() {
        let yaml = "
layers:
  - {type: Conv2D, filters: 8, kernel_size: 3, use_bias: false}
  - {type: BatchNormalization}
  - {type: Conv2D, filters: 8, kernel_size: 3, kernel_initializer: he_normal}
  - {type: Dropout, rate: 0.1}
  - {type: ReLU}
  - {type: DepthwiseConv2D, kernel_size: 3}
  - {type: Conv2D, filters: 8, kernel_size: 1}
  - {type: BatchNormalization}
  - {type: GlobalAveragePooling2D}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
    }

    #[test]
    fn silent_when_the_linear_output_branches() {
        // One linear layer read by two heads of a functional graph.
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                ("Dense", "proj", r#""units": 8"#, &["x"]),
                (
                    "Dense",
                    "a",
                    r#""units": 4, "activation": "relu", "kernel_initializer": "he_normal""#,
                    &["proj"],
                ),
                (
                    "Dense",
                    "b",
                    r#""units": 4, "activation": "relu", "kernel_initializer": "he_normal""#,
                    &["proj"],
                ),
                ("Concatenate", "cat", "", &["a", "b"]),
                ("Dense", "out", r#""units": 1"#, &["cat"]),
            ],
            "mse",
        );
        assert_eq!(codes("m.json", &json), Vec::<&str>::new());
        // The same graph with a single consumer fires.
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                ("Dense", "proj", r#""units": 8"#, &["x"]),
                ("Reshape", "r", r#""target_shape": [8]"#, &["proj"]),
                ("Dense", "out", r#""units": 1"#, &["r"]),
            ],
            "mse",
        );
        assert_eq!(codes("m.json", &json), ["ACT201"]);
    }

    #[test]
    fn silent_at_a_nested_model_boundary() {
        // An autoencoder-style linear code at the end of a nested model.
        let yaml = "
layers:
  - type: Sequential
    name: encoder
    layers:
      - {type: Dense, units: 32, activation: relu, kernel_initializer: he_normal}
      - {type: Dense, units: 2}
  - {type: Dense, units: 8}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
    }
}
