//! ACT001 `unknown-activation`: activation name Keras does not know.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Activation name Keras does not know.
    pub struct UnknownActivation {
        code: "ACT001",
        name: "unknown-activation",
        category: Correctness,
        severity: Error,
        summary: "activation name Keras does not know",
    }
}

pub static META: &RuleMeta = &UnknownActivation::META;

impl Rule for UnknownActivation {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
