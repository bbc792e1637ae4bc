//! Task inference: what the declared task, the loss and the output layer
//! each say a head is for. A declared task wins, then the loss, then the head.

use crate::ir::catalog::{ActFamily, LossFamily};
use crate::ir::{Head, LossRef, Model, Task};

/// Where a task conclusion came from, with the words for a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub task: Task,
    /// "the loss says regression (mse)"
    pub says: String,
}

/// What the loss implies, when it implies one task.
pub fn from_loss(loss: &LossRef, units: Option<u64>) -> Option<Evidence> {
    let task = match loss.family()? {
        LossFamily::Regression | LossFamily::Poisson => Task::Regression,
        LossFamily::BinaryCrossentropy | LossFamily::Hinge => match units {
            Some(u) if u > 1 => Task::Multilabel,
            _ => Task::Binary,
        },
        LossFamily::CategoricalCrossentropy
        | LossFamily::SparseCategoricalCrossentropy
        | LossFamily::CategoricalHinge => Task::Multiclass,
        LossFamily::KlDivergence | LossFamily::Other => return None,
    };
    Some(Evidence {
        task,
        says: format!("the loss says {} ({})", task.describe(), loss.name),
    })
}

/// What the output layer implies: 1 sigmoid unit is binary, N sigmoid units
/// multilabel, N softmax units multiclass, linear regression.
pub fn from_head(head: &Head) -> Option<Evidence> {
    let family = head.family()?;
    let units = head.units();
    let n = |u: u64, what: &str| format!("{u} {what} unit{}", if u == 1 { "" } else { "s" });
    let (task, what) = match (family, units) {
        (ActFamily::Sigmoid, Some(1)) => (Task::Binary, n(1, "sigmoid")),
        (ActFamily::Sigmoid, Some(u)) => (Task::Multilabel, n(u, "sigmoid")),
        (ActFamily::Softmax, Some(u)) if u >= 2 => (Task::Multiclass, n(u, "softmax")),
        (ActFamily::Linear, Some(u)) => (
            Task::Regression,
            format!(
                "linear, {}",
                n(u, "output").replace(" output unit", " unit")
            ),
        ),
        (ActFamily::Linear, None) => (Task::Regression, "linear".to_string()),
        _ => return None,
    };
    Some(Evidence {
        task,
        says: format!("the output layer says {} ({what})", task.describe()),
    })
}

/// The task of a head: declared, else from the loss, else from the head.
pub fn infer(model: &Model, head: &Head) -> Option<Evidence> {
    if let Some(t) = &model.task {
        return Some(Evidence {
            task: t.value,
            says: format!("the declared task is {}", t.value.describe()),
        });
    }
    head.loss
        .as_ref()
        .and_then(|l| from_loss(l, head.units()))
        .or_else(|| from_head(head))
}
