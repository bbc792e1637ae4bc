//! The rule engine: rule metadata, the registry, and one walk over the IR
//! that calls the hooks each rule implements.

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::{Head, Layer, Model};

pub mod correctness;
pub mod docs;
pub mod edits;
pub mod hidden;
pub mod initialization;
pub mod input;
pub mod output;
pub mod recurrent;
pub mod regularization;
pub mod running;
pub mod security;
pub mod task;
#[cfg(test)]
pub(crate) mod testing;
pub mod walk;

pub use correctness::unresolved_reference;

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
    /// ACT4xx: weight initialisation.
    Initialization,
    /// ACT5xx: input scaling.
    Input,
    /// ACT6xx: regularisation (dropout, batch normalisation).
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

/// What a rule is, declared once next to its code.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub summary: &'static str,
    pub default_enabled: bool,
    /// The rule's documentation (`rules/<CODE>-<name>.md`).
    pub doc: &'static str,
    /// Whether the rule's findings come with a fix, and how safe it is.
    pub fix: crate::diagnostic::FixKind,
}

impl RuleMeta {
    /// A diagnostic of this rule at its default severity.
    pub fn diag(&'static self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.name, self.severity, message)
    }
}

/// Tunable thresholds of rules.
#[derive(Clone, Debug)]
pub struct RuleOptions {
    /// ACT203: how many stacked sigmoid/tanh layers count as deep.
    pub vanishing_gradient_depth: usize,
    /// ACT603: dropout rates above this are reported.
    pub max_dropout_rate: f64,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            vanishing_gradient_depth: 5,
            max_dropout_rate: 0.5,
        }
    }
}

/// What rules are given.
pub struct Context<'a> {
    pub model: &'a Model,
    pub options: &'a RuleOptions,
}

/// A rule implements the hooks it needs; the engine walks the model once.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Called once per model.
    fn check_model(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
    /// Called for every layer (wrapped and nested layers included).
    fn check_layer(&self, _cx: &Context<'_>, _layer: &Layer, _out: &mut Vec<Diagnostic>) {}
    /// Called for every output head.
    fn check_head(&self, _cx: &Context<'_>, _head: &Head, _out: &mut Vec<Diagnostic>) {}
}

/// Declares a rule's unit struct and its metadata; the doc is read from
/// `rules/<CODE>-<name>.md`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[$attr:meta])*
        pub struct $ty:ident {
            code: $code:literal,
            name: $name:literal,
            category: $cat:ident,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
            $(default_enabled: $enabled:literal,)?
            $(fix: $fix:ident,)?
        }
    ) => {
        $(#[$attr])*
        pub struct $ty;

        impl $ty {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $name,
                category: $crate::rules::Category::$cat,
                severity: $crate::diagnostic::Severity::$sev,
                summary: $summary,
                default_enabled: $crate::declare_rule!(@enabled $($enabled)?),
                doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, "-", $name, ".md")),
                fix: $crate::declare_rule!(@fix $($fix)?),
            };
        }
    };
    (@enabled) => { true };
    (@enabled $e:literal) => { $e };
    (@fix) => { $crate::diagnostic::FixKind::None };
    (@fix $f:ident) => { $crate::diagnostic::FixKind::$f };
}

/// ACT000 is reported by the loader, not by a rule walk; it is declared
/// here so that it has a doc and a place in `actlint rules`.
pub mod parse_error {
    crate::declare_rule! {
        /// The file is not valid JSON/YAML/zip, or its model structure is malformed.
        pub struct ParseError {
            code: "ACT000",
            name: "parse-error",
            category: Parse,
            severity: Error,
            summary: "the file is not valid JSON/YAML/zip, or its model structure is malformed",
        }
    }
    pub static META: &crate::rules::RuleMeta = &ParseError::META;
}

/// Every rule, in code order.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &correctness::unknown_activation::UnknownActivation,
        &correctness::unknown_initializer::UnknownInitializer,
        &correctness::unknown_loss::UnknownLoss,
        &correctness::unresolved_reference::UnresolvedReference,
        &correctness::duplicate_layer_name::DuplicateLayerName,
        &correctness::unused_suppression::UnusedSuppression,
        &output::softmax_single_unit::SoftmaxSingleUnit,
        &output::binary_softmax_output::BinarySoftmaxOutput,
        &output::classification_output_with_regression_loss::ClassificationOutputWithRegressionLoss,
        &output::probability_loss_without_probability_output::ProbabilityLossWithoutProbabilityOutput,
        &output::activation_with_from_logits::ActivationWithFromLogits,
        &output::categorical_loss_single_unit::CategoricalLossSingleUnit,
        &output::task_output_mismatch::TaskOutputMismatch,
        &hidden::linear_hidden_stack::LinearHiddenStack,
        &hidden::vanishing_gradient_risk::VanishingGradientRisk,
        &hidden::saturating_hidden_activation::SaturatingHiddenActivation,
        &recurrent::non_saturating_recurrent_activation::NonSaturatingRecurrentActivation,
        &recurrent::recurrent_gate_activation::RecurrentGateActivation,
        &initialization::relu_without_he_init::ReluWithoutHeInit,
        &initialization::saturating_activation_with_he_init::SaturatingActivationWithHeInit,
        &output::binary_crossentropy_with_softmax::BinaryCrossentropyWithSoftmax,
        &output::categorical_loss_with_sigmoid::CategoricalLossWithSigmoid,
        &output::relu_output_for_regression::ReluOutputForRegression,
        &output::accuracy_with_regression_loss::AccuracyWithRegressionLoss,
        &output::hinge_loss_with_probability_output::HingeLossWithProbabilityOutput,
        &output::poisson_loss_with_unbounded_output::PoissonLossWithUnboundedOutput,
        &output::kl_divergence_without_softmax::KlDivergenceWithoutSoftmax,
        &output::logits_with_thresholded_metrics::LogitsWithThresholdedMetrics,
        &output::layer_after_output_activation::LayerAfterOutputActivation,
        &output::double_output_activation::DoubleOutputActivation,
        &hidden::softmax_in_hidden_layer::SoftmaxInHiddenLayer,
        &hidden::mixed_hidden_activations::MixedHiddenActivations,
        &hidden::redundant_activation::RedundantActivation,
        &recurrent::rnn_slow_path::RnnSlowPath,
        &initialization::selu_without_lecun_normal::SeluWithoutLecunNormal,
        &initialization::constant_kernel_initializer::ConstantKernelInitializer,
        &initialization::large_init_scale::LargeInitScale,
        &input::input_range_mismatch::InputRangeMismatch,
        &regularization::dropout_before_batchnorm::DropoutBeforeBatchnorm,
        &regularization::bias_before_batchnorm::BiasBeforeBatchnorm,
        &regularization::high_dropout_rate::HighDropoutRate,
        &security::lambda_layer::LambdaLayer,
    ]
}

/// Every rule's metadata, ACT000 included, in code order.
pub fn all_meta() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = vec![parse_error::META];
    v.extend(registry().iter().map(|r| r.meta()));
    v.sort_by_key(|m| m.code);
    v
}

/// Finds a rule by code (`ACT101`) or name (`softmax-single-unit`).
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    all_meta()
        .into_iter()
        .find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
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
