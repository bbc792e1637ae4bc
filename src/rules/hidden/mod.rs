//! Hidden rules.

pub mod linear_hidden_stack;
pub mod vanishing_gradient_risk;
pub mod saturating_hidden_activation;
