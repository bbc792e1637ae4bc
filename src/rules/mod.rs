//! The rule engine: rule metadata, the registry, and one walk over the IR
//! that calls the hooks each rule implements.

use crate::diagnostic::Diagnostic;
use crate::ir::{Head, Layer, Model};

pub mod correctness;
pub mod docs;
pub mod edits;
pub mod hidden;
pub mod initialization;
pub mod input;
pub mod meta;
pub mod output;
pub mod recurrent;
pub mod registry;
pub mod regularization;
pub mod running;
pub mod security;
pub mod task;
#[cfg(test)]
pub(crate) mod testing;
pub mod walk;

pub use correctness::unresolved_reference;
pub use meta::{
    Category, Concern, Declared, OptionType, OptionValue, RuleMeta, RuleOption, RuleOptions,
};
pub use registry::{all_meta, find, parse_error, registry};

/// What rules are given.
pub struct Context<'a> {
    pub model: &'a Model,
    pub options: &'a RuleOptions,
}

/// A rule implements the hooks it needs; the engine walks the model once.
/// Its metadata comes from `declare_rule!`.
pub trait Rule: Declared + Send + Sync {
    /// Called once per model.
    fn check_model(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
    /// Called for every layer (wrapped and nested layers included).
    fn check_layer(&self, _cx: &Context<'_>, _layer: &Layer, _out: &mut Vec<Diagnostic>) {}
    /// Called for every output head.
    fn check_head(&self, _cx: &Context<'_>, _head: &Head, _out: &mut Vec<Diagnostic>) {}
}

/// Runs every enabled rule over a model.
pub fn run(
    model: &Model,
    options: &RuleOptions,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<Diagnostic> {
    let cx = Context { model, options };
    let rules: Vec<&dyn Rule> = registry()
        .iter()
        .copied()
        .filter(|r| enabled(r.meta()))
        .collect();
    let mut out = Vec::new();
    // `enter_rule` records the rule being called, so that a panic is
    // reported as an internal error of that rule (see `crate::lint::isolate`).
    for rule in &rules {
        running::enter_rule(rule.meta());
        rule.check_model(&cx, &mut out);
    }
    for layer in &model.layers {
        for rule in &rules {
            running::enter_rule(rule.meta());
            rule.check_layer(&cx, layer, &mut out);
        }
    }
    for head in &model.heads {
        for rule in &rules {
            running::enter_rule(rule.meta());
            rule.check_head(&cx, head, &mut out);
        }
    }
    running::leave_rules();
    out
}
