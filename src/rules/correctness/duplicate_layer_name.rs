//! ACT005 `duplicate-layer-name`: two layers of one model share a name.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Two layers of one model share a name.
    pub struct DuplicateLayerName {
        code: "ACT005",
        name: "duplicate-layer-name",
        category: Correctness,
        severity: Error,
        summary: "two layers of one model share a name",
    }
}

pub static META: &RuleMeta = &DuplicateLayerName::META;

impl Rule for DuplicateLayerName {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
