//! ACT106 `categorical-loss-single-unit`: categorical crossentropy on a 1-unit head.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::LossFamily;
use crate::ir::{Head, LossRef};
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// categorical crossentropy on a 1-unit head.
    pub struct CategoricalLossSingleUnit {
        code: "ACT106",
        name: "categorical-loss-single-unit",
        category: Output,
        severity: Error,
        concerns: [Loss(CategoricalCrossentropy), Loss(SparseCategoricalCrossentropy)],
    }
}

/// A categorical or sparse categorical loss on a head with exactly 1 unit:
/// the loss and the span of the units.
pub(crate) fn applies(head: &Head) -> Option<(&LossRef, Span)> {
    let loss = head.loss.as_ref()?;
    let units = head.units.as_ref().filter(|u| u.value == 1)?;
    loss.family()
        .is_some_and(|f| f.is_categorical())
        .then_some((loss, units.span))
}

impl Rule for CategoricalLossSingleUnit {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let Some((loss, units)) = applies(head) else {
            return;
        };
        let producer = head
            .producer
            .or(head.activation.as_ref().map(|a| a.layer))
            .unwrap_or(head.output_layer);
        let why = match loss.family() {
            Some(LossFamily::SparseCategoricalCrossentropy) => {
                "it needs one unit per class; over a single unit every prediction is 1.0 and \
                 the loss is always 0, so the model gets no gradient"
            }
            _ => {
                "normalized over a single unit every prediction is 1.0, so the loss is always 0 \
                 and the model gets no gradient"
            }
        };
        out.push(
            META.diag(format!(
                "`{}` on a single output unit ({}): {why}",
                loss.name,
                model.describe_output_layer(producer)
            ))
            .at(loss.span, "categorical loss")
            .label(units, "a single unit")
            .help(
                "for a binary target use `binary_crossentropy` with 1 sigmoid unit; \
                 for N classes give the output layer N units with a softmax",
            )
            .layer(model.layer(producer).name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(output: &str, loss: &str) -> (String, Vec<Diagnostic>) {
        let yaml = format!("layers:\n  - {output}\nloss: {loss}\n");
        let d = testing::lint("model.yaml", &yaml, &["ACT106"]);
        (yaml, d)
    }

    #[test]
    fn labels_the_loss_and_the_units() {
        let (yaml, d) = lint(
            "{type: Dense, units: 1, activation: sigmoid}",
            "categorical_crossentropy",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.starts_with(
            "`categorical_crossentropy` on a single output unit (the `Dense` output layer)"
        ));
        let primary = d[0].primary.as_ref().unwrap().span;
        assert_eq!(
            &yaml[primary.start..primary.end],
            "categorical_crossentropy"
        );
        let units = d[0].secondary[0].span;
        assert_eq!(&yaml[units.start..units.end], "1");
    }

    #[test]
    fn sparse_and_wrapped_heads() {
        let (_, d) = lint(
            "type: TimeDistributed\n    layer: {type: Dense, units: 1}",
            "{type: SparseCategoricalCrossentropy, from_logits: true}",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("it needs one unit per class"));
    }

    #[test]
    fn several_units_or_binary_losses_pass() {
        assert!(lint(
            "{type: Dense, units: 2, activation: softmax}",
            "categorical_crossentropy"
        )
        .1
        .is_empty());
        assert!(lint(
            "{type: Dense, units: 1, activation: sigmoid}",
            "binary_crossentropy"
        )
        .1
        .is_empty());
    }
}
