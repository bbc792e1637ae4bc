//! Recurrent rules.

pub mod non_saturating_recurrent_activation;
pub mod recurrent_gate_activation;
pub mod rnn_slow_path;
pub mod rnn_stack_without_sequences;
