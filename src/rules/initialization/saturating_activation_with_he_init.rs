//! ACT402 `saturating-activation-with-he-init`: sigmoid/tanh layer with He initialisation (Glorot expected).

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Sigmoid/tanh layer with He initialisation (Glorot expected).
    pub struct SaturatingActivationWithHeInit {
        code: "ACT402",
        name: "saturating-activation-with-he-init",
        category: Initialization,
        severity: Warning,
        summary: "sigmoid/tanh layer with He initialisation (Glorot expected)",
    }
}

pub static META: &RuleMeta = &SaturatingActivationWithHeInit::META;

impl Rule for SaturatingActivationWithHeInit {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
