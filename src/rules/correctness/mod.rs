//! Correctness rules.

pub mod duplicate_layer_name;
pub mod incompatible_shapes;
pub mod unknown_activation;
pub mod unknown_initializer;
pub mod unknown_layer_argument;
pub mod unknown_layer_class;
pub mod unknown_loss;
pub mod unresolved_reference;
pub mod unused_suppression;
