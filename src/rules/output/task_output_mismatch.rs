//! ACT109 `task-output-mismatch`: the declared task disagrees with the output layer.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// The declared task disagrees with the output layer.
    pub struct TaskOutputMismatch {
        code: "ACT109",
        name: "task-output-mismatch",
        category: Output,
        severity: Error,
        summary: "the declared task disagrees with the output layer",
    }
}

pub static META: &RuleMeta = &TaskOutputMismatch::META;

impl Rule for TaskOutputMismatch {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
