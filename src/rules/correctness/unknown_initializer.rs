//! ACT002 `unknown-initializer`: initializer name Keras does not know.

use crate::diagnostic::{Change, FixPlan};
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::{catalog, suggest};
use crate::ir::{read, InitializerRef, Layer, Model};
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// initializer name Keras does not know.
    pub struct UnknownInitializer {
        code: "ACT002",
        name: "unknown-initializer",
        category: Correctness,
        severity: Error,
        fix: Safe,
    }
}

impl Rule for UnknownInitializer {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // A wrapper mirrors the initializers of the layer it wraps: report that layer only.
        let mirrored: Vec<Span> = layer
            .wrapped
            .map(|w| model.layer(w))
            .into_iter()
            .flat_map(|w| [&w.kernel_initializer, &w.recurrent_initializer])
            .flatten()
            .map(|i| i.span)
            .collect();

        let mut reported: Vec<Span> = Vec::new();
        for (key, init) in initializers(layer) {
            if !init.explicit
                || init.is_known()
                || mirrored.contains(&init.span)
                || reported.contains(&init.span)
            {
                continue;
            }
            reported.push(init.span);
            let suggestion = suggest::closest(&init.name, catalog::initializer_names());
            // Keras saved this file, so it resolved the name: one far from
            // every built-in is the project's own initializer, not a typo.
            if suggestion.is_none() && model.format.saved_by_keras() {
                out.push(custom(model, layer, &key, &init));
            } else {
                out.push(unknown(model, layer, &key, &init, suggestion));
            }
        }
    }
}

/// The initializers of a layer with their keys: those the IR read, then
/// every other `*_initializer` argument (bias, embeddings, pointwise, ...).
fn initializers(layer: &Layer) -> Vec<(String, InitializerRef)> {
    let mut found: Vec<(String, InitializerRef)> = Vec::new();
    if let Some(k) = &layer.kernel_initializer {
        found.push(("kernel_initializer".into(), k.clone()));
    }
    if let Some(r) = &layer.recurrent_initializer {
        found.push(("recurrent_initializer".into(), r.clone()));
    }
    if let Some(entries) = layer.config.as_ref().and_then(|c| c.as_object()) {
        // The last of duplicated keys is the one Keras uses: the index
        // of each key's last entry, found in one pass (a check per key
        // against the later entries would be quadratic in the keys).
        let last: std::collections::HashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (&*e.key, i))
            .collect();
        for (i, e) in entries.iter().enumerate() {
            let shadowed = last.get(&*e.key).is_some_and(|&l| l != i);
            if !e.key.ends_with("_initializer") || shadowed || e.value.is_null() {
                continue;
            }
            if let Some(init) = read::initializer(&e.value) {
                found.push((e.key.to_string(), init));
            }
        }
    }
    found
}

/// An initializer far from every built-in in a file Keras saved: the
/// project's own class, which loading the model needs registered.
fn custom(model: &Model, layer: &Layer, key: &str, init: &InitializerRef) -> Diagnostic {
    let mut d = META
        .diag(format!(
            "custom initializer `{}` for `{key}` in {}: not a Keras built-in, so loading this model needs it registered",
            init.name,
            model.describe_layer(layer.id)
        ))
        .at(init.span, "a custom initializer")
        .help(
            "load the model with `custom_objects={...}` or register the class with \
             `keras.saving.register_keras_serializable`; the initialization rules cannot judge it",
        )
        .layer(layer.name());
    d.severity = Severity::Info;
    d
}

/// An unknown initializer (the argument `key` of `layer`), with the
/// closest built-in and, when the correction is certain, its fix.
fn unknown(
    model: &Model,
    layer: &Layer,
    key: &str,
    init: &InitializerRef,
    suggestion: Option<&str>,
) -> Diagnostic {
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => "use a Keras initializer such as `glorot_uniform`, `he_normal`, \
                 `orthogonal` or `zeros`; a custom initializer must be registered \
                 and referenced as `package>Name`"
            .to_string(),
    };
    let fix = suggest::initializer_correction(&init.name).map(|to| {
        FixPlan::safe(
            format!("replace `{}` with `{to}`", init.name),
            vec![Change::ReplaceString {
                span: init.span,
                value: to.to_string(),
            }],
        )
    });
    META.diag(format!(
        "unknown initializer `{}` for `{key}` in {}",
        init.name,
        model.describe_layer(layer.id)
    ))
    .at(init.span, "not a Keras initializer")
    .help(help)
    .layer(layer.name())
    .fix_plan(fix)
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(yaml: &str) -> Vec<Diagnostic> {
        testing::lint("model.yaml", yaml, &["ACT002"])
    }

    #[test]
    fn every_initializer_argument_is_checked() {
        let yaml = "layers:\n  - {type: Embedding, input_dim: 10, output_dim: 4, embeddings_initializer: unifrom}\n  - {type: SeparableConv1D, filters: 4, kernel_size: 3, depthwise_initializer: he_norml, pointwise_initializer: {type: GlorotNormall}}\n  - {type: Dense, units: 4, kernel_initializer: he_normal, bias_initializer: zeroes}\n";
        let d = lint(yaml);
        let messages: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown initializer `unifrom` for `embeddings_initializer` in layer 1 (`Embedding`)",
                "unknown initializer `he_norml` for `depthwise_initializer` in layer 2 (`SeparableConv1D`)",
                "unknown initializer `GlorotNormall` for `pointwise_initializer` in layer 2 (`SeparableConv1D`)",
                "unknown initializer `zeroes` for `bias_initializer` in layer 3 (`Dense`)",
            ]
        );
        let helps: Vec<_> = d.iter().filter_map(|d| d.help.as_deref()).collect();
        assert_eq!(
            helps,
            [
                "did you mean `uniform`?",
                "did you mean `he_normal`?",
                "did you mean `GlorotNormal`?",
                "did you mean `zeros`?",
            ]
        );
    }

    #[test]
    fn the_kernel_of_a_depthwise_convolution_is_reported_once() {
        let d = lint("layers:\n  - {type: DepthwiseConv2D, kernel_size: 3, depthwise_initializer: he_norml}\n");
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn wrapped_initializers_are_reported_once() {
        let yaml = "layers:\n  - type: Bidirectional\n    layer: {type: GRU, units: 4, kernel_initializer: glorot_unifrom, recurrent_initializer: orthogonall}\n";
        let d = lint(yaml);
        assert_eq!(d.len(), 2, "{d:?}");
    }

    #[test]
    fn known_and_custom_initializers_pass() {
        let yaml = "layers:\n  - {type: Dense, units: 4, kernel_initializer: {type: VarianceScaling, scale: 2.0}, bias_initializer: my_pkg>Warm}\n  - {type: Dense, units: 4, kernel_initializer: HeUniform, bias_initializer: null}\n";
        assert!(lint(yaml).is_empty());
    }

    /// In a file Keras saved, a name far from every built-in is the
    /// project's own initializer: info; a near-miss stays an error.
    #[test]
    fn a_custom_initializer_in_a_keras_file_is_info_a_typo_an_error() {
        let model = |init: &str| {
            testing::functional(
                &[
                    ("InputLayer", "x", testing::INPUT, &[]),
                    (
                        "Dense",
                        "h",
                        &format!(r#""units": 8, "kernel_initializer": "{init}""#),
                        &["x"],
                    ),
                    (
                        "Dense",
                        "out",
                        r#""units": 1, "activation": "sigmoid""#,
                        &["h"],
                    ),
                ],
                "binary_crossentropy",
            )
        };
        let d = testing::lint("m.json", &model("scaled_fan_in"), &["ACT002"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Info);
        let d = testing::lint("m.json", &model("he_normall"), &["ACT002"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Error);
    }
}
