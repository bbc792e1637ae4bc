//! ACT008 `unknown-layer-argument`: a layer argument its class does not take.

use crate::diagnostic::{Change, Diagnostic, FixPlan, Severity};
use crate::ir::catalog::layers::{self, Generation};
use crate::ir::{suggest, Layer};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// a layer argument its class does not take.
    pub struct UnknownLayerArgument {
        code: "ACT008",
        name: "unknown-layer-argument",
        category: Correctness,
        severity: Warning,
        fix: Safe,
    }
}

/// Keys of the simple format that are not constructor arguments.
const SIMPLE_KEYS: &[&str] = &["type", "class_name"];

impl Rule for UnknownLayerArgument {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        if layer.custom {
            return;
        }
        let Some(config) = layer.config.as_ref() else {
            return;
        };
        let Some(entries) = config.as_object() else {
            return;
        };
        let generations = Generation::of(model.format);
        let class = layer.class();
        for entry in entries {
            let key = entry.key.as_str();
            if SIMPLE_KEYS.contains(&key)
                || layers::takes_argument(generations, class, key) != Some(false)
            {
                continue;
            }
            let known = layers::arguments(generations, class);
            let suggestion = suggest::closest(key, known.iter().copied());
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`? Keras refuses a constructor argument the class does not take"),
                None => format!(
                    "`{class}` takes: {}; Keras refuses a constructor argument the class does not take",
                    known.join(", ")
                ),
            };
            let fix = suggest::unambiguous_correction(key, &known, &|a, b| a == b).map(|to| {
                FixPlan::safe(
                    format!("rename `{key}` to `{to}`"),
                    vec![Change::ReplaceString {
                        span: entry.key_span,
                        value: to.to_string(),
                    }],
                )
            });
            let mut d = META
                .diag(format!(
                    "unknown argument `{key}` for {}",
                    model.describe_layer(layer.id)
                ))
                .at(entry.key_span, "not an argument of this layer class")
                .help(help)
                .layer(layer.name())
                .fix_plan(fix);
            // A file Keras wrote holds the keys of the version that wrote it:
            // a key far from every argument is more likely that version's
            // than a typo.
            if model.format.saved_by_keras() && suggestion.is_none() {
                d.severity = Severity::Info;
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn a_misspelt_argument_gets_did_you_mean_and_a_fix() {
        let d = testing::lint(
            "m.yaml",
            "layers:\n  - {type: Dense, units: 8, activaton: relu}\n  - {type: Dense, units: 1}\nloss: mse\n",
            &["ACT008"],
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "unknown argument `activaton` for layer 1 (`Dense`)"
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `activation`?"));
        assert!(d[0].fix.is_some());
    }

    #[test]
    fn base_layer_arguments_wrappers_and_unknown_classes_are_accepted() {
        let yaml = "
layers:
  - {type: Dense, units: 8, name: hidden, trainable: false, input_shape: [4], activation: relu}
  - type: TimeDistributed
    layer: {type: Dense, units: 2}
  - {type: Dence, untis: 3}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(
            testing::codes_with("m.yaml", yaml, &["ACT008"], 5),
            Vec::<&str>::new()
        );
    }
}
