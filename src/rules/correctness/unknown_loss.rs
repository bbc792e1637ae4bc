//! ACT003 `unknown-loss`: loss name Keras does not know.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Loss name Keras does not know.
    pub struct UnknownLoss {
        code: "ACT003",
        name: "unknown-loss",
        category: Correctness,
        severity: Warning,
        summary: "loss name Keras does not know",
    }
}

pub static META: &RuleMeta = &UnknownLoss::META;

impl Rule for UnknownLoss {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
