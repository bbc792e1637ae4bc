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

fn one(src: &str) -> Model {
    let mut ms = models(src);
    assert_eq!(ms.len(), 1, "one model expected");
    ms.remove(0)
}

fn classes(m: &Model) -> Vec<&str> {
    m.root()
        .layers
        .iter()
        .map(|&l| m.layer(l).class())
        .collect()
}

#[test]
fn every_import_spelling_reaches_keras() {
    let src = "import tensorflow as tf\nfrom keras.layers.core import Dense\nimport keras.layers as L\nfrom tensorflow.keras.models import Sequential\nfrom keras.layers import *\nm = Sequential()\nm.add(tf.keras.layers.Dense(4, activation='relu'))\nm.add(L.Dropout(0.5))\nm.add(Dense(3))\nm.add(Activation('softmax'))\n";
    let m = one(src);
    assert_eq!(classes(&m), ["Dense", "Dropout", "Dense", "Activation"]);
    assert_eq!(m.layers[1].rate.as_ref().unwrap().value, 0.5);
    assert_eq!(
        m.heads[0].family(),
        Some(crate::ir::catalog::ActFamily::Softmax)
    );
    assert!(!m.compiled, "never compiled: no loss");
}

#[test]
fn keras1_keys_and_positional_arguments() {
    let src = "from keras.models import Sequential\nfrom keras.layers import Dense, Convolution2D\nm = Sequential()\nm.add(Convolution2D(32, 3, 3, border_mode='same', init='uniform'))\nm.add(Dense(output_dim=10, activation='softmax'))\nm.compile(loss='categorical_crossentropy', optimizer='sgd')\n";
    let m = one(src);
    assert_eq!(m.format, crate::ir::Format::Keras1);
    assert_eq!(m.layers[0].units.as_ref().unwrap().value, 32);
    assert_eq!(
        m.layers[0].kernel_initializer.as_ref().unwrap().name,
        "uniform"
    );
    assert_eq!(m.layers[1].units.as_ref().unwrap().value, 10);
    // Keras 2 and 3 order: units, activation.
    let m = one("import keras\nm = keras.Sequential([keras.layers.Dense(10, 'relu'), keras.layers.Conv2D(8, (3, 3), 1, 'same')])\n");
    assert_eq!(m.layers[0].activation.as_ref().unwrap().name, "relu");
    assert_eq!(m.layers[1].units.as_ref().unwrap().value, 8);
}

#[test]
fn values_not_known_statically_stay_unknown() {
    let src = "import keras\nfrom keras import layers\ndef get_act():\n    return pick()\nm = keras.Sequential([layers.Dense(64, activation=get_act(), kernel_initializer=init), layers.Dense(n_out, activation=act)])\nm.compile(loss=my_loss)\n";
    let m = one(src);
    let act = m.layers[0].activation.as_ref().unwrap();
    assert!(act.explicit && act.custom && act.info.is_none(), "{act:?}");
    assert_eq!(act.name, crate::ir::read::NOT_KNOWN);
    assert_eq!(at(src, act.span), "get_act()");
    let init = m.layers[0].kernel_initializer.as_ref().unwrap();
    assert!(init.custom && init.effective_family().is_none());
    // The output: units and activation unknown, never the Keras default.
    assert_eq!(m.heads[0].units(), None);
    assert_eq!(m.heads[0].family(), None);
    let loss = m.heads[0].loss.as_ref().unwrap();
    assert!(loss.custom && loss.info.is_none());
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn constants_arithmetic_and_literal_loops() {
    let src = "import keras\nnum_classes = 5 * 2\nact = 'relu'\nsizes = [64, 32]\nm = keras.Sequential()\nfor units in sizes:\n    m.add(keras.layers.Dense(units, activation=act))\nfor i in range(2):\n    m.add(keras.layers.Dropout(0.1 * (i + 1)))\nm.add(keras.layers.Dense(num_classes, activation='softmax'))\nm.compile(loss='categorical_crossentropy')\n";
    let m = one(src);
    assert_eq!(
        classes(&m),
        ["Dense", "Dense", "Dropout", "Dropout", "Dense"]
    );
    assert_eq!(m.layers[1].units.as_ref().unwrap().value, 32);
    let act = m.layers[0].activation.as_ref().unwrap();
    // The span is where the value is used: the argument in the call.
    assert_eq!(at(src, act.span), "act");
    assert_eq!(m.heads[0].units(), Some(10));
    assert!((m.layers[3].rate.as_ref().unwrap().value - 0.2).abs() < 1e-9);
}

#[test]
fn layers_added_under_unknown_conditions_make_the_model_unread() {
    let src = "import keras\nm = keras.Sequential([keras.layers.Dense(8)])\nif use_softmax:\n    m.add(keras.layers.Dense(1, activation='softmax'))\nfor i in range(n):\n    pass\n";
    let lowered = lower(src).unwrap();
    assert!(lowered.docs.is_empty());
    assert!(
        lowered.skipped[0].contains("under a condition"),
        "{:?}",
        lowered.skipped
    );
    // A model built wholly inside a branch is read.
    let src = "import keras\nif big:\n    m = keras.Sequential([keras.layers.Dense(1, activation='softmax')])\n    m.compile(loss='mse')\nelse:\n    m = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\nm.compile(loss='binary_crossentropy')\n";
    let ms = models(src);
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0].heads[0].loss.as_ref().unwrap().name, "mse");
    // After the branch `m` is one of two models: the compile applies to neither.
    assert!(!ms[1].compiled);
    // `if __name__ == "__main__":` is known to run.
    let src = "import keras\nif __name__ == '__main__':\n    m = keras.Sequential()\n    m.add(keras.layers.Dense(2))\n";
    assert_eq!(models(src).len(), 1);
}

#[test]
fn functional_api_with_named_outputs() {
    let src = "from tensorflow import keras\nfrom tensorflow.keras import layers\ninp = keras.Input(shape=(16,), name='features')\nx = layers.Dense(32, activation='relu')(inp)\nx = layers.Dense(32, activation='relu')(x)\nprice = layers.Dense(1, name='price')(x)\nkind = layers.Dense(3, activation='softmax', name='kind')(x)\nmodel = keras.Model(inputs=inp, outputs=[price, kind])\nmodel.compile(optimizer='adam', loss={'price': 'mse', 'kind': keras.losses.SparseCategoricalCrossentropy(from_logits=True)}, metrics=['accuracy'])\n";
    let m = one(src);
    assert_eq!(m.heads.len(), 2);
    assert_eq!(m.heads[0].name, "price");
    assert_eq!(m.heads[0].loss.as_ref().unwrap().name, "mse");
    let kind = m.heads[1].loss.as_ref().unwrap();
    assert_eq!(kind.name, "SparseCategoricalCrossentropy");
    assert!(kind.from_logits());
    assert_eq!(at(src, kind.from_logits.as_ref().unwrap().span), "True");
    // Layers without a name get Keras's automatic names.
    let names: Vec<_> = m.layers.iter().filter_map(|l| l.name()).collect();
    assert_eq!(names, ["features", "dense", "dense_1", "price", "kind"]);
}

#[test]
fn helper_functions_and_unpacked_states() {
    let src = "import keras\nfrom keras import layers\ndef build(n):\n    inp = keras.Input((10, 4))\n    out, h, c = layers.LSTM(n, return_state=True)(inp)\n    y = layers.Dense(1, activation='sigmoid')(h)\n    return keras.Model(inp, y)\nmodel = build(32)\nmodel.compile(loss='binary_crossentropy')\n";
    let m = one(src);
    assert_eq!(
        m.heads[0].loss.as_ref().unwrap().name,
        "binary_crossentropy"
    );
    let lstm = m.layers.iter().find(|l| l.class() == "LSTM").unwrap();
    assert_eq!(
        lstm.units.as_ref().map(|u| u.value),
        Some(32),
        "inlined with its argument"
    );
}

#[test]
fn ops_on_tensors_are_opaque_layers() {
    let src = "import keras, tensorflow as tf\nfrom keras import layers\nbase = keras.applications.ResNet50(include_top=False)\nx = layers.GlobalAveragePooling2D()(base.output)\nx = tf.nn.relu(x) + 1\nout = layers.Dense(10, activation='softmax')(x)\nm = keras.Model(base.input, out)\nm.compile(loss='categorical_crossentropy')\n";
    let m = one(src);
    assert_eq!(m.heads[0].units(), Some(10));
    assert!(m.layers.iter().any(|l| l.custom));
    assert!(m.unresolved.is_empty(), "{:?}", m.unresolved);
}

#[test]
fn syntax_errors_are_located() {
    let src = "import keras\nm = keras.Sequential(\n";
    let e = lower(src).unwrap_err();
    assert_eq!(at(src, e.span), "(");
    let src = "def f(:\n    pass\n";
    assert!(lower(src).is_err());
}

#[test]
fn hostile_input_is_bounded() {
    // Deep nesting, long loops, self-referencing models: no panic, no hang.
    let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let _ = lower(&deep);
    let src = "import keras\nm = keras.Sequential()\nfor i in range(100000):\n    m.add(keras.layers.Dense(i))\nm.add(m)\nmodel = keras.Model(m.input, m(m.output))\n";
    let _ = lower(src).unwrap();
    let src = "import keras\ndef f():\n    return f()\nm = f()\n";
    let _ = lower(src).unwrap();
}

#[test]
fn builders_in_the_style_of_keras_applications() {
    // A block helper defined after its caller, called with keywords and
    // defaults; conditions on known values; a tensor rebound in a branch
    // whose condition is not known stays in the graph.
    let src = r#"import keras
from keras import layers

def Net(include_top=True, classes=10, classifier_activation="softmax", name="net"):
    inputs = layers.Input(shape=(32, 32, 3))
    x = block(inputs, 16, strides=(1, 1))
    x = block(x, 32, strides=(2, 2), name="b2")
    if keras.backend.image_data_format() == "channels_last":
        x = layers.BatchNormalization(axis=3)(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)

def block(x, filters, strides=(1, 1), name=None):
    conv_name = None if name is None else name + "_conv"
    if strides == (1, 1):
        y = x
    else:
        y = layers.ZeroPadding2D()(x)
    y = layers.Conv2D(filters, 3, strides=strides, activation="relu", name=conv_name)(y)
    if filters > 16:
        return layers.Add()([x, y])
    return y
"#;
    let m = one(src);
    assert_eq!(m.name.as_ref().unwrap().value, "net");
    let convs: Vec<_> = m.layers.iter().filter(|l| l.class() == "Conv2D").collect();
    assert_eq!(convs.len(), 2);
    assert_eq!(convs[0].units.as_ref().unwrap().value, 16);
    assert_eq!(convs[1].name(), Some("b2_conv"));
    assert_eq!(m.heads[0].units(), Some(10));
    assert_eq!(
        m.heads[0].family(),
        Some(crate::ir::catalog::ActFamily::Softmax)
    );
    assert!(m.unresolved.is_empty(), "{:?}", m.unresolved);
}

#[test]
fn comparisons_of_known_values() {
    let src = "import keras\nact = 'relu'\nm = keras.Sequential()\nif act is None:\n    m.add(keras.layers.Dense(1))\nif (1, 1) == (1, 1) and act != 'tanh':\n    m.add(keras.layers.Dense(2, activation=act))\n";
    let m = one(src);
    assert_eq!(classes(&m), ["Dense"]);
    assert_eq!(m.heads[0].units(), Some(2));
}

#[test]
fn copying_large_values_counts_against_the_budget() {
    // A large literal read many times, and many branches over many names,
    // stop at the step budget instead of taking quadratic time.
    let mut src = String::from("big = [");
    for i in 0..20_000 {
        src.push_str(&format!("{i}, "));
    }
    src.push_str("]\n");
    for _ in 0..120 {
        src.push_str("x = big\n");
    }
    let ctx_steps = lower(&src).unwrap();
    assert!(
        ctx_steps
            .skipped
            .iter()
            .any(|s| s.contains("evaluation steps")),
        "{:?}",
        ctx_steps.skipped
    );
    let mut src = String::new();
    for i in 0..1_100 {
        src.push_str(&format!("v{i} = {i}\nif c:\n    v{i} = 0\n"));
    }
    let lowered = lower(&src).unwrap();
    assert!(
        lowered
            .skipped
            .iter()
            .any(|s| s.contains("evaluation steps")),
        "{:?}",
        lowered.skipped
    );
}

#[test]
fn subclassed_models_are_read_from_call() {
    let src = r#"import tensorflow as tf
from tensorflow.keras import layers

class Net(tf.keras.Model):
    def __init__(self, n_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(64, activation="relu")
        self.drop = layers.Dropout(0.5)
        self.out = layers.Dense(1, activation="softmax")

    def call(self, inputs, training=False):
        x = self.hidden(inputs)
        x = self.drop(x, training=training)
        return self.out(x)

model = Net()
model.compile(optimizer="adam", loss="binary_crossentropy")
"#;
    let m = one(src);
    let names: Vec<_> = m.layers.iter().map(|l| l.class()).collect();
    assert_eq!(names, ["InputLayer", "Dense", "Dropout", "Dense"]);
    assert_eq!(m.heads[0].units(), Some(1));
    assert_eq!(
        m.heads[0].loss.as_ref().unwrap().name,
        "binary_crossentropy"
    );
    // A `call` that is not built from layers: nothing, and the reason.
    let src =
        "import keras\nclass Odd(keras.Model):\n    def call(self, x):\n        return None\n";
    let lowered = lower(src).unwrap();
    assert!(lowered.docs.is_empty());
    assert!(
        lowered.skipped[0].contains("does not return tensors"),
        "{:?}",
        lowered.skipped
    );
}

#[test]
fn a_model_changed_through_its_attributes_is_not_read() {
    let src = "import keras\nm = keras.Sequential([keras.layers.Dense(1, activation='softmax')])\nm.layers[-1].activation = keras.activations.sigmoid\nm.compile(loss='binary_crossentropy')\n";
    let lowered = lower(src).unwrap();
    assert!(lowered.docs.is_empty());
    assert!(
        lowered.skipped[0].contains("on line 2"),
        "{:?}",
        lowered.skipped
    );
    // An attribute of a layer of the file is an argument.
    let src = "import keras\nd = keras.layers.Dense(1, activation='softmax')\nd.activation = 'sigmoid'\nm = keras.Sequential([d])\n";
    let m = one(src);
    assert_eq!(
        m.heads[0].activation.as_ref().unwrap().activation.name,
        "sigmoid"
    );
}

/// Python refuses a positional argument after a keyword argument (or after
/// `**kwargs`) when it compiles the file; the grammar accepts it, so the
/// front end checks it.
#[test]
fn positional_after_keyword_is_a_syntax_error() {
    for (code, message) in [
        (
            "fit(x, epochs=3, y)\n",
            "positional argument follows keyword argument",
        ),
        (
            "f(**kw, b)\n",
            "positional argument follows keyword argument unpacking",
        ),
    ] {
        let errors = super::lower(code).expect("still read").errors;
        assert_eq!(errors.len(), 1, "{code}");
        let e = &errors[0];
        assert_eq!(e.message, message);
        assert_eq!(
            &code[e.span.start..e.span.end],
            if code.starts_with("fit") { "y" } else { "b" }
        );
    }
    for code in [
        "print(*a, sep=1)\n",
        "f(1, *b, k=2, **kw)\n",
        "f(a=1, *b)\n",
    ] {
        assert!(super::lower(code).unwrap().errors.is_empty(), "{code}");
    }
}
