//! ACT302 `recurrent-gate-activation`: LSTM/GRU recurrent_activation is not sigmoid/hard_sigmoid.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// LSTM/GRU recurrent_activation is not sigmoid/hard_sigmoid.
    pub struct RecurrentGateActivation {
        code: "ACT302",
        name: "recurrent-gate-activation",
        category: Recurrent,
        severity: Warning,
        summary: "LSTM/GRU recurrent_activation is not sigmoid/hard_sigmoid",
    }
}

pub static META: &RuleMeta = &RecurrentGateActivation::META;

impl Rule for RecurrentGateActivation {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
