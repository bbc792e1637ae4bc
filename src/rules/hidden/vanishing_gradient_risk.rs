//! ACT203 `vanishing-gradient-risk`: a deep stack of sigmoid/tanh layers with no normalisation or residual connections.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// A deep stack of sigmoid/tanh layers with no normalisation or residual connections.
    pub struct VanishingGradientRisk {
        code: "ACT203",
        name: "vanishing-gradient-risk",
        category: Hidden,
        severity: Warning,
        summary: "a deep stack of sigmoid/tanh layers with no normalisation or residual connections",
    }
}

pub static META: &RuleMeta = &VanishingGradientRisk::META;

impl Rule for VanishingGradientRisk {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
