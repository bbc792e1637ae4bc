//! ACT002 `unknown-initializer`: initializer name Keras does not know.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Initializer name Keras does not know.
    pub struct UnknownInitializer {
        code: "ACT002",
        name: "unknown-initializer",
        category: Correctness,
        severity: Error,
        summary: "initializer name Keras does not know",
    }
}

pub static META: &RuleMeta = &UnknownInitializer::META;

impl Rule for UnknownInitializer {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
