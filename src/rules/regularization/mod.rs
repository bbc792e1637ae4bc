//! Regularization rules.

pub mod bias_before_batchnorm;
pub mod dropout_before_batchnorm;
pub mod high_dropout_rate;
