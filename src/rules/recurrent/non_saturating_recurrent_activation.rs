//! ACT301 `non-saturating-recurrent-activation`: LSTM/GRU/SimpleRNN activation is relu/elu/selu/linear instead of tanh.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// LSTM/GRU/SimpleRNN activation is relu/elu/selu/linear instead of tanh.
    pub struct NonSaturatingRecurrentActivation {
        code: "ACT301",
        name: "non-saturating-recurrent-activation",
        category: Recurrent,
        severity: Warning,
        summary: "LSTM/GRU/SimpleRNN activation is relu/elu/selu/linear instead of tanh",
    }
}

pub static META: &RuleMeta = &NonSaturatingRecurrentActivation::META;

impl Rule for NonSaturatingRecurrentActivation {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
