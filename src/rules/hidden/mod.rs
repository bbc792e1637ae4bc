//! Hidden rules.

pub mod linear_hidden_stack;
pub mod mixed_hidden_activations;
pub mod redundant_activation;
pub mod saturating_hidden_activation;
pub mod softmax_in_hidden_layer;
pub mod vanishing_gradient_risk;
