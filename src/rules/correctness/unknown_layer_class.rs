//! ACT007 `unknown-layer-class`: a layer class that is not a Keras layer.

use crate::diagnostic::{Change, Diagnostic, FixPlan, Severity};
use crate::ir::catalog::layers::{self, Generation};
use crate::ir::{suggest, Layer, Model};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// a layer class that is not a Keras layer.
    pub struct UnknownLayerClass {
        code: "ACT007",
        name: "unknown-layer-class",
        category: Correctness,
        severity: Error,
        fix: Safe,
    }
}

impl Rule for UnknownLayerClass {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        // A registered class (`package>Name`, a non-Keras module) is the
        // project's own: accepted.
        if layer.custom {
            return;
        }
        let model = cx.model;
        let generations = Generation::of(model.format);
        let class = layer.class();
        if layers::layer_class(generations, class).is_some() {
            return;
        }
        // A Keras 3 functional model records `keras.ops` calls as entries of
        // their own (`NotEqual` from `keras.src.ops.numpy`): not layers.
        let module = layer.module.as_deref();
        if module.is_some_and(|m| m.starts_with("keras.src.ops") || m.starts_with("keras.ops")) {
            return;
        }
        let names = layers::class_names(generations);
        let suggestion = suggest::closest(class, names.iter().copied());
        // A Keras 3 entry from Keras's own modules claims a built-in class;
        // in any other file Keras wrote, the class resolved when it was
        // saved, so it is the project's own, even when it looks like a
        // built-in (`ZeroPadding`).
        let claims_builtin = module.is_some_and(|m| m == "keras" || m.starts_with("keras."));
        if model.format.saved_by_keras() && !claims_builtin {
            out.push(custom(model, layer, suggestion));
            return;
        }
        let Some(suggestion) = suggestion else {
            out.push(not_a_class(layer, module, claims_builtin));
            return;
        };
        let fix = suggest::unambiguous_correction(class, &names, &|a, b| a == b).map(|to| {
            FixPlan::safe(
                format!("replace `{class}` with `{to}`"),
                vec![Change::ReplaceString {
                    span: layer.class.span,
                    value: to.to_string(),
                }],
            )
        });
        out.push(
            META.diag(format!("unknown layer class `{class}`{}", in_layer(layer)))
                .at(layer.class.span, "not a Keras layer class")
                .help(format!(
                    "did you mean `{suggestion}`? Keras refuses to load a model with an unknown layer class"
                ))
                .layer(layer.name())
                .fix_plan(fix),
        );
    }
}

/// " in layer `name`" for a named layer, nothing otherwise (the class is
/// already in the message).
fn in_layer(layer: &Layer) -> String {
    layer
        .name()
        .map(|n| format!(" in layer `{n}`"))
        .unwrap_or_default()
}

/// A layer class Keras resolved when it saved the file but does not have
/// built in: the project's own, which loading the model needs registered.
fn custom(model: &Model, layer: &Layer, suggestion: Option<&str>) -> Diagnostic {
    let class = layer.class();
    let help = match suggestion {
        Some(s) => format!("if it is not your own class, did you mean `{s}`? Load the model with `custom_objects={{...}}` or register the class with `keras.saving.register_keras_serializable`; no rule can see inside it"),
        None => "load the model with `custom_objects={...}` or register the class with `keras.saving.register_keras_serializable`; no rule can see inside it".to_string(),
    };
    let mut d = META
        .diag(format!(
            "custom layer class `{class}`{}: not a built-in layer of {}, so loading this model needs it registered",
            in_layer(layer),
            model.format.describe()
        ))
        .at(layer.class.span, "a custom layer")
        .help(help)
        .layer(layer.name());
    d.severity = Severity::Info;
    d
}

/// A class close to no Keras layer class: an error when the entry claims
/// a Keras `module`, else a warning (it may be an unregistered own class).
fn not_a_class(layer: &Layer, module: Option<&str>, claims_builtin: bool) -> Diagnostic {
    let class = layer.class();
    let mut d = META
        .diag(format!("`{class}` is not a Keras layer class{}", in_layer(layer)))
        .at(layer.class.span, "not a built-in layer")
        .help(if claims_builtin {
            format!("the entry says it comes from `{}`, which has no `{class}`: Keras refuses to load it", module.unwrap_or("keras"))
        } else {
            format!("use a Keras layer class; if `{class}` is your own registered layer, write its registered name, `package>{class}`, so that it is read as a custom layer")
        })
        .layer(layer.name());
    if !claims_builtin {
        d.severity = Severity::Warning;
    }
    d
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing;

    fn found(path: &str, text: &str) -> Vec<(Severity, String)> {
        testing::lint(path, text, &["ACT007"])
            .into_iter()
            .map(|d| (d.severity, d.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_misspelt_class_is_an_error_with_did_you_mean() {
        let d = found(
            "m.yaml",
            "layers:\n  - {type: Dence, units: 8}\n  - {type: Dense, units: 1}\nloss: mse\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, Severity::Error);
        assert!(d[0].1.starts_with("did you mean `Dense`?"), "{}", d[0].1);
    }

    #[test]
    fn custom_classes() {
        // Registered: accepted.
        assert_eq!(
            found(
                "m.yaml",
                "layers:\n  - {type: my_pkg>Block}\n  - {type: Dense, units: 1}\nloss: mse\n"
            ),
            []
        );
        // Far from every built-in in the simple format: a warning.
        let d = found(
            "m.yaml",
            "layers:\n  - {type: SqueezeExciteBlock}\n  - {type: Dense, units: 1}\nloss: mse\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, Severity::Warning);
        // In a file Keras wrote: info.
        let json = r#"{"class_name": "Sequential", "config": {"name": "s", "layers": [
            {"class_name": "SqueezeExciteBlock", "config": {"name": "b"}},
            {"class_name": "Dense", "config": {"name": "d", "units": 1}}]}, "keras_version": "2.4.0", "backend": "tensorflow"}"#;
        let d = found("m.json", json);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, Severity::Info);
    }

    #[test]
    fn every_generation_uses_its_own_names() {
        // Keras 1 `Convolution2D` and `Merge` are layers of Keras 1.
        let json = r#"{"class_name": "Sequential", "config": [
            {"class_name": "Convolution2D", "config": {"name": "c", "nb_filter": 4, "nb_row": 3, "nb_col": 3, "activation": "relu", "init": "he_normal", "batch_input_shape": [null, 8, 8, 1]}},
            {"class_name": "Flatten", "config": {"name": "f"}},
            {"class_name": "Dense", "config": {"name": "d", "output_dim": 1, "activation": "sigmoid"}}], "keras_version": "1.2.2"}"#;
        assert_eq!(found("m.json", json), []);
    }
}
