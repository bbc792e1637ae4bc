//! Initialization rules.

pub mod constant_kernel_initializer;
pub mod large_init_scale;
pub mod relu_without_he_init;
pub mod saturating_activation_with_he_init;
pub mod selu_without_lecun_normal;
