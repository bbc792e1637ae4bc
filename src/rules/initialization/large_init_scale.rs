//! ACT405 `large-init-scale`: fixed-scale random kernel initializers with a scale of 1 or more.

use crate::diagnostic::Diagnostic;
use crate::ir::{InitializerRef, Layer};
use crate::rules::walk;
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// RandomNormal/TruncatedNormal stddev or RandomUniform bound of 1 or more on a kernel.
    pub struct LargeInitScale {
        code: "ACT405",
        name: "large-init-scale",
        category: Initialization,
        severity: Warning,
        concerns: [Initializer(VarianceScaling), Initializer(Random)],
    }
}

/// Kernels drawn with a fixed scale: a parameter of 1 or more (`stddev`,
/// `minval`, `maxval`) with its span.
fn large_params(init: &InitializerRef) -> Vec<(&'static str, f64, Span)> {
    let Some(info) = init.info else {
        return Vec::new();
    };
    let keys: &[&'static str] = match info.name {
        "random_normal" | "truncated_normal" => &["stddev"],
        "random_uniform" => &["minval", "maxval"],
        _ => return Vec::new(),
    };
    keys.iter()
        .filter_map(|&key| {
            let node = init.param(key)?;
            let value = node.as_f64()?;
            (value.abs() >= 1.0).then_some((key, value, node.span))
        })
        .collect()
}

fn kernels(layer: &Layer) -> Vec<(&'static str, InitializerRef)> {
    let mut v = Vec::new();
    if layer.is_weight_layer() {
        if let Some(init) = walk::kernel_initializer(layer) {
            v.push((walk::kernel_initializer_key(layer.class()), init));
        }
    }
    if layer.is_recurrent() {
        if let Some(init) = layer.kernel_initializer.clone() {
            v.push(("kernel_initializer", init));
        }
        if let Some(init) = layer.recurrent_initializer.clone() {
            v.push(("recurrent_initializer", init));
        }
    }
    v
}

fn bound_label(key: &str) -> String {
    if key == "stddev" {
        "`stddev` of 1 or more".into()
    } else {
        format!("`{key}` of magnitude 1 or more")
    }
}

/// `1.0`, `2.5`.
fn show(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

impl Rule for LargeInitScale {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.custom || layer.wrapped.is_some() {
            return;
        }
        let name = cx.model.describe_layer(layer.id);
        for (key, init) in kernels(layer) {
            let params = large_params(&init);
            let Some(((first_key, first_value, first_span), rest)) = params.split_first() else {
                continue;
            };
            let class = init.info.map_or(init.name.as_str(), |i| i.class);
            let scale = if *first_key == "stddev" {
                format!("stddev {}", show(*first_value))
            } else {
                let bound = params.iter().map(|p| p.1.abs()).fold(0.0, f64::max);
                format!("values up to ±{}", show(bound))
            };
            let mut d = META
                .diag(format!(
                    "{name} draws its initial {} from {class} with {scale}: far too large",
                    if key == "recurrent_initializer" {
                        "recurrent weights"
                    } else {
                        "weights"
                    }
                ))
                .at(*first_span, bound_label(first_key))
                .label(
                    init.span,
                    format!("`{key}`: a fixed scale, whatever the number of inputs"),
                );
            for (k, _, span) in rest {
                d = d.label(*span, bound_label(k));
            }
            out.push(
                d.help(
                    "a unit summing n such weights starts with pre-activations about √n times larger than its inputs: use a fan-scaled initializer (`he_normal` for ReLU, `glorot_uniform` for sigmoid/tanh, `lecun_normal` for selu, `orthogonal` for recurrent kernels), or a scale around Keras's default of 0.05",
                )
                .layer(layer.name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes_with;

    fn with(init: &str) -> Vec<&'static str> {
        codes_with(
            "m.yaml",
            &format!(
                "layers:\n  - {{type: Dense, units: 8, activation: gelu, kernel_initializer: {init}}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
            ),
            &["ACT405"],
            5,
        )
    }

    #[test]
    fn unit_scale_random_kernels() {
        assert_eq!(with("{type: RandomNormal, stddev: 1.0}"), ["ACT405"]);
        assert_eq!(with("{type: TruncatedNormal, stddev: 2}"), ["ACT405"]);
        assert_eq!(
            with("{type: RandomUniform, minval: -1.0, maxval: 0.5}"),
            ["ACT405"]
        );
        assert_eq!(
            with("{type: RandomNormal, stddev: 0.05}"),
            Vec::<&str>::new()
        );
        assert_eq!(with("{type: RandomNormal}"), Vec::<&str>::new());
        assert_eq!(
            with("{type: RandomUniform, minval: -0.5, maxval: 0.5}"),
            Vec::<&str>::new()
        );
        // Fan-scaled initializers adapt to the layer size.
        assert_eq!(
            with("{type: VarianceScaling, scale: 2.0}"),
            Vec::<&str>::new()
        );
        assert_eq!(with("glorot_uniform"), Vec::<&str>::new());
    }
}
