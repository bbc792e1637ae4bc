//! `textDocument/hover`: what the activation, initializer or loss under the
//! cursor is, what the guidance says about it and which rules check it; and
//! over a finding, what its rule does.
//!
//! The value is found in the spanned tree by the key it belongs to
//! (`activation`, `recurrent_activation`, `*_initializer`, `loss`, and the
//! class of an activation layer such as `ReLU`), in every form Keras writes
//! (a name, `{class_name, config}`, Keras 3's `{class_name: "function",
//! config: "relu"}`, a loss mapping by output name or list by output order).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::diagnostics::doc_paragraph;
use super::documents::Document;
use super::Linted;
use super::LspPositions;
use crate::catalog::{self, ActFamily, InitFamily, LossFamily};
use crate::ir::{read, ActivationRef, InitializerRef, LossRef};
use crate::rules;
use crate::source::LineIndex;
use crate::source::Span;
use crate::source::{self, ReadLimits, Syntax};
use crate::tree::{self, Node, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Activation,
    Initializer,
    Loss,
}

/// What the cursor is on.
enum Target {
    Activation(ActivationRef),
    Initializer(InitializerRef),
    Loss(LossRef),
    /// An activation layer's class (`ReLU`) and the activation it applies.
    ActivationLayer {
        class: String,
        activation: &'static str,
        span: Span,
    },
}

impl Target {
    fn span(&self) -> Span {
        match self {
            Target::Activation(a) => a.span,
            Target::Initializer(i) => i.span,
            Target::Loss(l) => l.span,
            Target::ActivationLayer { span, .. } => *span,
        }
    }
}

/// The hover at byte `at` of the document's text.
pub fn hover(doc: &Document, name: &str, at: usize, linted: Option<&Linted>) -> Option<Hover> {
    let source = source::decode(name, doc.text.as_bytes(), ReadLimits::default()).ok()?;
    let shift = if source.bom { 3 } else { 0 };
    let offset = at.checked_sub(shift)?;
    let mut sections = Vec::new();
    let mut range = None;
    let ix = LineIndex::new(&doc.text);
    if let Some(target) = parse(&source.text, source.syntax)
        .iter()
        .find_map(|n| find(n, None, offset))
    {
        let span = target.span();
        range = Some(ix.range(Span::new(span.start + shift, span.end + shift)));
        sections.push(describe(&target));
    }
    // The findings under the cursor: their rule's documentation.
    if let Some(linted) = linted {
        let mut seen = Vec::new();
        for d in &linted.diagnostics {
            let Some(p) = &d.primary else { continue };
            if !(p.span.start <= offset && offset <= p.span.end) || seen.contains(&d.code) {
                continue;
            }
            seen.push(d.code);
            if let Some(meta) = rules::find(d.code) {
                let mut s = format!("**{}** `{}`", meta.code, meta.name);
                if let Some(what) = doc_paragraph(meta.doc, "What it does") {
                    s.push_str(": ");
                    s.push_str(&what);
                }
                s.push_str(&format!(
                    "\n\n`actlint rule {}` prints the full documentation.",
                    meta.code
                ));
                sections.push(s);
                if range.is_none() {
                    range = Some(ix.range(Span::new(p.span.start + shift, p.span.end + shift)));
                }
            }
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range,
    })
}

fn parse(text: &str, syntax: Syntax) -> Vec<Node> {
    let limits = tree::Limits::default();
    match syntax {
        Syntax::Json => tree::json::parse(text, limits)
            .map(|n| vec![n])
            .or_else(|_| tree::yaml::parse(text, limits))
            .unwrap_or_default(),
        Syntax::Yaml => tree::yaml::parse(text, limits).unwrap_or_default(),
    }
}

fn slot_of_key(key: &str) -> Option<Slot> {
    match key {
        "activation" | "recurrent_activation" => Some(Slot::Activation),
        "loss" => Some(Slot::Loss),
        k if k.ends_with("_initializer") => Some(Slot::Initializer),
        _ => None,
    }
}

fn contains(span: Span, at: usize) -> bool {
    span.start <= at && at <= span.end
}

/// The value under the cursor; `slot` is what the node's key makes it.
fn find(node: &Node, slot: Option<Slot>, at: usize) -> Option<Target> {
    if !contains(node.span, at) {
        return None;
    }
    let target = match slot {
        Some(Slot::Activation) => read::activation(node).map(Target::Activation),
        Some(Slot::Initializer) => read::initializer(node).map(Target::Initializer),
        Some(Slot::Loss) => read::loss(node).map(Target::Loss),
        None => None,
    };
    if let Some(t) = target.filter(|t| !node.is_null() && contains(t.span(), at)) {
        return Some(t);
    }
    // A loss mapping by output name, or a list by output order.
    let losses_inside = slot == Some(Slot::Loss) && read::named_object(node).is_none();
    match &node.value {
        Value::Object(entries) => entries.iter().find_map(|e| {
            if matches!(e.key.as_str(), "type" | "class_name") && contains(e.value.span, at) {
                if let Some(class) = e.value.as_str() {
                    if let Some(activation) = catalog::activation_layer(class) {
                        return Some(Target::ActivationLayer {
                            class: class.to_string(),
                            activation,
                            span: e.value.span,
                        });
                    }
                }
            }
            let child = slot_of_key(&e.key).or(losses_inside.then_some(Slot::Loss));
            find(&e.value, child, at)
        }),
        Value::Array(items) => items
            .iter()
            .find_map(|n| find(n, losses_inside.then_some(Slot::Loss), at)),
        _ => None,
    }
}

fn describe(target: &Target) -> String {
    match target {
        Target::Activation(a) => match a.info {
            Some(info) => known(
                &format!(
                    "**`{}`** — activation, {}",
                    a.name,
                    act_family_name(info.family)
                ),
                act_guidance(info.family),
                act_rules(info.family),
            ),
            None if a.custom => custom(&a.name, "activation"),
            None => unknown(
                &a.name,
                "an activation",
                catalog::closest(&a.name, catalog::ACTIVATIONS.iter().map(|i| i.name)),
                "ACT001",
            ),
        },
        Target::ActivationLayer {
            class, activation, ..
        } => {
            let family = catalog::activation(activation).map_or(ActFamily::Other, |i| i.family);
            known(
                &format!(
                    "**`{class}`** — activation layer: applies `{activation}` ({})",
                    act_family_name(family)
                ),
                act_guidance(family),
                act_rules(family),
            )
        }
        Target::Initializer(i) => match i.info {
            Some(info) => {
                let mut title = format!(
                    "**`{}`** — initializer, {}",
                    i.name,
                    init_family_name(info.family)
                );
                let effective = i.effective_family();
                if let Some(e) = effective.filter(|e| *e != info.family) {
                    title.push_str(&format!(
                        " (with these parameters: {})",
                        init_family_name(e)
                    ));
                }
                let family = effective.unwrap_or(info.family);
                known(&title, init_guidance(family), init_rules(family))
            }
            None if i.custom => custom(&i.name, "initializer"),
            None => unknown(
                &i.name,
                "an initializer",
                catalog::closest(&i.name, catalog::initializer_names()),
                "ACT002",
            ),
        },
        Target::Loss(l) => match l.info {
            Some(info) => {
                let mut guidance = loss_guidance(info.family).to_string();
                if l.from_logits() {
                    guidance.push_str(
                        " With `from_logits: true` it applies the sigmoid/softmax itself: the output layer must be linear (logits).",
                    );
                }
                known(
                    &format!("**`{}`** — loss, {}", l.name, loss_family_name(info.family)),
                    &guidance,
                    loss_rules(info.family),
                )
            }
            None if l.custom => custom(&l.name, "loss"),
            None => unknown(
                &l.name,
                "a loss",
                catalog::closest(&l.name, catalog::loss_names()),
                "ACT003",
            ),
        },
    }
}

fn known(title: &str, guidance: &str, codes: &[&str]) -> String {
    let mut out = format!("{title}\n\n{guidance}");
    let rules: Vec<String> = codes
        .iter()
        .filter_map(|c| rules::find(c))
        .map(|m| format!("- **{}** `{}`: {}", m.code, m.name, m.summary))
        .collect();
    if !rules.is_empty() {
        out.push_str("\n\nChecked by:\n");
        out.push_str(&rules.join("\n"));
    }
    out
}

fn custom(name: &str, what: &str) -> String {
    format!(
        "**`{name}`** — a registered custom {what}: actlint does not know what it computes and does not check it."
    )
}

fn unknown(name: &str, what: &str, suggestion: Option<&str>, code: &str) -> String {
    let mut out = format!("**`{name}`** — not {what} Keras knows");
    if let Some(s) = suggestion {
        out.push_str(&format!("; did you mean `{s}`?"));
    }
    if let Some(meta) = rules::find(code) {
        out.push_str(&format!(
            "\n\nChecked by:\n- **{}** `{}`: {}",
            meta.code, meta.name, meta.summary
        ));
    }
    out
}

fn act_family_name(f: ActFamily) -> &'static str {
    match f {
        ActFamily::Linear => "linear (identity)",
        ActFamily::Relu => "ReLU family",
        ActFamily::Selu => "SELU (self-normalising)",
        ActFamily::Smooth => "smooth non-saturating family",
        ActFamily::Sigmoid => "sigmoid family",
        ActFamily::Tanh => "tanh family",
        ActFamily::Softmax => "softmax family",
        ActFamily::Exponential => "exponential",
        ActFamily::Other => "other",
    }
}

fn act_guidance(f: ActFamily) -> &'static str {
    match f {
        ActFamily::Linear => "No non-linearity. The output of a regression head, and the logits for a loss with `from_logits: true`. Between two weight layers it lets them collapse into one linear map.",
        ActFamily::Relu => "Piecewise linear and non-saturating: the default for hidden layers. Pair with He initialisation (`he_normal`, `he_uniform`), or normalise after the layer. Not for the `activation` of LSTM/GRU cells (unbounded state), and not for a probability output.",
        ActFamily::Selu => "Self-normalising only with `lecun_normal` initialisation and `AlphaDropout` in a plain stack of Dense layers.",
        ActFamily::Smooth => "Smooth and non-saturating (GELU, SiLU/swish, mish, softplus): a modern hidden-layer activation; He-style initialisation suits it.",
        ActFamily::Sigmoid => "Outputs in (0, 1). The output of binary and multi-label classification (with `binary_crossentropy`) and the gate activation of LSTM/GRU. Saturates in hidden layers: gradients vanish in deep stacks. Pair with Glorot initialisation.",
        ActFamily::Tanh => "Outputs in (-1, 1), zero-centred, saturating. The cell activation of LSTM/GRU; in deep MLP/CNN hidden stacks ReLU-family activations train better. Pair with Glorot initialisation.",
        ActFamily::Softmax => "Turns N outputs into a distribution that sums to 1: the output of multiclass classification with categorical or sparse categorical crossentropy, over 2 or more units (over 1 unit it always outputs 1.0). For binary classification use 1 sigmoid unit.",
        ActFamily::Exponential => "Positive and unbounded: an output for a rate (Poisson loss); overflows easily in hidden layers.",
        ActFamily::Other => "An activation Keras knows that the guidance has no specific advice for.",
    }
}

fn act_rules(f: ActFamily) -> &'static [&'static str] {
    match f {
        ActFamily::Linear => &["ACT201", "ACT104"],
        ActFamily::Relu => &["ACT401", "ACT301", "ACT104", "ACT110"],
        ActFamily::Selu => &["ACT403"],
        ActFamily::Smooth => &["ACT301"],
        ActFamily::Sigmoid => &["ACT402", "ACT204", "ACT203", "ACT105", "ACT108", "ACT302"],
        ActFamily::Tanh => &["ACT402", "ACT204", "ACT203"],
        ActFamily::Softmax => &["ACT101", "ACT102", "ACT202", "ACT107", "ACT105"],
        ActFamily::Exponential => &["ACT113"],
        ActFamily::Other => &[],
    }
}

fn init_family_name(f: InitFamily) -> &'static str {
    match f {
        InitFamily::He => "He (Kaiming) family",
        InitFamily::Glorot => "Glorot (Xavier) family",
        InitFamily::Lecun => "LeCun family",
        InitFamily::VarianceScaling => "variance scaling",
        InitFamily::Orthogonal => "orthogonal",
        InitFamily::Random => "fixed-scale random",
        InitFamily::Constant => "constant",
        InitFamily::Identity => "identity",
        InitFamily::Other => "other",
    }
}

fn init_guidance(f: InitFamily) -> &'static str {
    match f {
        InitFamily::He => "Variance 2 / fan_in, derived for ReLU-family activations (He et al. 2015). With sigmoid or tanh it starts the units saturated: use Glorot there.",
        InitFamily::Glorot => "Variance 2 / (fan_in + fan_out), derived for sigmoid and tanh (Glorot & Bengio 2010); the Keras default `kernel_initializer`. Under ReLU it halves the signal's variance at every layer: use He there.",
        InitFamily::Lecun => "Variance 1 / fan_in; `lecun_normal` is what SELU's self-normalisation assumes.",
        InitFamily::VarianceScaling => "Explicit `scale`, `mode` and `distribution`: scale 2 with fan_in is He, scale 1 with fan_avg is Glorot.",
        InitFamily::Orthogonal => "A random orthogonal matrix: a deliberate choice, common for recurrent kernels; not checked against the activation.",
        InitFamily::Random => "A fixed scale that does not adapt to the layer's size: a deliberate choice (DCGAN's `stddev: 0.02`); a large scale makes activations explode.",
        InitFamily::Constant => "Every unit starts identical, so the units of a kernel receive identical gradients and never learn different features (fine for biases).",
        InitFamily::Identity => "The identity matrix: for square kernels, such as recurrent ones.",
        InitFamily::Other => "An initializer Keras knows that the guidance has no specific advice for.",
    }
}

fn init_rules(f: InitFamily) -> &'static [&'static str] {
    match f {
        InitFamily::He => &["ACT401", "ACT402"],
        InitFamily::Glorot => &["ACT401", "ACT402"],
        InitFamily::Lecun => &["ACT403", "ACT401"],
        InitFamily::VarianceScaling => &["ACT401", "ACT405"],
        InitFamily::Random => &["ACT405"],
        InitFamily::Constant => &["ACT404"],
        InitFamily::Orthogonal | InitFamily::Identity | InitFamily::Other => &[],
    }
}

fn loss_family_name(f: LossFamily) -> &'static str {
    match f {
        LossFamily::Regression => "regression",
        LossFamily::BinaryCrossentropy => "binary crossentropy",
        LossFamily::CategoricalCrossentropy => "categorical crossentropy",
        LossFamily::SparseCategoricalCrossentropy => "sparse categorical crossentropy",
        LossFamily::KlDivergence => "KL divergence",
        LossFamily::Hinge => "hinge",
        LossFamily::CategoricalHinge => "categorical hinge",
        LossFamily::Poisson => "Poisson",
        LossFamily::Other => "other",
    }
}

fn loss_guidance(f: LossFamily) -> &'static str {
    match f {
        LossFamily::Regression => "Expects an unbounded (linear) output. On a sigmoid or softmax head it trains a classifier as a regression: use a crossentropy there.",
        LossFamily::BinaryCrossentropy => "For binary and multi-label classification: sigmoid outputs (one per label), or linear logits with `from_logits: true`. Not after a softmax.",
        LossFamily::CategoricalCrossentropy => "One-hot labels over a softmax output of 2 or more units, or linear logits with `from_logits: true`.",
        LossFamily::SparseCategoricalCrossentropy => "Integer labels over a softmax output of 2 or more units, or linear logits with `from_logits: true`.",
        LossFamily::KlDivergence => "Compares two distributions: the output should be a softmax.",
        LossFamily::Hinge => "Labels in {-1, 1} and a raw (linear or tanh) output, not a probability.",
        LossFamily::CategoricalHinge => "One-hot labels and raw (linear) outputs, not a softmax.",
        LossFamily::Poisson => "Predicts a rate: the output must be positive (`exponential` or `softplus`).",
        LossFamily::Other => "A loss Keras knows that the guidance has no specific advice for.",
    }
}

fn loss_rules(f: LossFamily) -> &'static [&'static str] {
    match f {
        LossFamily::Regression => &["ACT103", "ACT110", "ACT111"],
        LossFamily::BinaryCrossentropy => &["ACT104", "ACT105", "ACT107"],
        LossFamily::CategoricalCrossentropy | LossFamily::SparseCategoricalCrossentropy => {
            &["ACT106", "ACT108", "ACT104", "ACT105"]
        }
        LossFamily::KlDivergence => &["ACT114"],
        LossFamily::Hinge | LossFamily::CategoricalHinge => &["ACT112"],
        LossFamily::Poisson => &["ACT113"],
        LossFamily::Other => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Url};

    fn hover_at(name: &str, text: &str, needle: &str) -> Option<(String, lsp_types::Range)> {
        let uri = Url::parse(&format!("file:///{name}")).unwrap();
        let doc = Document::new(&uri, "", 1, text.to_string());
        let at = text.find(needle).unwrap() + 1;
        let h = hover(&doc, name, at, None)?;
        let HoverContents::Markup(m) = h.contents else {
            panic!()
        };
        Some((m.value, h.range.unwrap()))
    }

    #[test]
    fn activations_initializers_and_losses_in_yaml() {
        let text = "# ü\nlayers:\n  - type: Dense\n    units: 4\n    activation: relu\n    kernel_initializer: glorot_uniform\n  - type: LSTM\n    units: 2\n    recurrent_activation: {type: hard_sigmoid}\n  - type: ReLU\nloss: {out: mse, aux: [binary_crossentropy]}\n";
        let (h, range) = hover_at("m.yaml", text, "relu\n").unwrap();
        assert!(h.starts_with("**`relu`** — activation, ReLU family"), "{h}");
        assert!(h.contains("He initialisation"), "{h}");
        assert!(h.contains("**ACT401** `relu-without-he-init`"), "{h}");
        assert_eq!(
            range,
            lsp_types::Range::new(Position::new(4, 16), Position::new(4, 20))
        );
        let (h, _) = hover_at("m.yaml", text, "glorot_uniform").unwrap();
        assert!(
            h.starts_with("**`glorot_uniform`** — initializer, Glorot"),
            "{h}"
        );
        let (h, _) = hover_at("m.yaml", text, "hard_sigmoid").unwrap();
        assert!(
            h.starts_with("**`hard_sigmoid`** — activation, sigmoid family"),
            "{h}"
        );
        let (h, _) = hover_at("m.yaml", text, "ReLU").unwrap();
        assert!(
            h.starts_with("**`ReLU`** — activation layer: applies `relu`"),
            "{h}"
        );
        let (h, _) = hover_at("m.yaml", text, "mse").unwrap();
        assert!(h.starts_with("**`mse`** — loss, regression"), "{h}");
        let (h, _) = hover_at("m.yaml", text, "binary_crossentropy").unwrap();
        assert!(
            h.starts_with("**`binary_crossentropy`** — loss, binary crossentropy"),
            "{h}"
        );
        // Nothing to say about the units or a layer class.
        assert!(hover_at("m.yaml", text, "units: 4").is_none());
        assert!(hover_at("m.yaml", text, "Dense").is_none());
    }

    #[test]
    fn keras_json_forms_and_unknown_names() {
        let text = r#"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"activation": {"module": "keras.activations", "class_name": "function", "config": "sigmoid", "registered_name": null}, "kernel_initializer": {"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": null}}}}]}, "compile_config": {"loss": {"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {"from_logits": true}}}}"#;
        let (h, _) = hover_at("m.json", text, "sigmoid").unwrap();
        assert!(
            h.starts_with("**`sigmoid`** — activation, sigmoid family"),
            "{h}"
        );
        let (h, _) = hover_at("m.json", text, "HeNormal").unwrap();
        assert!(h.starts_with("**`HeNormal`** — initializer, He"), "{h}");
        let (h, _) = hover_at("m.json", text, "BinaryCrossentropy").unwrap();
        assert!(h.contains("from_logits: true"), "{h}");
        let (h, _) = hover_at(
            "m.yaml",
            "layers:\n  - {type: Dense, activation: rleu}\n",
            "rleu",
        )
        .unwrap();
        assert!(h.contains("did you mean `relu`?"), "{h}");
        assert!(h.contains("ACT001"), "{h}");
    }
}
