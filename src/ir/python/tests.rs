use super::*;
use crate::ir::{Detected, Model};

fn models(src: &str) -> Vec<Model> {
    let lowered = lower(src).expect("valid Python");
    lowered
        .docs
        .iter()
        .map(|d| match crate::ir::build(d) {
            Detected::Model(m) => *m,
            Detected::Malformed(e) => panic!("malformed: {e:?}"),
            Detected::NotAModel(r) => panic!("not a model: {r}"),
        })
        .collect()
}

fn at(src: &str, span: Span) -> &str {
    &src[span.start..span.end]
}

#[test]
fn sequential_with_aliases() {
    let src = "from tensorflow.keras.layers import Dense as D\nfrom tensorflow import keras\nmodel = keras.Sequential()\nmodel.add(D(64, 'relu', input_shape=(8,)))\nmodel.add(D(1, activation=\"softmax\"))\nmodel.compile(loss='mse')\n";
    let ms = models(src);
    assert_eq!(ms.len(), 1);
    let m = &ms[0];
    assert_eq!(m.layers.len(), 2);
    let act = m.layers[0].activation.as_ref().unwrap();
    assert_eq!(act.name, "relu");
    assert_eq!(at(src, act.span), "'relu'");
    let head = &m.heads[0];
    assert_eq!(
        at(src, head.activation.as_ref().unwrap().activation.span),
        "\"softmax\""
    );
    assert_eq!(head.units(), Some(1));
    assert_eq!(head.loss.as_ref().unwrap().name, "mse");
}
