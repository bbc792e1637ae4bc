//! ACT201 `linear-hidden-stack`: two weight layers in a row with no non-linearity between them.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily};
use crate::ir::{Layer, LayerId, Model};
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
        let model = cx.model;
        let Some(second) = linear_next(model, layer) else {
            return;
        };
        // One finding per chain of linear layers, on its first layer: a
        // layer that continues a chain is labelled there.
        if continues_chain(model, layer) {
            return;
        }
        let mut chain = vec![second];
        while chain.len() < model.layers.len() {
            let last = &model.layers[*chain.last().expect("not empty")];
            match linear_next(model, last) {
                Some(next) if !chain.contains(&next) && next != layer.id => chain.push(next),
                _ => break,
            }
        }
        let act = walk::effective_activation(model, layer.id)
            .expect("linear_next checked it")
            .activation;
        let first_label = if act.explicit {
            format!("`{}` is no non-linearity", act.name)
        } else {
            format!("no activation: `{}` defaults to linear", layer.class())
        };
        let message = if chain.len() == 1 {
            format!(
                "{} has no activation and feeds {} directly: the two layers collapse into one linear map",
                model.describe_layer(layer.id),
                model.describe_layer(second),
            )
        } else {
            let all: Vec<LayerId> = std::iter::once(layer.id)
                .chain(chain.iter().copied())
                .collect();
            format!(
                "{} follow each other with no activation between them: the {} layers collapse into one linear map",
                walk::list_layers(model, &all, 4),
                all.len(),
            )
        };
        let mut diag = META.diag(message).at(act.span, first_label);
        for &id in &chain {
            let l = &model.layers[id];
            diag = diag.label(
                l.class.span,
                format!("this `{}` applies another linear map", l.class()),
            );
        }
        out.push(
            diag.help(format!(
                "give {} a non-linear activation such as `activation: relu` (with `kernel_initializer: he_normal`), or remove {}",
                model.describe_layer(layer.id),
                if chain.len() == 1 { "one of the two layers" } else { "the layers that add nothing" }
            ))
            .layer(layer.name()),
        );
    }
}

/// The weight layer a linear weight layer feeds directly (through layers
/// that pass values unchanged), when that pair is a linear stack.
fn linear_next(model: &Model, layer: &Layer) -> Option<LayerId> {
    // A depthwise convolution followed by a 1x1 convolution is a separable
    // convolution written out: the factorization is the point.
    if !layer.is_weight_layer() || layer.custom || layer.class().starts_with("DepthwiseConv") {
        return None;
    }
    let eff = walk::effective_activation(model, layer.id)?;
    if eff.family() != Some(ActFamily::Linear) {
        return None;
    }
    // Only value-preserving layers in between; a branch, a model output,
    // normalization, pooling or a merge ends the search.
    let reach = walk::follow(model, layer.id, walk::is_value_preserving);
    let Step::Layer(next) = reach.step else {
        return None;
    };
    let second = walk::content(model, next);
    if !second.is_weight_layer() || second.custom {
        return None;
    }
    // A projection stem: a Dense whose vector is reshaped into a feature map
    // for a convolution (the decoder or generator stem). The convolution
    // shares its weights across positions, so the pair is a structured
    // factorization, not one layer written twice.
    let reshaped = reach
        .passed
        .iter()
        .any(|&p| catalog::is_reshape(walk::content(model, p).class()));
    if reshaped && catalog::is_convolution(second.class()) {
        return None;
    }
    Some(second.id)
}

/// Whether a linear weight layer directly before `layer` (through layers that
/// pass values unchanged) already reports `layer` as part of its chain.
fn continues_chain(model: &Model, layer: &Layer) -> bool {
    let mut cur = model.outermost(layer.id);
    for _ in 0..model.layers.len() {
        let [prev] = model.layers[cur].inputs.as_slice() else {
            return false;
        };
        let prev_layer = walk::content(model, *prev);
        if walk::is_value_preserving(prev_layer) {
            cur = *prev;
            continue;
        }
        return linear_next(model, prev_layer) == Some(layer.id);
    }
    false
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
    fn one_finding_per_chain_of_linear_layers() {
        let yaml = "
layers:
  - {type: Dense, units: 60}
  - {type: Dropout, rate: 0.2}
  - {type: Dense, units: 10}
  - {type: Dense, units: 1}
loss: mse
";
        let d = crate::rules::testing::reported("m.yaml", yaml, "ACT201");
        let d: Vec<_> = d.iter().filter(|d| d.code == "ACT201").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message
                .contains("the 3 layers collapse into one linear map"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].secondary.len(), 2, "a label on each later layer");
    }

    #[test]
    fn silent_on_a_projection_stem_reshaped_for_a_convolution() {
        // The decoder stem of an autoencoder: the Dense vector becomes a
        // feature map for a transposed convolution.
        let yaml = "
layers:
  - {type: Dense, units: 16}
  - {type: Dense, units: 392}
  - {type: Reshape, target_shape: [7, 7, 8]}
  - {type: Conv2DTranspose, filters: 1, kernel_size: 3, activation: sigmoid}
loss: binary_crossentropy
";
        // The first pair (two Dense) is still a linear stack.
        let d = crate::rules::testing::reported("m.yaml", yaml, "ACT201");
        let d: Vec<_> = d.iter().filter(|d| d.code == "ACT201").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].message.contains("conv2d"), "{}", d[0].message);
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
