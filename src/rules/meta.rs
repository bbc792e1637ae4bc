//! What a rule declares about itself: its metadata, its options and the
//! Keras families it concerns, all written once in the rule file through
//! [`declare_rule!`](crate::declare_rule).

use std::fmt;

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::catalog::{ActFamily, InitFamily, LossFamily};

/// Where a rule belongs; also selectable by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// ACT000: the file cannot be read as a model.
    Parse,
    /// ACT001-ACT006: names Keras does not know, broken references.
    Correctness,
    /// ACT1xx: the output layer and the loss.
    Output,
    /// ACT2xx: hidden-layer activations.
    Hidden,
    /// ACT3xx: recurrent layers.
    Recurrent,
    /// ACT4xx: weight initialization.
    Initialization,
    /// ACT5xx: input scaling.
    Input,
    /// ACT6xx: regularization (dropout, batch normalization).
    Regularization,
    /// ACT7xx: configs that are unsafe to load.
    Security,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Parse => "parse",
            Category::Correctness => "correctness",
            Category::Output => "output",
            Category::Hidden => "hidden",
            Category::Recurrent => "recurrent",
            Category::Initialization => "initialization",
            Category::Input => "input",
            Category::Regularization => "regularization",
            Category::Security => "security",
        }
    }
}

/// A family of Keras names a rule checks: the editor's hover over such a
/// name lists the rules that concern its family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concern {
    Activation(ActFamily),
    Initializer(InitFamily),
    Loss(LossFamily),
}

/// What a rule is, declared once next to its code.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// The first line of the rule's doc comment, without its full stop.
    pub summary: &'static str,
    pub default_enabled: bool,
    /// The rule's documentation (`rules/<CODE>-<name>.md`).
    pub doc: &'static str,
    /// Whether the rule's findings come with a fix, and how safe it is.
    pub fix: crate::diagnostic::FixKind,
    /// The options `[rules.<code or name>]` sets.
    pub options: &'static [&'static RuleOption],
    /// The families of activations, initializers and losses it checks.
    pub concerns: &'static [Concern],
}

impl RuleMeta {
    /// A diagnostic of this rule at its default severity.
    pub fn diag(&'static self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.name, self.severity, message)
    }

    /// Its option called `key`.
    pub fn option(&self, key: &str) -> Option<&'static RuleOption> {
        self.options.iter().copied().find(|o| o.key == key)
    }
}

/// The metadata of a rule; implemented by [`declare_rule!`](crate::declare_rule).
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

/// What values an option takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptionType {
    /// A whole number from `min` to `max`.
    Integer { min: i64, max: i64 },
    /// A number from 0 to 1 (a whole number is accepted).
    Rate,
}

/// An option's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptionValue {
    Integer(i64),
    Number(f64),
}

impl fmt::Display for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionValue::Integer(i) => write!(f, "{i}"),
            OptionValue::Number(n) => write!(f, "{n}"),
        }
    }
}

/// An option of a rule, declared in the rule file; the configuration reads
/// it by its key under `[rules.<code or name>]`.
#[derive(Debug)]
pub struct RuleOption {
    /// The key in the configuration (`depth`).
    pub key: &'static str,
    pub kind: OptionType,
    pub default: OptionValue,
    /// What the value means.
    pub doc: &'static str,
    /// What a valid value is, after "`<key>` must be ".
    pub expected: &'static str,
    /// What the default means, after "the default is <default>: ".
    pub default_means: &'static str,
}

impl RuleOption {
    /// The value of a configuration's number, or `None` when it is not one
    /// this option takes.
    pub fn accept(&self, integer: Option<i64>, float: Option<f64>) -> Option<OptionValue> {
        match self.kind {
            OptionType::Integer { min, max } => integer
                .filter(|i| (min..=max).contains(i))
                .map(OptionValue::Integer),
            OptionType::Rate => float
                .or(integer.map(|i| i as f64))
                .filter(|r| (0.0..=1.0).contains(r))
                .map(OptionValue::Number),
        }
    }

    /// The label under a value it does not take.
    pub fn label(&self) -> String {
        match self.kind {
            OptionType::Integer { min, .. } => format!("expected an integer of at least {min}"),
            OptionType::Rate => "expected a rate from 0 to 1".to_string(),
        }
    }
}

/// The values of rule options that differ from their defaults.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    set: Vec<(&'static RuleOption, OptionValue)>,
}

impl RuleOptions {
    /// Sets an option (a later value wins).
    pub fn set(&mut self, option: &'static RuleOption, value: OptionValue) {
        self.set.retain(|(o, _)| !std::ptr::eq(*o, option));
        self.set.push((option, value));
    }

    /// An option's value: as set, or its default.
    pub fn get(&self, option: &'static RuleOption) -> OptionValue {
        self.set
            .iter()
            .find(|(o, _)| std::ptr::eq(*o, option))
            .map_or(option.default, |(_, v)| *v)
    }

    /// An integer option's value.
    pub fn integer(&self, option: &'static RuleOption) -> i64 {
        match self.get(option) {
            OptionValue::Integer(i) => i,
            OptionValue::Number(n) => n as i64,
        }
    }

    /// A number option's value.
    pub fn number(&self, option: &'static RuleOption) -> f64 {
        match self.get(option) {
            OptionValue::Integer(i) => i as f64,
            OptionValue::Number(n) => n,
        }
    }
}

/// The summary of a rule from its first doc line (`#[doc = " text."]`):
/// without the leading space and the full stop.
pub const fn summary(doc: &'static str) -> &'static str {
    let mut bytes = doc.as_bytes();
    while let [b' ', rest @ ..] = bytes {
        bytes = rest;
    }
    if let [rest @ .., b'.'] = bytes {
        bytes = rest;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => panic!("a doc line is UTF-8"),
    }
}

/// Declares a rule's unit struct, its metadata (`META`, and `meta()` through
/// [`Declared`]) and a module-level `META`. The first doc line is the
/// summary; the doc is read from `rules/<CODE>-<name>.md`.
///
/// ```text
/// declare_rule! {
///     /// binary task expressed as a 2-unit softmax; use 1 sigmoid unit.
///     pub struct BinarySoftmaxOutput {
///         code: "ACT102",
///         name: "binary-softmax-output",
///         category: Output,
///         severity: Warning,
///         default_enabled: true,          // optional
///         fix: Unsafe,                    // optional
///         concerns: [Activation(Softmax)], // optional
///         options: [DEPTH],               // optional: statics of the file
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        #[doc = $summary:literal]
        $(#[$attr:meta])*
        pub struct $ty:ident {
            code: $code:literal,
            name: $name:literal,
            category: $cat:ident,
            severity: $sev:ident,
            $(default_enabled: $enabled:literal,)?
            $(fix: $fix:ident,)?
            $(concerns: [$($kind:ident($family:ident)),* $(,)?],)?
            $(options: [$($option:ident),* $(,)?],)?
        }
    ) => {
        #[doc = $summary]
        $(#[$attr])*
        pub struct $ty;

        impl $ty {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $name,
                category: $crate::rules::Category::$cat,
                severity: $crate::diagnostic::Severity::$sev,
                summary: $crate::rules::meta::summary($summary),
                default_enabled: $crate::declare_rule!(@enabled $($enabled)?),
                doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, "-", $name, ".md")),
                fix: $crate::declare_rule!(@fix $($fix)?),
                options: &[$($(&$option),*)?],
                concerns: &[$($($crate::declare_rule!(@concern $kind $family)),*)?],
            };
        }

        /// This rule's metadata.
        pub static META: &$crate::rules::RuleMeta = &$ty::META;

        impl $crate::rules::Declared for $ty {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                META
            }
        }
    };
    (@enabled) => { true };
    (@enabled $e:literal) => { $e };
    (@fix) => { $crate::diagnostic::FixKind::None };
    (@fix $f:ident) => { $crate::diagnostic::FixKind::$f };
    (@concern Activation $f:ident) => {
        $crate::rules::Concern::Activation($crate::ir::catalog::ActFamily::$f)
    };
    (@concern Initializer $f:ident) => {
        $crate::rules::Concern::Initializer($crate::ir::catalog::InitFamily::$f)
    };
    (@concern Loss $f:ident) => {
        $crate::rules::Concern::Loss($crate::ir::catalog::LossFamily::$f)
    };
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn the_summary_is_the_first_doc_line_without_its_full_stop() {
        assert_eq!(
            summary(" Dropout rate above 0.5."),
            "Dropout rate above 0.5"
        );
        assert_eq!(summary(" no stop"), "no stop");
    }
}
