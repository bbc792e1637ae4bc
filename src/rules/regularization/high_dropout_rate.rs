//! ACT603 `high-dropout-rate`: Dropout rate above 0.5 (a warning from 0.8).

use crate::diagnostic::{Change, FixPlan};
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::Layer;
use crate::rules::{Context, OptionType, OptionValue, Rule, RuleOption};
use crate::source::Span;

crate::declare_rule! {
    /// Dropout rate above 0.5.
    pub struct HighDropoutRate {
        code: "ACT603",
        name: "high-dropout-rate",
        category: Regularization,
        severity: Warning,
        fix: Unsafe,
        options: [MAX_RATE, WARN_RATE],
    }
}

/// `max-rate`: dropout rates above it are reported.
pub static MAX_RATE: RuleOption = RuleOption {
    key: "max-rate",
    kind: OptionType::Rate,
    default: OptionValue::Number(0.5),
    doc: "the highest dropout rate that is not reported",
    expected: "a number from 0 to 1",
    default_means: "dropout rates above it are reported",
};

/// `warn-rate`: reported rates below it are info, rates from it up warnings.
pub static WARN_RATE: RuleOption = RuleOption {
    key: "warn-rate",
    kind: OptionType::Rate,
    default: OptionValue::Number(0.8),
    doc: "the lowest reported dropout rate that is a warning; rates above `max-rate` and below it are info",
    expected: "a number from 0 to 1",
    default_means: "rates of 0.8 and more, a keep probability written as a drop rate, are warnings",
};

/// Dropout layers whose `rate` is the fraction of units dropped.
/// (`GaussianNoise` has a `stddev`, not a rate.)
fn has_drop_rate(class: &str) -> bool {
    crate::ir::catalog::dropout(class).is_some_and(|d| d.has_rate)
}

/// A rate for messages: `0.8`, `1.0`.
fn show(rate: f64) -> String {
    if rate.fract() == 0.0 {
        format!("{rate:.1}")
    } else {
        format!("{rate}")
    }
}

/// The rates a layer drops with: its `rate`, or a recurrent layer's
/// `dropout` and `recurrent_dropout`.
fn rates(layer: &Layer) -> Vec<(&'static str, f64, Span)> {
    if has_drop_rate(layer.class()) {
        return layer
            .rate
            .as_ref()
            .map(|r| ("rate", r.value, r.span))
            .into_iter()
            .collect();
    }
    if layer.is_recurrent() {
        return ["dropout", "recurrent_dropout"]
            .into_iter()
            .filter_map(|key| {
                let node = layer.param(key)?;
                Some((key, node.as_f64()?, node.span))
            })
            .collect();
    }
    Vec::new()
}

impl Rule for HighDropoutRate {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.custom || layer.wrapped.is_some() {
            return;
        }
        let max = cx.options.number(&MAX_RATE);
        let warn = cx.options.number(&WARN_RATE);
        let name = cx.model.describe_layer(layer.id);
        for (key, rate, span) in rates(layer) {
            if !rate.is_finite() || rate <= max {
                continue;
            }
            let what = if key == "rate" {
                name.clone()
            } else {
                format!("the `{key}` of {name}")
            };
            let d = if rate >= 1.0 {
                let mut d = META
                    .diag(format!(
                        "{what} drops every unit while training ({key} {})",
                        show(rate)
                    ))
                    .at(span, format!("{key} {} drops every unit", show(rate)))
                    .help(if rate > 1.0 {
                        "a dropout rate is the fraction of units dropped, between 0 and 1: Keras refuses to create this layer, so the config does not load; use 0.1-0.5"
                    } else {
                        "a rate of 1 drops everything: Keras 3 outputs only zeros while training, so nothing before the layer learns, and tf.keras rejects the rate when the layer runs; use 0.1-0.5"
                    });
                d.severity = Severity::Error;
                d
            } else {
                let mut d = META.diag(format!(
                    "{what} drops {:.0}% of the units while training ({key} {})",
                    rate * 100.0,
                    show(rate)
                ))
                .at(span, format!("above {}", show(max)))
                .help(
                    "Keras's `rate` is the fraction dropped, not kept (TensorFlow 1's `keep_prob` and the dropout paper's p are the fraction kept): rates of 0.1-0.5 are usual; if the model overfits, a smaller layer or weight decay usually works better than dropping most units",
                );
                // Between 0.5 and 0.8 a rate is high but often tuned on
                // purpose; from 0.8 it reads as a keep probability.
                if rate < warn {
                    d.severity = Severity::Info;
                }
                d
            };
            let fix = FixPlan::unsafe_(
                format!("set `{key}` to {}", show(max)),
                vec![Change::ReplaceNumber {
                    span,
                    text: show(max),
                }],
            );
            out.push(
                d.layer(layer.name())
                    .fix_plan((max > 0.0 && max < 1.0).then_some(fix)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing;

    fn severities(layer: &str, max: f64) -> Vec<Severity> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 8, activation: relu}}\n  - {layer}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
        );
        let mut options = testing::selecting(&["ACT603"]);
        options
            .rule_options
            .set(&super::MAX_RATE, crate::rules::OptionValue::Number(max));
        testing::lint_with("m.yaml", &yaml, &options)
            .iter()
            .map(|d| d.severity)
            .collect()
    }

    #[test]
    fn rates_above_the_limit_and_rates_that_drop_everything() {
        assert_eq!(
            severities("{type: Dropout, rate: 0.8}", 0.5),
            [Severity::Warning]
        );
        // High but plausibly tuned: info below `warn-rate`.
        assert_eq!(
            severities("{type: SpatialDropout1D, rate: 0.6}", 0.5),
            [Severity::Info]
        );
        assert_eq!(
            severities("{type: Dropout, rate: 0.79}", 0.5),
            [Severity::Info]
        );
        assert_eq!(
            severities("{type: Dropout, rate: 1.0}", 0.5),
            [Severity::Error]
        );
        assert_eq!(
            severities("{type: Dropout, rate: 1.5}", 0.5),
            [Severity::Error]
        );
        assert_eq!(severities("{type: Dropout, rate: 0.5}", 0.5), []);
        assert_eq!(severities("{type: Dropout, rate: 0.8}", 0.9), []);
        // GaussianNoise has a stddev, not a rate.
        assert_eq!(severities("{type: GaussianNoise, stddev: 0.8}", 0.5), []);
    }

    #[test]
    fn recurrent_dropout_rates() {
        assert_eq!(
            severities(
                "{type: LSTM, units: 8, dropout: 0.9, recurrent_dropout: 0.6}",
                0.5
            ),
            [Severity::Warning, Severity::Info]
        );
    }
}
