//! ACT201 `linear-hidden-stack`: two weight layers in a row with no non-linearity between them.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Two weight layers in a row with no non-linearity between them.
    pub struct LinearHiddenStack {
        code: "ACT201",
        name: "linear-hidden-stack",
        category: Hidden,
        severity: Warning,
        summary: "two weight layers in a row with no non-linearity between them",
    }
}

pub static META: &RuleMeta = &LinearHiddenStack::META;

impl Rule for LinearHiddenStack {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
