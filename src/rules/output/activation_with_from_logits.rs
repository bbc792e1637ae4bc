//! ACT105 `activation-with-from-logits`: sigmoid/softmax head with a from_logits=True loss (double squashing).

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Sigmoid/softmax head with a from_logits=True loss (double squashing).
    pub struct ActivationWithFromLogits {
        code: "ACT105",
        name: "activation-with-from-logits",
        category: Output,
        severity: Error,
        summary: "sigmoid/softmax head with a from_logits=True loss (double squashing)",
    }
}

pub static META: &RuleMeta = &ActivationWithFromLogits::META;

impl Rule for ActivationWithFromLogits {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
