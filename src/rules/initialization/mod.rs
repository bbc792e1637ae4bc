//! Initialization rules.

pub mod relu_without_he_init;
pub mod saturating_activation_with_he_init;
