//! ACT119 `output-units-class-mismatch`: the classification output's width differs from the declared number of classes.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::ActFamily;
use crate::ir::Head;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// the classification output's width differs from the declared number of classes.
    pub struct OutputUnitsClassMismatch {
        code: "ACT119",
        name: "output-units-class-mismatch",
        category: Output,
        severity: Error,
    }
}

impl Rule for OutputUnitsClassMismatch {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // With a declared task, ACT109 compares the units with the classes.
        if model.task.is_some() || model.heads.len() != 1 {
            return;
        }
        let Some(classes) = &model.classes else {
            return;
        };
        let Some(family) = head.family() else {
            return;
        };
        let loss = head.loss.as_ref().and_then(|l| l.family());
        let classifier = matches!(family, ActFamily::Softmax | ActFamily::Sigmoid)
            || loss.is_some_and(|l| l.is_crossentropy());
        if !classifier {
            return;
        }
        // The output's width: the last axis of its inferred shape, else the
        // units of the layer that produces it.
        let shape_width = model.shapes[head.output_layer]
            .as_ref()
            .and_then(|s| s.last().copied().flatten());
        let Some(width) = shape_width.or(head.units()) else {
            return;
        };
        let c = classes.value;
        let fits = if c == 2 { width <= 2 } else { width == c };
        // One unit with a categorical loss is ACT106's.
        if fits || (width == 1 && loss.is_some_and(|l| l.is_categorical())) {
            return;
        }
        let expected = if c == 2 {
            "1 sigmoid unit or 2 softmax units".to_string()
        } else {
            format!("{c} units")
        };
        let producer = head.producer.unwrap_or(head.output_layer);
        let mut d = META.diag(format!(
            "{} has {width} output unit{}, but {c} classes are declared ({expected} expected): \
             labels of the other classes have no output, or outputs have no class",
            model.describe_output_layer(producer),
            if width == 1 { "" } else { "s" },
        ));
        d = match &head.units {
            Some(u) if u.value == width => d.at(u.span, format!("{width} units")),
            _ => d.at(model.layer(producer).class.span, format!("{width} units")),
        };
        out.push(
            d.label(classes.span, format!("{c} classes declared"))
                .help(format!(
                    "give the output layer {expected}, or correct the declared number of classes"
                ))
                .layer(model.layer(producer).name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn lint(classes: u64, units: u64, act: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let yaml = format!(
            "classes: {classes}\nlayers:\n  - {{type: Dense, units: {units}, activation: {act}}}\nloss: categorical_crossentropy\n"
        );
        testing::lint("model.yaml", &yaml, &["ACT119"])
    }

    #[test]
    fn units_other_than_the_classes_are_reported() {
        let d = lint(10, 8, "softmax");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0]
            .message
            .contains("has 8 output units, but 10 classes are declared"));
    }

    #[test]
    fn matching_or_binary_forms_pass() {
        assert!(lint(10, 10, "softmax").is_empty());
        assert!(lint(2, 2, "softmax").is_empty());
        // With a declared task ACT109 reports it.
        let yaml = "task: multiclass\nclasses: 10\nlayers:\n  - {type: Dense, units: 8, activation: softmax}\nloss: categorical_crossentropy\n";
        assert!(crate::rules::testing::lint("model.yaml", yaml, &["ACT119"]).is_empty());
    }
}
