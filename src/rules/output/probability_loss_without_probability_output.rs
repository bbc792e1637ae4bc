//! ACT104 `probability-loss-without-probability-output`: crossentropy or KL loss on a head that does not output probabilities, without from_logits.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Crossentropy or KL loss on a head that does not output probabilities, without from_logits.
    pub struct ProbabilityLossWithoutProbabilityOutput {
        code: "ACT104",
        name: "probability-loss-without-probability-output",
        category: Output,
        severity: Error,
        summary: "crossentropy or KL loss on a head that does not output probabilities, without from_logits",
    }
}

pub static META: &RuleMeta = &ProbabilityLossWithoutProbabilityOutput::META;

impl Rule for ProbabilityLossWithoutProbabilityOutput {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
