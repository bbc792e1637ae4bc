//! ACT106 `categorical-loss-single-unit`: categorical crossentropy on a 1-unit head.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Categorical crossentropy on a 1-unit head.
    pub struct CategoricalLossSingleUnit {
        code: "ACT106",
        name: "categorical-loss-single-unit",
        category: Output,
        severity: Error,
        summary: "categorical crossentropy on a 1-unit head",
    }
}

pub static META: &RuleMeta = &CategoricalLossSingleUnit::META;

impl Rule for CategoricalLossSingleUnit {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
