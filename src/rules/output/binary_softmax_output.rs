//! ACT102 `binary-softmax-output`: binary task expressed as a 2-unit softmax; use 1 sigmoid unit.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::ActFamily;
use crate::ir::{Head, Model, Task};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// binary task expressed as a 2-unit softmax; use 1 sigmoid unit.
    pub struct BinarySoftmaxOutput {
        code: "ACT102",
        name: "binary-softmax-output",
        category: Output,
        severity: Info,
        concerns: [Activation(Softmax)],
    }
}

/// A softmax over exactly 2 units, on a model that is not declared as
/// multiclass. Other declared tasks (regression, multilabel) are reported by
/// ACT109 instead, whose advice fits them.
pub(crate) fn applies(model: &Model, head: &Head) -> bool {
    let Some(act) = &head.activation else {
        return false;
    };
    if act.activation.family() != Some(ActFamily::Softmax) || head.units() != Some(2) {
        return false;
    }
    // `Softmax(axis=1)` on a sequence normalizes over time, not over the 2 units.
    let layer = model.layer(act.layer);
    if layer.class() == "Softmax" && layer.axis().unwrap_or(-1) != -1 {
        return false;
    }
    model.task.as_ref().is_none_or(|t| t.value == Task::Binary)
}

impl Rule for BinarySoftmaxOutput {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        if !applies(model, head) {
            return;
        }
        let (Some(act), Some(units)) = (&head.activation, &head.units) else {
            return;
        };
        let layer = model.layer(act.layer);
        let producer = head.producer.unwrap_or(act.layer);
        let mut help = "use 1 unit with a `sigmoid` activation and `binary_crossentropy` \
                        (labels 0 and 1); it computes the same probability with half the \
                        output weights"
            .to_string();
        if model.format.has_task_key() && model.task.is_none() {
            help.push_str(
                "; if the two classes are meant as a multiclass output, declare `task: multiclass`",
            );
        }
        let mut d = META
            .diag(format!(
                "binary output written as a softmax over 2 units ({})",
                model.describe_output_layer(producer)
            ))
            .at(act.activation.span, "softmax over 2 units")
            .label(units.span, "2 units");
        if let Some(task) = &model.task {
            d = d.label(task.span, "declared binary");
        }
        out.push(d.help(help).layer(layer.name()));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(header: &str, output: &str) -> (String, Vec<Diagnostic>) {
        let yaml = format!("{header}\nlayers:\n  - {output}\nloss: categorical_crossentropy\n");
        let d = testing::lint("model.yaml", &yaml, &["ACT102"]);
        (yaml, d)
    }

    #[test]
    fn labels_the_softmax_and_the_units() {
        let (yaml, d) = lint(
            "name: m",
            "{type: Dense, units: 2}\n  - {type: Activation, activation: softmax}",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "binary output written as a softmax over 2 units (the `Dense` output layer)"
        );
        let primary = d[0].primary.as_ref().unwrap().span;
        assert_eq!(&yaml[primary.start..primary.end], "softmax");
        let units = d[0].secondary[0].span;
        assert_eq!(&yaml[units.start..units.end], "2");
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .ends_with("declare `task: multiclass`"));
    }

    #[test]
    fn the_declared_task_decides() {
        let two = "{type: Dense, units: 2, activation: softmax}";
        assert_eq!(lint("task: binary", two).1.len(), 1);
        assert!(lint("task: multiclass", two).1.is_empty());
        // Other declared tasks are ACT109's.
        assert!(lint("task: multilabel", two).1.is_empty());
        assert!(lint("task: regression", two).1.is_empty());
    }

    #[test]
    fn other_heads_pass() {
        assert!(
            lint("name: m", "{type: Dense, units: 3, activation: softmax}")
                .1
                .is_empty()
        );
        assert!(
            lint("name: m", "{type: Dense, units: 2, activation: sigmoid}")
                .1
                .is_empty()
        );
        // A softmax over another axis does not normalize over the 2 units.
        let time = "{type: Dense, units: 2}\n  - {type: Softmax, axis: 1}";
        assert!(lint("name: m", time).1.is_empty());
    }
}
