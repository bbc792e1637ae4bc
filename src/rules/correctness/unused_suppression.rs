//! ACT006 `unused-suppression`: a suppression that suppresses nothing, or
//! that cannot be understood.
//!
//! The rule walk cannot see suppressions: they are YAML comments and
//! `per-file-ignores` entries, not part of the model IR, and whether one is
//! used depends on what the other rules report. The suppression pass
//! ([`crate::lint::suppress`]) reports this rule after all rules have run; the
//! `Rule` implementation only gives it a place in the registry, so that it
//! can be selected, ignored and re-graded like any other rule.

use crate::rules::Rule;

crate::declare_rule! {
    /// a suppression that suppresses nothing, or names an unknown rule.
    ///
    /// A suppression comment or pointer ignore that suppresses nothing, or names an unknown rule.
    pub struct UnusedSuppression {
        code: "ACT006",
        name: "unused-suppression",
        category: Correctness,
        severity: Warning,
    }
}

impl Rule for UnusedSuppression {}
