//! ACT105 `activation-with-from-logits`: sigmoid/softmax head with a from_logits=True loss (double squashing).

use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Change, FixPlan};
use crate::ir::catalog::LossFamily;
use crate::ir::Head;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// sigmoid/softmax head with a from_logits=True loss (double squashing).
    pub struct ActivationWithFromLogits {
        code: "ACT105",
        name: "activation-with-from-logits",
        category: Output,
        severity: Error,
        fix: Unsafe,
        concerns: [Activation(Sigmoid), Activation(Softmax), Loss(BinaryCrossentropy), Loss(CategoricalCrossentropy), Loss(SparseCategoricalCrossentropy)],
    }
}

impl Rule for ActivationWithFromLogits {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let (Some(act), Some(loss)) = (&head.activation, &head.loss) else {
            return;
        };
        if !act.activation.family().is_some_and(|f| f.is_probability()) {
            return;
        }
        let Some(info) = loss.info.filter(|i| i.has_from_logits) else {
            return;
        };
        let Some(from_logits) = loss.from_logits.as_ref().filter(|f| f.value) else {
            return;
        };
        let again = match info.family {
            LossFamily::BinaryCrossentropy => "sigmoid",
            _ => "softmax",
        };
        let a = &act.activation;
        out.push(
            META.diag(format!(
                "{} applies {}, and `from_logits` makes `{}` apply a {again} on top: \
                 the output is squashed twice",
                model.describe_output_layer(act.layer),
                a.name,
                loss.name
            ))
            .at(a.span, "already outputs probabilities")
            .label(from_logits.span, format!("applies a {again} again"))
            .help(format!(
                "make the output linear (no activation) and keep `from_logits`, which is \
                 numerically more stable; or keep the {} and set `from_logits` to false",
                a.name
            ))
            .layer(model.layer(act.layer).name())
            .fix_plan(Some(FixPlan::unsafe_(
                "set `from_logits` to false",
                vec![Change::ReplaceBool {
                    span: from_logits.span,
                    value: false,
                }],
            ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(output: &str, loss: &str) -> (String, Vec<Diagnostic>) {
        let yaml = format!("layers:\n  - {output}\nloss: {loss}\n");
        let d = testing::lint("model.yaml", &yaml, &["ACT105"]);
        (yaml, d)
    }

    #[test]
    fn labels_the_activation_and_from_logits() {
        let (yaml, d) = lint(
            "{type: Dense, name: out, units: 1, activation: sigmoid}",
            "{type: BinaryCrossentropy, from_logits: true}",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "the output layer `out` applies sigmoid, and `from_logits` makes `BinaryCrossentropy` apply a sigmoid on top: the output is squashed twice"
        );
        let primary = d[0].primary.as_ref().unwrap().span;
        assert_eq!(&yaml[primary.start..primary.end], "sigmoid");
        let logits = d[0].secondary[0].span;
        assert_eq!(&yaml[logits.start..logits.end], "true");
        assert_eq!(d[0].layer.as_deref(), Some("out"));
    }

    #[test]
    fn softmax_layer_with_categorical_logits() {
        let (_, d) = lint(
            "{type: Dense, units: 4}\n  - {type: Softmax}",
            "{type: SparseCategoricalCrossentropy, from_logits: true}",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].secondary[0].message.as_deref(),
            Some("applies a softmax again")
        );
    }

    #[test]
    fn logits_and_probabilities_in_their_place_pass() {
        for (output, loss) in [
            (
                "{type: Dense, units: 1}",
                "{type: BinaryCrossentropy, from_logits: true}",
            ),
            (
                "{type: Dense, units: 1, activation: sigmoid}",
                "{type: BinaryCrossentropy, from_logits: false}",
            ),
            (
                "{type: Dense, units: 1, activation: sigmoid}",
                "binary_crossentropy",
            ),
        ] {
            assert!(lint(output, loss).1.is_empty(), "{output} {loss}");
        }
    }
}
