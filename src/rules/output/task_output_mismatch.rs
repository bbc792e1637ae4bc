//! ACT109 `task-output-mismatch`: the declared task (and classes) disagree with the output head.
//!
//! What each task needs: regression a linear output; binary 1 sigmoid unit;
//! multiclass one softmax unit per class; multilabel one sigmoid unit per
//! label. A linear output whose loss has `from_logits` set is accepted for the
//! classification tasks. Where a more specific rule already describes the
//! head's problem, this rule stays silent about it: a softmax over 1 unit
//! (ACT101), a 2-unit softmax on a binary task (ACT102), a non-probability
//! output with a probability loss (ACT104, for the activation) and a
//! categorical loss on 1 unit (ACT106, for the units).

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{ActFamily, LossFamily};
use crate::ir::{ActivationRef, Head, Model, Task};
use crate::rules::output::{
    binary_softmax_output, categorical_loss_single_unit,
    probability_loss_without_probability_output,
};
use crate::rules::{task, Context, Rule};

crate::declare_rule! {
    /// the declared task (and classes) disagree with the output head.
    pub struct TaskOutputMismatch {
        code: "ACT109",
        name: "task-output-mismatch",
        category: Output,
        severity: Error,
    }
}

/// How many units a task needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Units {
    Any,
    Exactly(u64),
    AtLeast(u64),
}

impl Units {
    fn accepts(self, n: u64) -> bool {
        match self {
            Units::Any => true,
            Units::Exactly(e) => n == e,
            Units::AtLeast(m) => n >= m,
        }
    }
    fn label(self) -> String {
        match self {
            Units::Any => String::new(),
            Units::Exactly(e) => format!("expected {e} unit{}", plural(e)),
            Units::AtLeast(m) => format!("expected at least {m} units"),
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// "1 class", "10 classes", "3 labels".
fn count(n: u64, what: &str) -> String {
    match (n, what) {
        (1, _) => format!("1 {what}"),
        (_, "class") => format!("{n} classes"),
        _ => format!("{n} {what}s"),
    }
}

/// What the head gets wrong against the declared task.
#[derive(Debug, PartialEq, Eq)]
struct Mismatch {
    activation: bool,
    units: bool,
    expected_units: Units,
}

/// Compares a head with the declared task; `None` when they agree or when a
/// more specific rule reports the problem.
fn mismatch(model: &Model, head: &Head, declared: Task) -> Option<Mismatch> {
    let act = head.activation.as_ref()?;
    let family = act.activation.family()?;
    let units = head.units();
    let classes = model
        .classes
        .as_ref()
        .map(|c| c.value)
        .filter(|_| matches!(declared, Task::Multiclass | Task::Multilabel));

    // ACT101 and ACT102 describe these heads better.
    if family == ActFamily::Softmax && units == Some(1) {
        return None;
    }
    if binary_softmax_output::applies(model, head) {
        return None;
    }

    let loss = head.loss.as_ref();
    let logits = family.is_linear()
        && loss.is_some_and(|l| l.info.is_some_and(|i| i.has_from_logits) && l.from_logits());
    let activation_ok = match declared {
        Task::Regression => {
            family.is_linear()
                // a Poisson rate must not be negative: exponential, softplus and
                // relu outputs are right (a sigmoid's bound of 1 is not)
                || (loss.and_then(|l| l.family()) == Some(LossFamily::Poisson)
                    && !family.is_probability()
                    && act.activation.info.is_some_and(|i| i.non_negative))
        }
        Task::Binary | Task::Multilabel => family == ActFamily::Sigmoid || logits,
        Task::Multiclass => family == ActFamily::Softmax || logits,
    };
    // Two classes as 1 sigmoid unit is the recommended binary form (ACT102).
    if declared == Task::Multiclass
        && classes == Some(2)
        && units == Some(1)
        && (family == ActFamily::Sigmoid || logits)
    {
        return None;
    }
    let reported_by_act104 = declared != Task::Regression
        && probability_loss_without_probability_output::applies(head).is_some();
    let activation = !activation_ok && !reported_by_act104;

    let expected_units = match declared {
        Task::Regression => Units::Any,
        Task::Binary => Units::Exactly(1),
        Task::Multiclass | Task::Multilabel => classes.map_or(Units::AtLeast(2), Units::Exactly),
    };
    let units = units.is_some_and(|u| !expected_units.accepts(u))
        && categorical_loss_single_unit::applies(head).is_none();
    (activation || units).then_some(Mismatch {
        activation,
        units,
        expected_units,
    })
}

impl Rule for TaskOutputMismatch {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let Some(declared) = &model.task else {
            return;
        };
        let Some(m) = mismatch(model, head, declared.value) else {
            return;
        };
        let act = head
            .activation
            .as_ref()
            .expect("a mismatch needs an activation");
        let a = &act.activation;
        let classes = model
            .classes
            .as_ref()
            .filter(|_| matches!(declared.value, Task::Multiclass | Task::Multilabel));
        let per = per_what(declared.value);

        let n = classes.map(|c| c.value);
        let (expected_act, expectation) = expectation(declared.value, n, per);
        let task_phrase = match n {
            Some(n) => format!("{} with {}", declared.value.describe(), count(n, per)),
            None => declared.value.describe().to_string(),
        };
        let mut message = format!(
            "the declared task is {task_phrase} ({expectation}), but {} {}",
            model.describe_output_layer(act.layer),
            what_the_head_does(declared.value, head.units(), a)
        );
        if let Some(e) = task::from_head(head).filter(|e| e.task != declared.value) {
            message.push_str(&format!(", which means {}", e.task.describe()));
        }

        let act_label = if a.explicit {
            format!("expected {expected_act}")
        } else {
            format!("no activation (linear); expected {expected_act}")
        };
        let units_node = head.units.as_ref().filter(|_| m.units);
        let mut d = META.diag(message);
        d = match (m.activation, units_node) {
            (true, Some(u)) => d
                .at(a.span, act_label)
                .label(u.span, m.expected_units.label()),
            (true, None) => d.at(a.span, act_label),
            (false, Some(u)) => d.at(u.span, m.expected_units.label()),
            (false, None) => return,
        };
        d = d.label(declared.span, "declared task");
        if let Some(c) = classes {
            d = d.label(c.span, count(c.value, per));
        }

        d = d.help(format!(
            "{}; if the output layer is right, correct the declared task",
            recipe(declared.value, n, per)
        ));
        out.push(d.layer(model.layer(act.layer).name()));
    }
}

/// What a task counts output units per: `label` for multilabel, else
/// `class`.
fn per_what(task: Task) -> &'static str {
    if task == Task::Multilabel {
        "label"
    } else {
        "class"
    }
}

/// What the output does, in the terms of the declared `task`: `applies
/// relu`, `has 3 sigmoid units`.
fn what_the_head_does(task: Task, units: Option<u64>, a: &ActivationRef) -> String {
    let act_name = if a.explicit {
        a.name.as_str()
    } else {
        "linear"
    };
    match (task, units) {
        (Task::Regression, _) if !a.explicit => "no activation".to_string(),
        (Task::Regression, _) => format!("applies {act_name}"),
        (_, Some(u)) => format!("has {u} {act_name} unit{}", plural(u)),
        (_, None) => format!("is a {act_name} output"),
    }
}

/// What a `task` expects of the output: its activation, and in words
/// (`3 softmax units`; `n`: the declared classes; `per`: class or label).
fn expectation(task: Task, n: Option<u64>, per: &str) -> (&'static str, String) {
    match task {
        Task::Regression => ("linear", "a linear output".to_string()),
        Task::Binary => ("sigmoid", "1 sigmoid unit".to_string()),
        Task::Multiclass | Task::Multilabel => {
            let f = if task == Task::Multiclass {
                "softmax"
            } else {
                "sigmoid"
            };
            let units = match n {
                Some(n) => format!("{n} {f} unit{}", plural(n)),
                None => format!("one {f} unit per {per}"),
            };
            (f, units)
        }
    }
}

/// How to build the output a `task` needs (with the logits alternative for
/// classification).
fn recipe(task: Task, n: Option<u64>, per: &str) -> String {
    let n = match n {
        Some(n) => format!("{n} unit{}", plural(n)),
        None => format!("one unit per {per}"),
    };
    let recipe = match task {
        Task::Regression => "remove the output activation (a linear output) so predictions can take any value".to_string(),
        Task::Binary => "use 1 unit with a `sigmoid` activation and `binary_crossentropy`".to_string(),
        Task::Multiclass => format!(
            "use {n} with a `softmax` activation and `categorical_crossentropy` or `sparse_categorical_crossentropy`"
        ),
        Task::Multilabel => {
            format!("use {n} with a `sigmoid` activation and `binary_crossentropy`")
        }
    };
    let logits = if task == Task::Regression {
        ""
    } else {
        " (or a linear output with `from_logits` set on the loss)"
    };
    format!("{recipe}{logits}")
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    /// Lints a model with one hidden layer and the given header, output layer and loss.
    fn lint(header: &str, output: &str, loss: &str) -> Vec<Diagnostic> {
        let yaml = format!(
            "{header}\nlayers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n  - {output}\nloss: {loss}\n"
        );
        testing::lint_all("model.yaml", &yaml)
    }

    fn codes(header: &str, output: &str, loss: &str) -> Vec<&'static str> {
        let mut c: Vec<_> = lint(header, output, loss).iter().map(|d| d.code).collect();
        c.sort();
        c
    }

    #[test]
    fn regression_needs_a_linear_output() {
        let sigmoid = "{type: Dense, units: 1, activation: sigmoid}";
        // ACT109 describes the output layer; ACT103 stays silent as the loss agrees with the task.
        assert_eq!(codes("task: regression", sigmoid, "mse"), ["ACT109"]);
        let d = &lint("task: regression", sigmoid, "mse")[0];
        assert_eq!(
            d.message,
            "the declared task is regression (a linear output), but the `Dense` output layer applies sigmoid, which means binary classification"
        );
        assert_eq!(
            codes("task: regression", "{type: Dense, units: 1}", "mse"),
            [] as [&str; 0]
        );
        // A positive rate for the Poisson loss is not a mismatch.
        let exp = "{type: Dense, units: 1, activation: exponential}";
        assert!(!codes("task: regression", exp, "poisson").contains(&"ACT109"));
        assert!(codes("task: regression", exp, "mse").contains(&"ACT109"));
        let bounded = "{type: Dense, units: 1, activation: sigmoid}";
        assert!(codes("task: regression", bounded, "poisson").contains(&"ACT109"));
    }

    #[test]
    fn binary_needs_one_sigmoid_unit() {
        let ok = "{type: Dense, units: 1, activation: sigmoid}";
        assert!(codes("task: binary", ok, "binary_crossentropy").is_empty());
        let three = "{type: Dense, units: 3, activation: sigmoid}";
        let d = lint("task: binary", three, "binary_crossentropy");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "ACT109");
        assert!(d[0]
            .message
            .ends_with("has 3 sigmoid units, which means multilabel classification"));
        assert_eq!(
            d[0].primary.as_ref().unwrap().message.as_deref(),
            Some("expected 1 unit")
        );
        // A linear unit with a from_logits loss is a binary classifier too; relu is not.
        let logits = "{type: BinaryCrossentropy, from_logits: true}";
        assert!(codes("task: binary", "{type: Dense, units: 1}", logits).is_empty());
        let relu = "{type: Dense, units: 1, activation: relu, kernel_initializer: he_normal}";
        assert_eq!(codes("task: binary", relu, logits), ["ACT109"]);
    }

    #[test]
    fn more_specific_rules_take_precedence() {
        // Softmax over 1 unit: ACT101.
        let one = "{type: Dense, units: 1, activation: softmax}";
        assert_eq!(
            codes("task: binary", one, "binary_crossentropy"),
            ["ACT101"]
        );
        // 2-unit softmax on a binary task: ACT102.
        let two = "{type: Dense, units: 2, activation: softmax}";
        assert_eq!(
            codes("task: binary", two, "categorical_crossentropy"),
            ["ACT102"]
        );
        // Linear output with a probability loss: ACT104.
        let linear = "{type: Dense, units: 1}";
        assert_eq!(
            codes("task: binary", linear, "binary_crossentropy"),
            ["ACT104"]
        );
        // Categorical loss on 1 unit: ACT106 for the units, ACT109 still for the activation.
        let d = lint(
            "task: multiclass\nclasses: 4",
            "{type: Dense, units: 1, activation: sigmoid}",
            "categorical_crossentropy",
        );
        let act109: Vec<_> = d.iter().filter(|d| d.code == "ACT109").collect();
        assert_eq!(act109.len(), 1);
        assert_eq!(
            act109[0].primary.as_ref().unwrap().message.as_deref(),
            Some("expected softmax")
        );
        assert!(act109[0]
            .secondary
            .iter()
            .all(|l| l.message.as_deref() != Some("expected 4 units")));
        assert!(d.iter().any(|d| d.code == "ACT106"));
    }

    #[test]
    fn multiclass_needs_one_softmax_unit_per_class() {
        let header = "task: multiclass\nclasses: 5";
        let loss = "sparse_categorical_crossentropy";
        assert!(codes(header, "{type: Dense, units: 5, activation: softmax}", loss).is_empty());
        let d = lint(header, "{type: Dense, units: 3, activation: softmax}", loss);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "the declared task is multiclass classification with 5 classes (5 softmax units), but the `Dense` output layer has 3 softmax units"
        );
        assert_eq!(
            d[0].primary.as_ref().unwrap().message.as_deref(),
            Some("expected 5 units")
        );
        let labels: Vec<_> = d[0]
            .secondary
            .iter()
            .filter_map(|l| l.message.as_deref())
            .collect();
        assert_eq!(labels, ["declared task", "5 classes"]);
        // Without `classes`, any number of units from 2 up is fine.
        assert!(codes(
            "task: multiclass",
            "{type: Dense, units: 3, activation: softmax}",
            loss
        )
        .is_empty());
        // Sigmoids make the classes independent.
        assert_eq!(
            codes(
                "task: multiclass",
                "{type: Dense, units: 3, activation: sigmoid}",
                "binary_crossentropy"
            ),
            ["ACT109"]
        );
        // Logits with a from_logits loss are fine.
        let logits = "{type: SparseCategoricalCrossentropy, from_logits: true}";
        assert!(codes(header, "{type: Dense, units: 5}", logits).is_empty());
        // Two classes as one sigmoid unit are the recommended binary form.
        let two = "task: multiclass\nclasses: 2";
        let sigmoid = "{type: Dense, units: 1, activation: sigmoid}";
        assert!(codes(two, sigmoid, "binary_crossentropy").is_empty());
    }

    #[test]
    fn multilabel_needs_one_sigmoid_unit_per_label() {
        let header = "task: multilabel\nclasses: 3";
        let loss = "binary_crossentropy";
        assert!(codes(header, "{type: Dense, units: 3, activation: sigmoid}", loss).is_empty());
        let softmax = "{type: Dense, units: 3, activation: softmax}";
        let d = lint(header, softmax, "categorical_crossentropy");
        assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["ACT109"]);
        assert!(d[0].message.contains("with 3 labels (3 sigmoid units)"));
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("use 3 units with a `sigmoid` activation"));
        // A 2-unit softmax on a multilabel task is this rule's, not ACT102's.
        let two = "{type: Dense, units: 2, activation: softmax}";
        assert_eq!(
            codes("task: multilabel", two, "categorical_crossentropy"),
            ["ACT109"]
        );
        // One unit cannot hold several labels.
        let one = lint(
            "task: multilabel",
            "{type: Dense, units: 1, activation: sigmoid}",
            loss,
        );
        assert_eq!(one.len(), 1);
        assert_eq!(
            one[0].primary.as_ref().unwrap().message.as_deref(),
            Some("expected at least 2 units")
        );
    }

    #[test]
    fn silent_without_a_declared_task_or_a_known_activation() {
        let sigmoid = "{type: Dense, units: 3, activation: sigmoid}";
        assert!(codes("name: m", sigmoid, "binary_crossentropy").is_empty());
        let custom = "{type: Dense, units: 3, activation: my_pkg>scaled_tanh}";
        assert!(codes("task: binary", custom, "binary_crossentropy").is_empty());
    }
}
