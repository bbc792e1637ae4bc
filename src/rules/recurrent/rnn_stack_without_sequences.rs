//! ACT304 `rnn-stack-without-sequences`: a recurrent layer that returns only its last output feeds another recurrent layer.

use crate::diagnostic::{Change, Diagnostic, FixPlan, NewValue};
use crate::ir::{catalog, Layer, LayerId, Model};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// a recurrent layer that returns only its last output feeds another recurrent layer.
    pub struct RnnStackWithoutSequences {
        code: "ACT304",
        name: "rnn-stack-without-sequences",
        category: Recurrent,
        severity: Error,
        fix: Safe,
    }
}

/// How far the walk looks through shape-keeping layers (Dropout,
/// BatchNormalization, ...) between the two recurrent layers.
const MAX_HOPS: usize = 16;

/// The recurrent layer a graph layer is or wraps (`Bidirectional(LSTM)`,
/// `RNN(LSTMCell)`), when it reads a sequence: LSTM, GRU, SimpleRNN and
/// their CuDNN forms.
fn sequence_rnn(model: &Model, layer: &Layer) -> Option<LayerId> {
    let reads = |l: &Layer| {
        matches!(
            l.class(),
            "LSTM" | "GRU" | "SimpleRNN" | "CuDNNLSTM" | "CuDNNGRU"
        ) && !l.custom
    };
    if reads(layer) {
        return Some(layer.id);
    }
    if matches!(layer.class(), "Bidirectional") {
        let inner = model.layer(layer.wrapped?);
        return reads(inner).then_some(inner.id);
    }
    None
}

/// `return_sequences` as configured on the recurrent layer; false by default.
fn returns_sequences(layer: &Layer) -> Option<bool> {
    match layer.param("return_sequences") {
        None => Some(false),
        Some(n) => n.as_bool(),
    }
}

/// The first recurrent layer the output of `from` reaches through
/// shape-keeping layers, as its positional input.
fn next_rnn(model: &Model, from: LayerId) -> Option<LayerId> {
    let mut cur = from;
    for _ in 0..MAX_HOPS {
        let mut next = None;
        for &succ in &model.layer(cur).outputs {
            let s = model.layer(succ);
            if !s.args.contains(&(cur, 0)) {
                continue;
            }
            if sequence_rnn(model, s).is_some() {
                return Some(succ);
            }
            if catalog::keeps_shape(s.class()) && !s.custom && s.args.len() == 1 {
                next = next.or(Some(succ));
            }
        }
        cur = next?;
    }
    None
}

impl Rule for RnnStackWithoutSequences {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        if layer.wrapper.is_some() {
            return;
        }
        let Some(rnn) = sequence_rnn(model, layer) else {
            return;
        };
        let inner = model.layer(rnn);
        if returns_sequences(inner) != Some(false) {
            return;
        }
        let Some(next) = next_rnn(model, layer.id) else {
            return;
        };
        let what = model.describe_layer(layer.id);
        let next_layer = model.layer(next);
        let (span, label) = match inner.param("return_sequences") {
            Some(n) => (n.span, "only the last step's output"),
            None => (
                inner.class.span,
                "`return_sequences` defaults to False: only the last step's output",
            ),
        };
        out.push(
            META.diag(format!(
                "{what} returns only its last output, but it feeds {}, a recurrent layer \
                 that needs a sequence: Keras refuses to build the model (`expected ndim=3, \
                 found ndim=2`)",
                model.describe_layer(next)
            ))
            .at(span, label)
            .label(
                next_layer.class.span,
                "expects (steps, features) per sample",
            )
            .help(format!(
                "set `return_sequences=True` on {what}; in a stack, only the last recurrent \
                 layer returns just its final output"
            ))
            .layer(layer.name())
            .fix_plan(set_sequences(inner).map(|c| {
                FixPlan::safe(format!("set `return_sequences` to true on {what}"), vec![c])
            })),
        );
    }
}

/// `return_sequences` set to true: the written `false` replaced, or the key
/// added to the layer's arguments.
fn set_sequences(layer: &Layer) -> Option<Change> {
    match layer.param("return_sequences") {
        Some(n) => (n.as_bool() == Some(false)).then_some(Change::ReplaceBool {
            span: n.span,
            value: true,
        }),
        None => {
            let config = layer.config.as_ref()?;
            let last = config
                .as_object()?
                .last()
                .map(|e| (e.key_span, e.value.span));
            Some(Change::InsertEntry {
                map: config.span,
                last,
                key: "return_sequences".to_string(),
                value: NewValue::Json("true".to_string()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn lint(yaml: &str) -> Vec<crate::diagnostic::Diagnostic> {
        testing::lint("model.yaml", yaml, &["ACT304"])
    }

    #[test]
    fn a_middle_rnn_without_sequences_is_reported_through_dropout() {
        let d = lint(
            "layers:\n  - {type: LSTM, units: 32}\n  - {type: Dropout, rate: 0.2}\n  - {type: GRU, units: 16}\n  - {type: Dense, units: 1}\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0]
            .message
            .contains("feeds layer 3 (`GRU`), a recurrent layer"));
    }

    #[test]
    fn sequences_repeat_vector_and_bidirectional() {
        assert!(lint(
            "layers:\n  - {type: LSTM, units: 32, return_sequences: true}\n  - {type: LSTM, units: 16}\n"
        )
        .is_empty());
        // An encoder's summary repeated for a decoder is a sequence again.
        assert!(lint(
            "layers:\n  - {type: LSTM, units: 32}\n  - {type: RepeatVector, n: 5}\n  - {type: LSTM, units: 16}\n"
        )
        .is_empty());
        let d = lint(
            "layers:\n  - type: Bidirectional\n    layer: {type: LSTM, units: 8}\n  - {type: LSTM, units: 4}\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
