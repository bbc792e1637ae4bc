//! ACT108 `categorical-loss-with-sigmoid`: categorical crossentropy on a head of 2 or more sigmoid units.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::ActFamily;
use crate::ir::Head;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// categorical crossentropy on a head of 2 or more sigmoid units.
    pub struct CategoricalLossWithSigmoid {
        code: "ACT108",
        name: "categorical-loss-with-sigmoid",
        category: Output,
        severity: Warning,
        concerns: [Activation(Sigmoid), Loss(CategoricalCrossentropy), Loss(SparseCategoricalCrossentropy)],
    }
}

impl Rule for CategoricalLossWithSigmoid {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let (Some(act), Some(loss)) = (&head.activation, &head.loss) else {
            return;
        };
        if act.activation.family() != Some(ActFamily::Sigmoid)
            || !loss.family().is_some_and(|f| f.is_categorical())
            // a sigmoid with from_logits=True is ACT105's double squashing
            || loss.from_logits()
        {
            return;
        }
        // One sigmoid unit with a categorical loss is ACT106.
        let Some(units) = head.units.as_ref().filter(|u| u.value >= 2) else {
            return;
        };
        let n = units.value;
        let model = cx.model;
        out.push(
            META.diag(format!(
                "`{}` on the {n} independent sigmoid units of {}: the loss expects one distribution over {n} classes",
                loss.name,
                model.describe_head(head)
            ))
            .at(loss.span, "categorical loss: exactly one class per sample")
            .label(
                act.activation.span,
                format!("sigmoid gives {n} separate probabilities that need not sum to 1"),
            )
            .help(
                "for several labels per sample (multilabel) use `binary_crossentropy`; for exactly one class per sample use `activation: softmax`",
            )
            .layer(model.layer(act.layer).name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn act108(model: &str) -> usize {
        testing::reported("model.yaml", model, "ACT108").len()
    }

    #[test]
    fn checks_each_head_of_a_multi_output_model() {
        let bad = include_str!("../../../fixtures/rules/ACT108/bad.keras.json");
        let found = testing::reported("bad.keras.json", bad, "ACT108");
        assert_eq!(found.len(), 1);
        // The `tags` head, not the `price` regression head.
        assert_eq!(found[0].layer.as_deref(), Some("tags"));
        assert!(found[0]
            .message
            .contains("5 independent sigmoid units of `tags`"));
    }

    #[test]
    fn sparse_categorical_too_but_not_one_unit_or_logits() {
        let head = |units: u32, loss: &str| {
            format!(
                "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n  - {{type: Dense, units: {units}, activation: sigmoid}}\nloss: {loss}\n"
            )
        };
        assert_eq!(act108(&head(3, "sparse_categorical_crossentropy")), 1);
        // One unit is ACT106; from_logits on a sigmoid is ACT105.
        assert_eq!(act108(&head(1, "categorical_crossentropy")), 0);
        assert_eq!(
            act108(&head(
                3,
                "{type: CategoricalCrossentropy, from_logits: true}"
            )),
            0
        );
        assert_eq!(act108(&head(3, "binary_crossentropy")), 0);
    }
}
