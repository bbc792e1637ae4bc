//! ACT003 `unknown-loss`: loss name Keras does not know.

use crate::diagnostic::{Change, FixPlan};
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::{catalog, suggest, LossRef};
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// loss name Keras does not know.
    pub struct UnknownLoss {
        code: "ACT003",
        name: "unknown-loss",
        category: Correctness,
        severity: Warning,
        fix: Safe,
    }
}

impl Rule for UnknownLoss {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // One loss written once applies to every head: report each value once.
        let mut reported: Vec<Span> = Vec::new();
        for head in &cx.model.heads {
            let Some(loss) = &head.loss else { continue };
            if loss.is_known() || reported.contains(&loss.span) {
                continue;
            }
            reported.push(loss.span);
            let suggestion = suggest::closest(&loss.name, catalog::loss_names());
            // Keras saved this file, so it resolved the name: one far from
            // every built-in is the project's own loss function, not a typo.
            if suggestion.is_none() && cx.model.format.saved_by_keras() {
                out.push(custom(loss));
                continue;
            }
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use a Keras loss such as `mean_squared_error`, `binary_crossentropy` \
                         or `sparse_categorical_crossentropy`; a custom loss must be registered \
                         and referenced as `package>name`"
                    .to_string(),
            };
            let shared = cx
                .model
                .heads
                .iter()
                .filter(|h| h.loss.as_ref().is_some_and(|l| l.span == loss.span))
                .count();
            let target = if cx.model.heads.len() > 1 && shared == 1 {
                format!(" for output `{}`", head.name)
            } else {
                String::new()
            };
            // A tf-keras `LossFunctionWrapper` names its function under `fn`,
            // away from the span: no fix there.
            let wrapped = loss.config.as_ref().is_some_and(|c| c.get("fn").is_some());
            let fix = suggest::loss_correction(&loss.name)
                .filter(|_| !wrapped)
                .map(|to| {
                    FixPlan::safe(
                        format!("replace `{}` with `{to}`", loss.name),
                        vec![Change::ReplaceString {
                            span: loss.span,
                            value: to.to_string(),
                        }],
                    )
                });
            out.push(
                META.diag(format!("unknown loss `{}`{target}", loss.name))
                    .at(loss.span, "not a Keras loss")
                    .help(help)
                    .fix_plan(fix),
            );
        }
    }
}

/// A loss far from every built-in in a file Keras saved: the project's
/// own function, which loading the model needs registered.
fn custom(loss: &LossRef) -> Diagnostic {
    let mut d = META
        .diag(format!(
            "custom loss `{}`: not a Keras built-in, so loading this model needs it registered",
            loss.name
        ))
        .at(loss.span, "a custom loss")
        .help(
            "load the model with `custom_objects={...}` or register the function with \
             `keras.saving.register_keras_serializable`; the loss rules cannot judge it",
        );
    d.severity = Severity::Info;
    d
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(path: &str, text: &str) -> Vec<Diagnostic> {
        testing::lint(path, text, &["ACT003"])
    }

    /// A Keras 3 functional model with outputs `a` and `b` and the given loss.
    fn two_outputs(loss: &str) -> String {
        let dense = |name: &str| {
            format!(
                r#"{{"class_name": "Dense", "name": "{name}", "config": {{"name": "{name}", "units": 1, "activation": "sigmoid"}}, "inbound_nodes": [{{"args": [{{"class_name": "__keras_tensor__", "config": {{"keras_history": ["x", 0, 0]}}}}], "kwargs": {{}}}}]}}"#
            )
        };
        format!(
            r#"{{"class_name": "Functional", "config": {{"name": "m", "layers": [{{"class_name": "InputLayer", "name": "x", "config": {{"name": "x", "batch_shape": [null, 4]}}, "inbound_nodes": []}}, {}, {}], "input_layers": ["x", 0, 0], "output_layers": [["a", 0, 0], ["b", 0, 0]]}}, "compile_config": {{"loss": {loss}}}}}"#,
            dense("a"),
            dense("b")
        )
    }

    #[test]
    fn a_shared_loss_is_reported_once() {
        let d = lint("m.json", &two_outputs(r#""binary_crossentopy""#));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "unknown loss `binary_crossentopy`");
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `binary_crossentropy`?")
        );
    }

    #[test]
    fn per_output_losses_name_their_output() {
        let d = lint(
            "m.json",
            &two_outputs(r#"{"a": "binary_crossentropy", "b": "msle_loss"}"#),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "unknown loss `msle_loss` for output `b`");
    }

    #[test]
    fn aliases_classes_and_custom_losses_pass() {
        for loss in [
            "bce",
            "mse",
            "kld",
            "{type: Huber, delta: 2.0}",
            "my_pkg>focal",
        ] {
            let yaml = format!("layers:\n  - {{type: Dense, units: 1}}\nloss: {loss}\n");
            assert!(lint("m.yaml", &yaml).is_empty(), "{loss}");
        }
        let d = lint(
            "m.yaml",
            "layers:\n  - {type: Dense, units: 1}\nloss: quantile\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("use a Keras loss such as"));
    }

    /// In a file Keras wrote, a loss far from every built-in is the
    /// project's own (info); a near-miss stays a warning.
    #[test]
    fn custom_losses_in_keras_files_are_info() {
        let json = |loss: &str| {
            format!(
                r#"{{"module": "keras", "class_name": "Sequential", "config": {{"name": "s", "layers": [{{"module": "keras.layers", "class_name": "Dense", "config": {{"name": "d", "units": 1, "activation": "sigmoid"}}}}]}}, "compile_config": {{"loss": "{loss}"}}}}"#
            )
        };
        let severities = |loss: &str| -> Vec<crate::diagnostic::Severity> {
            lint("m.json", &json(loss))
                .iter()
                .map(|d| d.severity)
                .collect()
        };
        use crate::diagnostic::Severity;
        assert_eq!(severities("wasserstein_critic_term"), [Severity::Info]);
        assert_eq!(severities("binary_crossentropi"), [Severity::Warning]);
    }
}
