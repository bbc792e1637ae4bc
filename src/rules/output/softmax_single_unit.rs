//! ACT101 `softmax-single-unit`: softmax over one unit is always 1.0.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Change, FixPlan};
use crate::ir::catalog::ActFamily;
use crate::ir::Layer;
use crate::rules::edits;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// softmax over a single unit always outputs 1.0.
    pub struct SoftmaxSingleUnit {
        code: "ACT101",
        name: "softmax-single-unit",
        category: Output,
        severity: Error,
        fix: Unsafe,
        concerns: [Activation(Softmax)],
    }
}

impl Rule for SoftmaxSingleUnit {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        // Wrappers mirror what they wrap; report on the wrapped layer only.
        if layer.wrapped.is_some() {
            return;
        }
        let model = cx.model;
        let is_softmax = |l: &Layer| l.activation_family() == Some(ActFamily::Softmax);
        // Dense(1, softmax), also inside TimeDistributed or a nested model.
        if is_softmax(layer) && layer.units.as_ref().is_some_and(|u| u.value == 1) {
            let act = layer
                .activation
                .as_ref()
                .expect("softmax implies an activation");
            let units = layer.units.as_ref().expect("checked above");
            out.push(
                META.diag(format!(
                    "softmax over a single unit always outputs 1.0 ({})",
                    model.describe_layer(layer.id)
                ))
                .at(act.span, "softmax normalizes over the units")
                .label(units.span, "only one unit")
                .help("for a binary output use `activation: sigmoid` with 1 unit; for N classes use N units with softmax")
                .layer(layer.name())
                .fix_plan(to_sigmoid(layer, act.span)),
            );
            return;
        }
        // Dense(1) followed directly by a softmax activation layer over the last axis.
        let is_act_layer = matches!(layer.class(), "Activation" | "Softmax");
        if !is_act_layer || !is_softmax(layer) {
            return;
        }
        if layer.class() == "Softmax" && layer.axis().unwrap_or(-1) != -1 {
            return;
        }
        let [prev] = layer.inputs.as_slice() else {
            return;
        };
        let producer = model.layer(*prev);
        let producer = producer.wrapped.map_or(producer, |w| model.layer(w));
        if let Some(units) = producer.units.as_ref().filter(|u| u.value == 1) {
            let act = layer
                .activation
                .as_ref()
                .expect("softmax implies an activation");
            out.push(
                META.diag(format!(
                    "softmax over a single unit always outputs 1.0 ({} has 1 unit)",
                    model.describe_layer(producer.id)
                ))
                .at(act.span, "softmax over the last axis")
                .label(units.span, "only one unit")
                .help("for a binary output use a sigmoid with 1 unit; for N classes give the previous layer N units")
                .layer(layer.name())
                .fix_plan(to_sigmoid(layer, act.span)),
            );
        }
    }
}

/// `softmax` -> `sigmoid` where the softmax is written as the layer's
/// `activation` (not a `Softmax` layer): unsafe, as the output changes from
/// a constant 1.0 to a probability.
fn to_sigmoid(layer: &Layer, act: crate::source::Span) -> Option<FixPlan> {
    let change = edits::replace_param(layer, "activation", "sigmoid")?;
    matches!(change, Change::ReplaceString { span, .. } if span == act)
        .then(|| FixPlan::unsafe_("replace `softmax` with `sigmoid`", vec![change]))
}
