//! ACT701 `lambda-layer`: a Lambda layer (serialized Python).

use crate::diagnostic::Diagnostic;
use crate::ir::Layer;
use crate::rules::walk;
use crate::rules::{Context, Rule};
use crate::source::Span;
use crate::tree::Node;

crate::declare_rule! {
    /// a Lambda layer: serialized Python that is unsafe to load and opaque to rules.
    pub struct LambdaLayer {
        code: "ACT701",
        name: "lambda-layer",
        category: Security,
        severity: Warning,
    }
}

/// How a Lambda layer stores its function.
enum Function {
    /// Marshalled bytecode: Keras 3 `{class_name: "__lambda__", config: {code}}`,
    /// tf-keras `function_type: "lambda"`.
    Bytecode(Span),
    /// A reference to a named Python function.
    Named(String, Span),
    /// Something else, or nothing.
    Unknown(Span),
}

fn function(layer: &Layer) -> Function {
    let class_span = layer.class.span;
    let Some(func) = layer.param("function") else {
        return Function::Unknown(class_span);
    };
    // tf-keras: `function_type` says how `function` is stored.
    if let Some(kind) = layer.param("function_type") {
        match kind.as_str() {
            Some("lambda") => return Function::Bytecode(kind.span),
            Some("function") => {
                if let Some(name) = func.as_str() {
                    return Function::Named(name.to_string(), func.span);
                }
            }
            _ => {}
        }
    }
    if let Some(class) = func.get("class_name") {
        if class.as_str() == Some("__lambda__") {
            return Function::Bytecode(class.span);
        }
        // Keras 3 serializes a named function as {class_name: "function", config: "name"}.
        if let Some(name) = func.get("config").and_then(Node::as_str) {
            return Function::Named(
                name.to_string(),
                func.get("config").map_or(func.span, |c| c.span),
            );
        }
        return Function::Unknown(func.span);
    }
    match func.as_str() {
        Some(name) => Function::Named(name.to_string(), func.span),
        None => Function::Unknown(func.span),
    }
}

impl Rule for LambdaLayer {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.class() != "Lambda" {
            return;
        }
        let name = walk::describe_with_class(cx.model, layer.id);
        let d = match function(layer) {
            Function::Bytecode(span) => META
                .diag(format!(
                    "{name} stores its function as Python bytecode: loading it needs `safe_mode=False`, which runs that code"
                ))
                .at(span, "marshalled Python bytecode"),
            Function::Named(func, span) if func.trim_start().starts_with("lambda") => META
                .diag(format!(
                    "{name} runs the Python code `{func}`: loading it means running that code"
                ))
                .at(span, "Python source code"),
            Function::Named(func, span) => META
                .diag(format!(
                    "{name} calls the Python function `{func}`: the config does not say what it computes"
                ))
                .at(span, "loading needs this function's code"),
            Function::Unknown(span) => META
                .diag(format!(
                    "{name} runs Python code that the config does not describe"
                ))
                .at(span, "no rule can see what this layer computes"),
        };
        let d = if d
            .primary
            .as_ref()
            .is_some_and(|p| p.span == layer.class.span)
        {
            d
        } else {
            d.label(layer.class.span, "no rule can see what this layer computes")
        };
        out.push(
            d.help(
                    "replace it with a built-in layer (`GlobalAveragePooling1D`, `Rescaling`, `Reshape`, a `keras.ops` call in a functional model) or a layer subclass registered with `@keras.saving.register_keras_serializable()`",
                )
                .layer(layer.name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes_with;

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT701"], 5)
    }

    #[test]
    fn every_lambda_layer_and_nothing_else() {
        let yaml = "
layers:
  - {type: Dense, units: 8}
  - {type: Lambda, function: my_function}
  - type: Sequential
    layers:
      - {type: Lambda}
  - {type: TFOpLambda, function: math.abs}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT701", "ACT701"]);
    }
}
