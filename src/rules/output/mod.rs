//! Output rules.

pub mod softmax_single_unit;
pub mod binary_softmax_output;
pub mod classification_output_with_regression_loss;
pub mod probability_loss_without_probability_output;
pub mod activation_with_from_logits;
pub mod categorical_loss_single_unit;
pub mod task_output_mismatch;
