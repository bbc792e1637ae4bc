//! ACT204 `saturating-hidden-activation`: sigmoid/tanh hidden layers in an MLP/CNN (the modern default is ReLU).

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Sigmoid/tanh hidden layers in an MLP/CNN (the modern default is ReLU).
    pub struct SaturatingHiddenActivation {
        code: "ACT204",
        name: "saturating-hidden-activation",
        category: Hidden,
        severity: Info,
        summary: "sigmoid/tanh hidden layers in an MLP/CNN (the modern default is ReLU)",
    }
}

pub static META: &RuleMeta = &SaturatingHiddenActivation::META;

impl Rule for SaturatingHiddenActivation {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
