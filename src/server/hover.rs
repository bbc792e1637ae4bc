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
use crate::ir::catalog::{self, ActFamily};
use crate::ir::suggest;
use crate::ir::{read, ActivationRef, InitializerRef, LossRef};
use crate::rules::{self, Concern};
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

/// What a hover shows: its sections, and the range it is about.
#[derive(Default)]
struct Shown {
    sections: Vec<String>,
    /// The span (in the lint's offsets) the first section is about.
    span: Option<Span>,
}

impl Shown {
    fn push(&mut self, section: String, span: Span) {
        self.sections.push(section);
        self.span.get_or_insert(span);
    }
}

/// The hover at byte `at` of the document's text.
pub fn hover(doc: &Document, name: &str, at: usize, linted: Option<&Linted>) -> Option<Hover> {
    let source = source::decode(name, doc.text.as_bytes(), ReadLimits::default()).ok()?;
    let shift = if source.bom { 3 } else { 0 };
    let offset = at.checked_sub(shift)?;
    let mut shown = Shown::default();
    // The lint's documents when it is current; a document that was not
    // linted (excluded, or a kind the linter skips) is parsed here.
    let parsed;
    let docs = match linted {
        Some(l) if !l.docs.is_empty() => &l.docs,
        _ => {
            parsed = parse(&source.text, source.syntax);
            &parsed
        }
    };
    if let Some(target) = docs.iter().find_map(|n| find(n, None, offset)) {
        shown.push(describe(&target), target.span());
    }
    if let Some(linted) = linted {
        findings(linted, offset, &mut shown);
        if let Some(layer) = layer_at(linted, offset) {
            shown.push(layer_shapes(layer), layer.span);
        }
    }
    if shown.sections.is_empty() {
        return None;
    }
    let ix = LineIndex::new(&doc.text);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: shown.sections.join("\n\n---\n\n"),
        }),
        range: shown
            .span
            .map(|span| ix.range(Span::new(span.start + shift, span.end + shift))),
    })
}

/// The findings under the cursor: their rule's documentation, once per rule.
fn findings(linted: &Linted, offset: usize, shown: &mut Shown) {
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
            shown.push(s, p.span);
        }
    }
}

/// The layer under the cursor (the innermost entry), when something is
/// known statically of its shapes.
fn layer_at(linted: &Linted, offset: usize) -> Option<&crate::lint::LayerSummary> {
    linted
        .layers
        .iter()
        .filter(|s| s.span.start <= offset && offset < s.span.end)
        .min_by_key(|s| s.span.end - s.span.start)
        .filter(|s| s.input.is_some() || s.output.is_some() || s.params.is_some())
}

/// "`dense` (`Dense`): input `(200, 32)`, output `(200, 1)`, 33 parameters".
fn layer_shapes(layer: &crate::lint::LayerSummary) -> String {
    let show = |s: &Option<crate::ir::shapes::Shape>| match s {
        Some(s) => format!("`{}`", crate::ir::shapes::display(s)),
        None => "not known statically".to_string(),
    };
    let name = layer.path.rsplit('/').next().unwrap_or("");
    let mut s = if name.is_empty() {
        format!("**`{}`** layer", layer.class)
    } else {
        format!("**`{name}`** (`{}`)", layer.class)
    };
    s.push_str(&format!(
        ": input {}, output {}",
        show(&layer.input),
        show(&layer.output)
    ));
    match layer.params {
        Some(1) => s.push_str(", 1 parameter"),
        Some(p) => s.push_str(&format!(", {p} parameters")),
        None => {}
    }
    s.push_str(" (per sample, batch axis left out)");
    s
}

fn parse(text: &str, syntax: Syntax) -> Vec<Node> {
    let limits = tree::Limits::default();
    match syntax {
        Syntax::Json => tree::json::parse(text, limits)
            .map(|n| vec![n])
            .or_else(|_| tree::yaml::parse(text, limits))
            .unwrap_or_default(),
        Syntax::Yaml => tree::yaml::parse(text, limits).unwrap_or_default(),
        Syntax::Python => crate::ir::python::lower(text)
            .map(|l| l.docs)
            .unwrap_or_default(),
        Syntax::Notebook => crate::ir::python::notebook::lower(text, limits)
            .map(|l| l.docs)
            .unwrap_or_default(),
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
        Target::Activation(a) => describe_activation(a),
        Target::ActivationLayer {
            class, activation, ..
        } => {
            let family = catalog::activation(activation).map_or(ActFamily::Other, |i| i.family);
            known(
                &format!(
                    "**`{class}`** — activation layer: applies `{activation}` ({})",
                    family.title()
                ),
                family.guidance(),
                Concern::Activation(family),
            )
        }
        Target::Initializer(i) => describe_initializer(i),
        Target::Loss(l) => describe_loss(l),
    }
}

fn describe_activation(a: &ActivationRef) -> String {
    match a.info {
        Some(info) => known(
            &format!("**`{}`** — activation, {}", a.name, info.family.title()),
            info.family.guidance(),
            Concern::Activation(info.family),
        ),
        None if a.custom => custom(&a.name, "activation"),
        None => unknown(
            &a.name,
            "an activation",
            suggest::closest(&a.name, catalog::ACTIVATIONS.iter().map(|i| i.name)),
            "ACT001",
        ),
    }
}

/// An initializer, with the family its parameters make of it when that
/// differs from its name's (`VarianceScaling` with `scale: 2.0`).
fn describe_initializer(i: &InitializerRef) -> String {
    match i.info {
        Some(info) => {
            let mut title = format!("**`{}`** — initializer, {}", i.name, info.family.title());
            let effective = i.effective_family();
            if let Some(e) = effective.filter(|e| *e != info.family) {
                title.push_str(&format!(" (with these parameters: {})", e.title()));
            }
            let family = effective.unwrap_or(info.family);
            known(&title, family.guidance(), Concern::Initializer(family))
        }
        None if i.custom => custom(&i.name, "initializer"),
        None => unknown(
            &i.name,
            "an initializer",
            suggest::closest(&i.name, catalog::initializer_names()),
            "ACT002",
        ),
    }
}

fn describe_loss(l: &LossRef) -> String {
    match l.info {
        Some(info) => {
            let mut guidance = info.family.guidance().to_string();
            if l.from_logits() {
                guidance.push_str(
                    " With `from_logits: true` it applies the sigmoid/softmax itself: the output layer must be linear (logits).",
                );
            }
            known(
                &format!("**`{}`** — loss, {}", l.name, info.family.title()),
                &guidance,
                Concern::Loss(info.family),
            )
        }
        None if l.custom => custom(&l.name, "loss"),
        None => unknown(
            &l.name,
            "a loss",
            suggest::closest(&l.name, catalog::loss_names()),
            "ACT003",
        ),
    }
}

/// A known name: its family, the guidance, and the rules that declare they
/// concern its family.
fn known(title: &str, guidance: &str, concern: Concern) -> String {
    let mut out = format!("{title}\n\n{guidance}");
    let rules: Vec<String> = rules::all_meta()
        .into_iter()
        .filter(|m| m.concerns.contains(&concern))
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
    fn a_layer_shows_its_input_and_output_shapes() {
        let text = "input: {shape: [28, 28]}\nlayers:\n  - type: Flatten\n  - type: Dense\n    units: 10\n    name: digits\n";
        let uri = Url::parse("file:///m.yaml").unwrap();
        let doc = Document::new(&uri, "", 1, text.to_string());
        let (report, docs) =
            crate::lint::analyze_bytes("m.yaml", text.as_bytes(), &Default::default());
        let linted = Linted {
            version: 1,
            diagnostics: report.diagnostics,
            lsp: Vec::new(),
            shift: 0,
            layers: report.layers,
            docs,
        };
        let at = text.find("units").unwrap();
        let h = hover(&doc, "m.yaml", at, Some(&linted)).unwrap();
        let HoverContents::Markup(m) = h.contents else {
            panic!()
        };
        assert_eq!(
            m.value,
            "**`digits`** (`Dense`): input `(784)`, output `(10)`, 7850 parameters (per sample, batch axis left out)"
        );
        // Outside any layer: nothing.
        assert!(hover(&doc, "m.yaml", 2, Some(&linted)).is_none());
    }

    #[test]
    fn activations_initializers_and_losses_in_yaml() {
        let text = "# ü\nlayers:\n  - type: Dense\n    units: 4\n    activation: relu\n    kernel_initializer: glorot_uniform\n  - type: LSTM\n    units: 2\n    recurrent_activation: {type: hard_sigmoid}\n  - type: ReLU\nloss: {out: mse, aux: [binary_crossentropy]}\n";
        let (h, range) = hover_at("m.yaml", text, "relu\n").unwrap();
        assert!(h.starts_with("**`relu`** — activation, ReLU family"), "{h}");
        assert!(h.contains("He initialization"), "{h}");
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

    /// Hover reads the documents the lint kept: in Python source, those are
    /// the configs the code lowers to, with spans into the code.
    #[test]
    fn hover_uses_the_documents_of_the_lint() {
        let text = "import keras\nmodel = keras.Sequential([keras.layers.Dense(8, activation=\"relu\")])\n";
        let uri = Url::parse("file:///m.py").unwrap();
        let doc = Document::new(&uri, "python", 1, text.to_string());
        let (report, docs) =
            crate::lint::analyze_bytes("m.py", text.as_bytes(), &Default::default());
        assert!(!docs.is_empty(), "the lowered config is kept");
        let linted = Linted {
            version: 1,
            diagnostics: report.diagnostics,
            lsp: Vec::new(),
            shift: 0,
            layers: report.layers,
            docs,
        };
        let at = text.find("relu").unwrap();
        let h = hover(&doc, "m.py", at, Some(&linted)).expect("a hover over the activation");
        let HoverContents::Markup(m) = h.contents else {
            panic!()
        };
        assert!(
            m.value.starts_with("**`relu`** — activation"),
            "{}",
            m.value
        );
    }
}
