//! ACT303 `rnn-slow-path`: LSTM/GRU settings that disable the fused cuDNN kernel.

use crate::diagnostic::Diagnostic;
use crate::ir::{Format, Layer, Model};
use crate::rules::recurrent::non_saturating_recurrent_activation::unbounded_activation;
use crate::rules::recurrent::recurrent_gate_activation::bad_gate_activation;
use crate::rules::walk;
use crate::rules::{Context, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// LSTM/GRU settings that disable the fused cuDNN kernel.
    pub struct RnnSlowPath {
        code: "ACT303",
        name: "rnn-slow-path",
        category: Recurrent,
        severity: Info,
    }
}

/// One setting that rules the fused kernel out.
struct Reason {
    /// `recurrent_dropout 0.2`, for the message.
    what: String,
    span: Span,
    label: String,
}

/// `0.2`, `1.0`.
fn show(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

/// Why a recurrent layer cannot run on the fused (cuDNN) kernel, each with
/// the value to point at.
fn reasons(layer: &Layer) -> Vec<Reason> {
    let mut v = activation_reasons(layer);
    v.extend(setting_reasons(layer));
    v
}

/// Activations the fused kernel does not compute (tanh, and sigmoid for the
/// gates, are what it computes).
fn activation_reasons(layer: &Layer) -> Vec<Reason> {
    let mut v = Vec::new();
    // Activations that ACT301/ACT302 report as wrong are left to them: the
    // slow path is the lesser problem, and one value gets one finding.
    let reported_activation = unbounded_activation(layer).is_some();
    let reported_gate = bad_gate_activation(layer).is_some();
    if let Some(act) = layer.activation.as_ref().filter(|a| a.is_known()) {
        if act.name != "tanh" && !reported_activation {
            v.push(Reason {
                what: format!("activation `{}`", act.name),
                span: act.span,
                label: "the fused kernel computes tanh".into(),
            });
        }
    }
    if let Some(act) = layer.recurrent_activation.as_ref().filter(|a| a.is_known()) {
        if act.name != "sigmoid" && !reported_gate {
            v.push(Reason {
                what: format!("recurrent_activation `{}`", act.name),
                span: act.span,
                label: "the fused kernel's gates use sigmoid".into(),
            });
        }
    }
    v
}

/// Settings the fused kernel does not support: recurrent dropout,
/// unrolling, no bias, and a GRU's `reset_after=False`.
fn setting_reasons(layer: &Layer) -> Vec<Reason> {
    let mut v = Vec::new();
    if let Some(node) = layer.param("recurrent_dropout") {
        if let Some(rate) = node.as_f64().filter(|&r| r > 0.0) {
            v.push(Reason {
                what: format!("recurrent_dropout {}", show(rate)),
                span: node.span,
                label: "the fused kernel has no recurrent dropout".into(),
            });
        }
    }
    let flag = |key: &str, bad: bool| {
        layer
            .param(key)
            .filter(|n| n.as_bool() == Some(bad))
            .map(|n| n.span)
    };
    if let Some(span) = flag("unroll", true) {
        v.push(Reason {
            what: "unroll=True".into(),
            span,
            label: "unrolling replaces the fused kernel with one op per step".into(),
        });
    }
    if let Some(span) = flag("use_bias", false) {
        v.push(Reason {
            what: "use_bias=False".into(),
            span,
            label: "the fused kernel needs the bias".into(),
        });
    }
    if layer.class() == "GRU" {
        if let Some(span) = flag("reset_after", false) {
            v.push(Reason {
                what: "reset_after=False".into(),
                span,
                label: "cuDNN applies the reset gate after the matrix product".into(),
            });
        }
    }
    v
}

/// For the backward layer of a `Bidirectional`: the forward layer has the
/// same reasons, so the finding on it covers both.
fn mirrors_forward(model: &Model, layer: &Layer, mine: &[Reason]) -> bool {
    let Some(w) = layer.wrapper else {
        return false;
    };
    match model.layers[w].wrapped {
        Some(forward) if forward != layer.id => {
            let theirs = reasons(&model.layers[forward]);
            theirs.len() == mine.len() && theirs.iter().zip(mine).all(|(a, b)| a.what == b.what)
        }
        _ => false,
    }
}

const HELP: &str = "on a GPU, Keras runs LSTM and GRU layers as one fused cuDNN kernel only with activation tanh, recurrent_activation sigmoid, recurrent_dropout 0, unroll False and use_bias True (GRU also reset_after True); otherwise it falls back to a step-by-step loop that is several times slower. Keep the defaults unless the model needs these settings (`dropout` on the inputs keeps the fast path)";

impl Rule for RnnSlowPath {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.custom {
            return;
        }
        let model = cx.model;
        // Keras 1 has no fused cuDNN kernel to lose (its `hard_sigmoid`
        // gates are the default there); a file that still loads in Keras 1
        // is not running on that path.
        match model.format {
            Format::Keras1 => return,
            Format::Simple | Format::Keras2 | Format::Keras3 | Format::TfjsLayers => {}
        }
        match layer.class() {
            "LSTM" | "GRU" => {}
            // RNN(LSTMCell(...)): the generic loop, whatever the settings.
            "RNN" => {
                let Some(cell) = layer.wrapped.map(|c| model.layer(c)) else {
                    return;
                };
                let fused = match cell.class() {
                    "LSTMCell" => "LSTM",
                    "GRUCell" => "GRU",
                    _ => return,
                };
                out.push(
                    META.diag(format!(
                        "{} runs its `{}` through the generic `RNN` loop, which never uses the fused cuDNN kernel",
                        model.describe_layer(layer.id),
                        cell.class(),
                    ))
                    .at(layer.class.span, format!("`RNN` wrapping a `{}`", cell.class()))
                    .label(cell.class.span, "the cell")
                    .help(format!(
                        "use the `{fused}` layer with the cell's arguments: it uses the fused kernel on a GPU when its settings allow"
                    ))
                    .layer(layer.name()),
                );
                return;
            }
            _ => return,
        }
        let found = reasons(layer);
        let Some((first, rest)) = found.split_first() else {
            return;
        };
        if mirrors_forward(model, layer, &found) {
            return;
        }
        let list: Vec<&str> = found.iter().map(|r| r.what.as_str()).collect();
        let mut d = META
            .diag(format!(
                "{} cannot use the fused cuDNN kernel: {}",
                walk::describe_with_class(model, layer.id),
                list.join(", ")
            ))
            .at(first.span, first.label.clone());
        for r in rest {
            d = d.label(r.span, r.label.clone());
        }
        out.push(d.help(HELP).layer(layer.name()));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{self, codes_with};

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT303"], 5)
    }

    fn rnn(args: &str) -> Vec<&'static str> {
        codes(&format!(
            "layers:\n  - {{type: {args}}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
        ))
    }

    #[test]
    fn each_setting_that_rules_out_the_fused_kernel() {
        for args in [
            "LSTM, units: 8, recurrent_dropout: 0.2",
            "LSTM, units: 8, unroll: true",
            "LSTM, units: 8, use_bias: false",
            "LSTM, units: 8, recurrent_activation: hard_sigmoid",
            "LSTM, units: 8, activation: sigmoid",
            "GRU, units: 8, reset_after: false",
        ] {
            assert_eq!(rnn(args), ["ACT303"], "{args}");
        }
        for args in [
            "LSTM, units: 8, dropout: 0.2",
            "LSTM, units: 8, recurrent_dropout: 0.0, unroll: false, use_bias: true",
            "GRU, units: 8, reset_after: true",
            // Not LSTM/GRU: no fused kernel to lose.
            "SimpleRNN, units: 8, recurrent_dropout: 0.2",
        ] {
            assert_eq!(rnn(args), Vec::<&str>::new(), "{args}");
        }
    }

    #[test]
    fn one_diagnostic_lists_every_reason() {
        let yaml = "
layers:
  - {type: LSTM, units: 8, recurrent_dropout: 0.2, unroll: true, use_bias: false}
  - {type: Dense, units: 1}
loss: mse
";
        let diagnostics = testing::lint("m.yaml", yaml, &["ACT303"]);
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert!(d
            .message
            .ends_with("recurrent_dropout 0.2, unroll=True, use_bias=False"));
        assert_eq!(d.secondary.len(), 2);
    }

    #[test]
    fn activations_reported_by_other_rules_are_not_repeated() {
        // relu is ACT301's finding, a tanh gate ACT302's.
        assert_eq!(rnn("LSTM, units: 8, activation: relu"), Vec::<&str>::new());
        assert_eq!(
            rnn("GRU, units: 8, recurrent_activation: tanh"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn bidirectional_and_generic_rnn() {
        let yaml = "
layers:
  - type: Bidirectional
    layer: {type: LSTM, units: 8, recurrent_dropout: 0.1, return_sequences: true}
    backward_layer: {type: LSTM, units: 8, recurrent_dropout: 0.1, return_sequences: true, go_backwards: true}
  - type: RNN
    cell: {type: GRUCell, units: 8}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT303", "ACT303"]);
    }
}
