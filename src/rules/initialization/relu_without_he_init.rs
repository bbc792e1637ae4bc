//! ACT401 `relu-without-he-init`: ReLU-family layers without He initialisation or normalisation.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// ReLU-family layers without He initialisation or normalisation.
    pub struct ReluWithoutHeInit {
        code: "ACT401",
        name: "relu-without-he-init",
        category: Initialization,
        severity: Warning,
        summary: "ReLU-family layers without He initialisation or normalisation",
    }
}

pub static META: &RuleMeta = &ReluWithoutHeInit::META;

impl Rule for ReluWithoutHeInit {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
