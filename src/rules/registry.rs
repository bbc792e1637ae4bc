//! The list of rules, in code order, and the one lookup of a rule by code or
//! name.

use super::{Rule, RuleMeta};

/// ACT000 is reported by the loader, not by a rule walk; it is declared
/// here so that it has a doc and a place in `actlint rules`.
pub mod parse_error {
    crate::declare_rule! {
        /// the file is not valid JSON/YAML/zip, or its model structure is malformed.
        pub struct ParseError {
            code: "ACT000",
            name: "parse-error",
            category: Parse,
            severity: Error,
        }
    }
}

/// Every rule, in code order.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &super::correctness::unknown_activation::UnknownActivation,
        &super::correctness::unknown_initializer::UnknownInitializer,
        &super::correctness::unknown_loss::UnknownLoss,
        &super::correctness::unresolved_reference::UnresolvedReference,
        &super::correctness::duplicate_layer_name::DuplicateLayerName,
        &super::correctness::unused_suppression::UnusedSuppression,
        &super::correctness::unknown_layer_class::UnknownLayerClass,
        &super::correctness::unknown_layer_argument::UnknownLayerArgument,
        &super::correctness::incompatible_shapes::IncompatibleShapes,
        &super::output::softmax_single_unit::SoftmaxSingleUnit,
        &super::output::binary_softmax_output::BinarySoftmaxOutput,
        &super::output::classification_output_with_regression_loss::ClassificationOutputWithRegressionLoss,
        &super::output::probability_loss_without_probability_output::ProbabilityLossWithoutProbabilityOutput,
        &super::output::activation_with_from_logits::ActivationWithFromLogits,
        &super::output::categorical_loss_single_unit::CategoricalLossSingleUnit,
        &super::output::binary_crossentropy_with_softmax::BinaryCrossentropyWithSoftmax,
        &super::output::categorical_loss_with_sigmoid::CategoricalLossWithSigmoid,
        &super::output::task_output_mismatch::TaskOutputMismatch,
        &super::output::relu_output_for_regression::ReluOutputForRegression,
        &super::output::accuracy_with_regression_loss::AccuracyWithRegressionLoss,
        &super::output::hinge_loss_with_probability_output::HingeLossWithProbabilityOutput,
        &super::output::poisson_loss_with_unbounded_output::PoissonLossWithUnboundedOutput,
        &super::output::kl_divergence_without_softmax::KlDivergenceWithoutSoftmax,
        &super::output::logits_with_thresholded_metrics::LogitsWithThresholdedMetrics,
        &super::output::layer_after_output_activation::LayerAfterOutputActivation,
        &super::output::double_output_activation::DoubleOutputActivation,
        &super::output::classification_head_not_flattened::ClassificationHeadNotFlattened,
        &super::output::output_units_class_mismatch::OutputUnitsClassMismatch,
        &super::hidden::linear_hidden_stack::LinearHiddenStack,
        &super::hidden::softmax_in_hidden_layer::SoftmaxInHiddenLayer,
        &super::hidden::vanishing_gradient_risk::VanishingGradientRisk,
        &super::hidden::saturating_hidden_activation::SaturatingHiddenActivation,
        &super::hidden::mixed_hidden_activations::MixedHiddenActivations,
        &super::hidden::redundant_activation::RedundantActivation,
        &super::recurrent::non_saturating_recurrent_activation::NonSaturatingRecurrentActivation,
        &super::recurrent::recurrent_gate_activation::RecurrentGateActivation,
        &super::recurrent::rnn_slow_path::RnnSlowPath,
        &super::recurrent::rnn_stack_without_sequences::RnnStackWithoutSequences,
        &super::initialization::relu_without_he_init::ReluWithoutHeInit,
        &super::initialization::saturating_activation_with_he_init::SaturatingActivationWithHeInit,
        &super::initialization::selu_without_lecun_normal::SeluWithoutLecunNormal,
        &super::initialization::constant_kernel_initializer::ConstantKernelInitializer,
        &super::initialization::large_init_scale::LargeInitScale,
        &super::input::input_range_mismatch::InputRangeMismatch,
        &super::regularization::dropout_before_batchnorm::DropoutBeforeBatchnorm,
        &super::regularization::bias_before_batchnorm::BiasBeforeBatchnorm,
        &super::regularization::high_dropout_rate::HighDropoutRate,
        &super::security::lambda_layer::LambdaLayer,
    ]
}

/// Every rule's metadata, ACT000 included, in code order.
pub fn all_meta() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = vec![parse_error::META];
    v.extend(registry().iter().map(|r| r.meta()));
    v.sort_by_key(|m| m.code);
    v
}

/// The rule of a code (`ACT101`) or a name (`softmax-single-unit`), as
/// written: the one rule lookup.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    all_meta()
        .into_iter()
        .find(|m| m.code == code_or_name || m.name == code_or_name)
}

/// "did you mean `ACT401`?" for a misspelled code or name.
pub fn suggest(s: &str) -> Option<&'static str> {
    let metas = all_meta();
    crate::ir::suggest::closest(s, metas.iter().flat_map(|m| [m.code, m.name]))
}
