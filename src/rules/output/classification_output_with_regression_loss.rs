//! ACT103 `classification-output-with-regression-loss`: sigmoid/softmax head trained with a regression loss.

use crate::rules::{Rule, RuleMeta};

crate::declare_rule! {
    /// Sigmoid/softmax head trained with a regression loss.
    pub struct ClassificationOutputWithRegressionLoss {
        code: "ACT103",
        name: "classification-output-with-regression-loss",
        category: Output,
        severity: Warning,
        summary: "sigmoid/softmax head trained with a regression loss",
    }
}

pub static META: &RuleMeta = &ClassificationOutputWithRegressionLoss::META;

impl Rule for ClassificationOutputWithRegressionLoss {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}
