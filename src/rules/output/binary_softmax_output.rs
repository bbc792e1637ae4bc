//! ACT102 `binary-softmax-output`: binary task expressed as a 2-unit softmax; use 1 sigmoid unit.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Binary task expressed as a 2-unit softmax; use 1 sigmoid unit.
    pub struct BinarySoftmaxOutput {
        code: "ACT102",
        name: "binary-softmax-output",
        category: Output,
        severity: Warning,
        summary: "binary task expressed as a 2-unit softmax; use 1 sigmoid unit",
    }
}

pub static META: &RuleMeta = &BinarySoftmaxOutput::META;

impl Rule for BinarySoftmaxOutput {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
