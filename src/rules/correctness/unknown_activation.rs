//! ACT001 `unknown-activation`: activation name Keras does not know.

use crate::diagnostic::{Change, FixPlan};
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::{catalog, suggest};
use crate::ir::{ActivationRef, Layer, Model};
use crate::rules::edits;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// activation name Keras does not know.
    pub struct UnknownActivation {
        code: "ACT001",
        name: "unknown-activation",
        category: Correctness,
        severity: Error,
        fix: Safe,
    }
}

impl Rule for UnknownActivation {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // A wrapper mirrors the activation of the layer it wraps: report that layer only.
        let wrapped = layer.wrapped.map(|w| model.layer(w));
        let checks = [
            (
                "activation",
                layer.activation.as_ref(),
                wrapped.and_then(|w| w.activation.as_ref()),
            ),
            (
                "recurrent activation",
                layer.recurrent_activation.as_ref(),
                wrapped.and_then(|w| w.recurrent_activation.as_ref()),
            ),
        ];
        for (what, act, mirror) in checks {
            let Some(act) = act else { continue };
            if !is_unknown(act) || mirror.is_some_and(|m| m.span == act.span) {
                continue;
            }
            let names = catalog::ACTIVATIONS.iter().map(|a| a.name);
            let suggestion = suggest::closest(&act.name, names);
            // Keras saved this file, so it resolved the name: one far from
            // every built-in is the project's own function, not a typo.
            if suggestion.is_none() && model.format.saved_by_keras() {
                out.push(custom(model, layer, what, act));
            } else {
                out.push(unknown(model, layer, what, act, suggestion));
            }
        }
    }
}

/// An activation far from every built-in in a file Keras saved: the
/// project's own function, which loading the model needs registered.
fn custom(model: &Model, layer: &Layer, what: &str, act: &ActivationRef) -> Diagnostic {
    let mut d = META
        .diag(format!(
            "custom {what} `{}` in {}: not a Keras built-in, so loading this model needs it registered",
            act.name,
            model.describe_layer(layer.id)
        ))
        .at(act.span, "a custom activation")
        .help(
            "load the model with `custom_objects={...}` or register the function with \
             `keras.saving.register_keras_serializable`; the activation rules cannot judge it",
        )
        .layer(layer.name());
    d.severity = Severity::Info;
    d
}

/// An unknown activation (the `what` of `layer`), with the closest
/// built-in and, when the correction is certain, its fix.
fn unknown(
    model: &Model,
    layer: &Layer,
    what: &str,
    act: &ActivationRef,
    suggestion: Option<&str>,
) -> Diagnostic {
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => "use a Keras activation such as `relu`, `sigmoid`, `softmax` or `linear`; \
                 a custom activation must be registered and referenced as `package>name`"
            .to_string(),
    };
    let key = if what == "activation" {
        "activation"
    } else {
        "recurrent_activation"
    };
    let fix = suggest::activation_correction(&act.name).and_then(|to| {
        let change = edits::replace_param(layer, key, to)?;
        let fits = matches!(change, Change::ReplaceString { span, .. } if span == act.span);
        fits.then(|| FixPlan::safe(format!("replace `{}` with `{to}`", act.name), vec![change]))
    });
    META.diag(format!(
        "unknown {what} `{}` in {}",
        act.name,
        model.describe_layer(layer.id)
    ))
    .at(act.span, "not a Keras activation")
    .help(help)
    .layer(layer.name())
    .fix_plan(fix)
}

/// Written in the config, not known to Keras and not a registered custom object.
fn is_unknown(act: &ActivationRef) -> bool {
    // `Dense(activation=layers.ReLU())` serializes the activation as a layer object.
    act.explicit && !act.is_known() && catalog::activation_layer(&act.name).is_none()
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(yaml: &str) -> Vec<Diagnostic> {
        testing::lint("model.yaml", yaml, &["ACT001"])
    }

    #[test]
    fn suggests_the_closest_name() {
        let d = lint("layers:\n  - {type: Dense, units: 4, activation: rleu}\n");
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "unknown activation `rleu` in layer 1 (`Dense`)"
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `relu`?"));
        let d = lint("layers:\n  - {type: Dense, units: 4, activation: Relu}\n");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `relu`?"));
    }

    #[test]
    fn no_suggestion_when_nothing_is_close() {
        let d = lint("layers:\n  - {type: Activation, activation: banana}\n");
        assert_eq!(d.len(), 1);
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("use a Keras activation such as"));
    }

    #[test]
    fn wrapped_gates_are_reported_once() {
        let yaml = "layers:\n  - type: Bidirectional\n    layer: {type: LSTM, units: 4, recurrent_activation: hard_sigmod}\n";
        let d = lint(yaml);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "unknown recurrent activation `hard_sigmod` in the `LSTM` in layer 1 (`Bidirectional`)"
        );
        let d = lint("layers:\n  - type: TimeDistributed\n    layer: {type: Dense, units: 4, activation: softmx}\n");
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn known_custom_and_default_activations_pass() {
        let yaml = "layers:\n  - {type: LSTM, units: 4}\n  - {type: Dense, units: 4, activation: gelu}\n  - {type: Dense, units: 4, activation: my_pkg>swishy}\n  - {type: LeakyReLU}\n  - {type: Dense, units: 1, activation: null}\n";
        assert!(lint(yaml).is_empty());
    }

    /// In a file Keras saved, a name far from every built-in is the
    /// project's own function: info; a near-miss stays an error.
    #[test]
    fn a_custom_function_in_a_keras_file_is_info_a_typo_an_error() {
        let model = |act: &str| {
            testing::functional(
                &[
                    ("InputLayer", "x", testing::INPUT, &[]),
                    (
                        "Dense",
                        "h",
                        &format!(r#""units": 8, "activation": "{act}""#),
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
        let d = testing::lint("m.json", &model("intensity_norm"), &["ACT001"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Info);
        assert!(
            d[0].message
                .starts_with("custom activation `intensity_norm`"),
            "{}",
            d[0].message
        );
        let d = testing::lint("m.json", &model("rleu"), &["ACT001"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Error);
    }
}
