#!/usr/bin/env python3
"""Generate the model-format fixtures under fixtures/formats/ with the real tools.

Each fixture is a tiny model (2-6 layers) in one of the file formats found in
the wild that actlint must read (see fixtures/formats/README.md): either with
one known problem that a rule should report, or as its clean twin.  Every file
is written by the tool named below; nothing is hand-written.  No weights are
downloaded (applications use weights=None).

The script has one step per tool generation.  Each step needs its own Python
(or Node.js) environment, so run each with the interpreter that has the
packages listed; the output goes to fixtures/formats/ unless --out is given.

  step         interpreter / packages                               writes
  ----------   --------------------------------------------------   ---------------------------
  keras1       Python 3.6: keras==1.2.2 theano==1.0.5 h5py           keras1/
               pyyaml==3.12 (the PyYAML of Keras 1's time)
  keras22      Python 3.6: keras==2.2.4 theano==1.0.5 h5py           keras2-yaml/ (Keras 2.2 to_yaml)
               pyyaml==3.13
  tf23         Python 3.8: tensorflow-cpu==2.3.3 "pyyaml<6"          keras2-yaml/ (tf.keras to_yaml)
               "protobuf<3.21"
  keras2       Python 3.11: tensorflow==2.19.0 tf-keras==2.19.0      h5/, tfjs/converted_*,
               tensorflowjs==4.22.0 ydf==0.12.0                      double-encoded/tf_keras_*,
                                                                     calibration/*_tf_keras.json
  tfjs-layers  Node.js 20 with @tensorflow/tfjs@4.22.0 installed      tfjs/layers_js_*
               (pass its node_modules folder with --node-modules;
               run this step with any Python 3)
  keras3       Python 3.11: keras==3.15.1 jax jaxlib h5py            double-encoded/keras3_*,
               (KERAS_BACKEND=jax)                                   loss-objects/, calibration/

Examples, from the repository root:

  KERAS_BACKEND=theano THEANO_FLAGS=cxx= <py36-keras1-venv>/bin/python scripts/gen_format_fixtures.py keras1
  KERAS_BACKEND=theano THEANO_FLAGS=cxx= <py36-keras22-venv>/bin/python scripts/gen_format_fixtures.py keras22
  <py38-tf23-venv>/bin/python scripts/gen_format_fixtures.py tf23
  TF_USE_LEGACY_KERAS=1 <py311-tf-venv>/bin/python scripts/gen_format_fixtures.py keras2
  python3 scripts/gen_format_fixtures.py tfjs-layers --node-modules <dir>/node_modules
  KERAS_BACKEND=jax <py311-keras3-venv>/bin/python scripts/gen_format_fixtures.py keras3

Notes on the environments: Keras 1.2.2 and 2.2.4 install on Python 3.6 with
Theano (no C++ compiler needed with THEANO_FLAGS=cxx=); TensorFlow 2.3.3, not
2.3.4, because the 2.3.4 patch release removed to_yaml(); ydf is pinned because
the TF.js converter imports tensorflow_decision_forests, and newer ydf builds
need a newer protobuf than TensorFlow 2.19 accepts.

Each step also writes VERSIONS-<step>.txt into every folder it wrote to, with
the exact package versions.  Files that embed a save date or a Python object id
(.h5 root attributes do not; .keras metadata.json does) change on every run.

This file must stay runnable on Python 3.6 (the Keras 1 and Keras 2.2 steps).
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "fixtures", "formats")


# --------------------------------------------------------------------------
# helpers (stdlib only, Python 3.6)
# --------------------------------------------------------------------------

def package_versions(names):
    try:
        from importlib import metadata  # Python 3.8+

        def version(name):
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                return None
    except ImportError:  # Python 3.6/3.7
        import pkg_resources

        def version(name):
            try:
                return pkg_resources.get_distribution(name).version
            except pkg_resources.DistributionNotFound:
                return None
    out = [("python", platform.python_version())]
    for name in names:
        out.append((name, version(name)))
    return out


class Writer:
    """Writes files under the output folder and remembers which folders it used."""

    def __init__(self, out, step, packages):
        self.out = out
        self.step = step
        self.packages = packages
        self.folders = set()
        self.written = []

    def path(self, rel):
        full = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        self.folders.add(rel.split("/")[0])
        self.written.append(rel)
        return full

    def text(self, rel, text):
        with open(self.path(rel), "w", encoding="utf-8") as f:
            f.write(text)

    def finish(self, extra=()):
        lines = ["step: " + self.step]
        for name, ver in package_versions(self.packages):
            lines.append("{}: {}".format(name, ver))
        for key, value in extra:
            lines.append("{}: {}".format(key, value))
        for folder in sorted(self.folders):
            with open(os.path.join(self.out, folder, "VERSIONS-{}.txt".format(self.step)),
                      "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        for rel in self.written:
            size = os.path.getsize(os.path.join(self.out, rel))
            print("{:>8}  {}".format(size, rel))


def h5_root_attrs(path):
    import h5py
    with h5py.File(path, "r") as f:
        out = {}
        for key, value in f.attrs.items():
            if isinstance(value, bytes):
                value = value.decode("utf-8")
            out[key] = value
        return out


# --------------------------------------------------------------------------
# Keras 1.2.2 (theano backend): to_json(), to_yaml(), model.save() (.h5)
# --------------------------------------------------------------------------

def step_keras1(w):
    import theano.ifelse  # noqa: F401  Keras 1.2.2's Dropout needs it imported under Theano 1.0
    import keras
    from keras.models import Sequential, Model
    from keras.layers import (Input, Dense, Dropout, LSTM, Convolution2D,
                              MaxPooling2D, Flatten)
    assert keras.__version__.startswith("1."), keras.__version__

    def mlp(hidden_activation, init):
        return Sequential([
            Dense(16, input_dim=8, activation=hidden_activation, init=init),
            Dense(16, activation=hidden_activation, init=init),
            Dense(1),
        ])

    # He initialisation on tanh hidden layers (ACT402), and its Glorot twin.
    w.text("keras1/dense_tanh_he_normal.json", mlp("tanh", "he_normal").to_json())
    w.text("keras1/dense_tanh_glorot.json", mlp("tanh", "glorot_uniform").to_json())
    # relu with He: correct, and must be read as He (the `init` key).
    w.text("keras1/dense_relu_he_normal.json", mlp("relu", "he_normal").to_json())

    def dropout_model(p):
        return Sequential([
            Dense(32, input_dim=20, activation="relu", init="he_normal"),
            Dropout(p),
            Dense(10, activation="softmax"),
        ])

    w.text("keras1/dropout_p08.json", dropout_model(0.8).to_json())
    w.text("keras1/dropout_p03.json", dropout_model(0.3).to_json())

    def lstm_model(activation):
        return Sequential([
            LSTM(16, input_shape=(10, 3), activation=activation),
            Dense(1),
        ])

    w.text("keras1/lstm_relu.yaml", lstm_model("relu").to_yaml())
    w.text("keras1/lstm_tanh.yaml", lstm_model("tanh").to_yaml())

    def cnn(out_activation):
        return Sequential([
            Convolution2D(4, 3, 3, border_mode="same", activation="relu",
                          init="he_normal", input_shape=(8, 8, 1)),
            MaxPooling2D(pool_size=(2, 2)),
            Flatten(),
            Dense(1, activation=out_activation),
        ])

    w.text("keras1/cnn_softmax_single_unit.yaml", cnn("softmax").to_yaml())
    w.text("keras1/cnn_sigmoid_single_unit.yaml", cnn("sigmoid").to_yaml())

    # Functional Model saved as HDF5 with its training_config.
    def functional(loss, name):
        inp = Input(shape=(6,), name="features")
        x = Dense(8, activation="relu", init="he_normal")(inp)
        out = Dense(1, activation="sigmoid", name="rain")(x)
        m = Model(input=inp, output=out, name=name)
        m.compile(optimizer="sgd", loss=loss)
        return m

    functional("mse", "rain_mse").save(w.path("keras1/functional_sigmoid_mse.h5"))
    functional("binary_crossentropy", "rain_bce").save(
        w.path("keras1/functional_sigmoid_bce.h5"))
    w.finish(extra=[("keras_backend", keras.backend.backend())])


# --------------------------------------------------------------------------
# Keras 2.2.4 (theano backend): to_yaml()
# --------------------------------------------------------------------------

def step_keras22(w):
    import keras
    from keras.models import Sequential
    from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense
    assert keras.__version__.startswith("2.2"), keras.__version__

    def cnn(hidden_activation):
        return Sequential([
            Conv2D(4, (3, 3), padding="same", activation="relu",
                   kernel_initializer="he_normal", input_shape=(8, 8, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(16, activation=hidden_activation, kernel_initializer="he_normal"),
            Dense(1, activation="sigmoid"),
        ])

    w.text("keras2-yaml/keras224_softmax_hidden.yaml", cnn("softmax").to_yaml())
    w.text("keras2-yaml/keras224_relu_hidden.yaml", cnn("relu").to_yaml())
    w.finish(extra=[("keras_backend", keras.backend.backend())])


# --------------------------------------------------------------------------
# tf.keras 2.3 (TensorFlow 2.3.3; 2.3.4 removed to_yaml): to_yaml() with ListWrapper tags
# --------------------------------------------------------------------------

def step_tf23(w):
    import tensorflow as tf
    assert tf.__version__.startswith("2.3"), tf.__version__
    layers = tf.keras.layers

    def model(dropout_first):
        body = [layers.Dropout(0.3), layers.BatchNormalization()]
        if not dropout_first:
            body.reverse()
        m = tf.keras.Sequential(
            [layers.Dense(32, activation="relu", kernel_initializer="he_normal",
                          input_shape=(12,))]
            + body
            + [layers.Dense(3, activation="softmax")])
        m.compile(optimizer="adam", loss="categorical_crossentropy")
        return m

    w.text("keras2-yaml/tf23_dropout_before_batchnorm.yaml", model(True).to_yaml())
    w.text("keras2-yaml/tf23_batchnorm_before_dropout.yaml", model(False).to_yaml())
    w.finish()


# --------------------------------------------------------------------------
# tf-keras 2.19 (Keras 2): HDF5, double-encoded JSON, TF.js converter
# --------------------------------------------------------------------------

def step_keras2(w):
    import tensorflow as tf
    import tf_keras as keras
    from tf_keras import layers
    assert keras.__version__.startswith("2."), keras.__version__

    def clear():
        keras.backend.clear_session()

    # ---- h5/: legacy HDF5 model.save('x.h5') ------------------------------
    def three_class(loss, name):
        clear()
        m = keras.Sequential([
            keras.Input(shape=(10,)),
            layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(3, activation="softmax"),
        ], name=name)
        m.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
        return m

    three_class("binary_crossentropy", "bce_on_softmax").save(
        w.path("h5/compiled_bce_softmax3.h5"))
    three_class("categorical_crossentropy", "cce_on_softmax").save(
        w.path("h5/compiled_cce_softmax3.h5"))

    def lstm(activation, name):
        clear()
        return keras.Sequential([
            keras.Input(shape=(10, 3)),
            layers.LSTM(8, activation=activation),
            layers.Dense(1),
        ], name=name)

    lstm("relu", "relu_lstm").save(w.path("h5/uncompiled_relu_lstm.h5"))
    lstm("tanh", "tanh_lstm").save(w.path("h5/uncompiled_tanh_lstm.h5"))

    def single_unit(activation, name):
        clear()
        m = keras.Sequential([
            keras.Input(shape=(4,)),
            layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(1, activation=activation),
        ], name=name)
        m.compile(optimizer="adam", loss="binary_crossentropy")
        return m

    # HDF5 saved under a .keras name: tf-keras writes HDF5 whatever the
    # extension when save_format="h5" is given.
    for activation, rel in (("softmax", "h5/hdf5_named_softmax_single_unit.keras"),
                            ("sigmoid", "h5/hdf5_named_sigmoid_single_unit.keras")):
        m = single_unit(activation, activation + "_unit")
        m.save(w.path(rel), save_format="h5")
        with open(os.path.join(w.out, rel), "rb") as f:
            assert f.read(8) == b"\x89HDF\r\n\x1a\n", rel + " is not HDF5"

    # Weights only: no model_config at all.  A `.weights.h5` name gets the
    # new weights layout (groups layers/, vars/, no root attributes); any
    # other `.h5` name gets the legacy one (root attributes layer_names,
    # backend, keras_version; one group per layer).
    m = single_unit("sigmoid", "weights_only")
    for rel in ("h5/weights_only.weights.h5", "h5/weights_only_legacy.h5"):
        m.save_weights(w.path(rel))
        assert "model_config" not in h5_root_attrs(os.path.join(w.out, rel)), rel

    # ---- double-encoded/: json.dump(model.to_json(), f) ------------------
    for activation, rel in (("softmax", "double-encoded/tf_keras_softmax_single_unit.json"),
                            ("sigmoid", "double-encoded/tf_keras_sigmoid_single_unit.json")):
        m = single_unit(activation, activation + "_unit")
        with open(w.path(rel), "w") as f:
            json.dump(m.to_json(), f)

    # ---- calibration/: the time-series tutorial's zero-initialised output --
    clear()
    out_steps, num_features = 24, 3
    m = keras.Sequential([
        keras.Input(shape=(24, num_features)),
        layers.LSTM(32, return_sequences=False),
        layers.Dense(out_steps * num_features,
                     kernel_initializer=tf.initializers.zeros()),
        layers.Reshape([out_steps, num_features]),
    ], name="multi_lstm_model")
    m.compile(loss=keras.losses.MeanSquaredError(), optimizer=keras.optimizers.Adam(),
              metrics=[keras.metrics.MeanAbsoluteError()])
    w.text("calibration/timeseries_zero_init_output_tf_keras.json", m.to_json())

    # ---- tfjs/: the TensorFlow.js converter on a Keras 2 .h5 -------------
    def rain(loss, name):
        clear()
        m = keras.Sequential([
            keras.Input(shape=(6,)),
            layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(1, activation="sigmoid"),
        ], name=name)
        m.compile(optimizer="adam", loss=loss, metrics=["mae"])
        return m

    converter = shutil.which("tensorflowjs_converter") or os.path.join(
        os.path.dirname(sys.executable), "tensorflowjs_converter")
    with tempfile.TemporaryDirectory() as tmp:
        for loss, name, folder in (("mse", "rain_sigmoid_mse", "tfjs/converted_sigmoid_mse"),
                                   ("binary_crossentropy", "rain_sigmoid_bce",
                                    "tfjs/converted_sigmoid_bce")):
            h5 = os.path.join(tmp, name + ".h5")
            rain(loss, name).save(h5)
            target = os.path.join(w.out, folder)
            if os.path.isdir(target):
                shutil.rmtree(target)
            subprocess.check_call([converter, "--input_format", "keras", h5, target],
                                  env=dict(os.environ, TF_USE_LEGACY_KERAS="1"))
            for entry in sorted(os.listdir(target)):
                w.written.append(folder + "/" + entry)
            w.folders.add("tfjs")
    w.finish(packages_extra(keras))


def packages_extra(keras):
    return [("keras_module", keras.__name__),
            ("TF_USE_LEGACY_KERAS", os.environ.get("TF_USE_LEGACY_KERAS"))]


# --------------------------------------------------------------------------
# TensorFlow.js layers API in Node.js: model.save() (modelTopology = the model)
# --------------------------------------------------------------------------

TFJS_LAYERS_JS = r"""
// Builds two tiny models with @tensorflow/tfjs (tfjs-layers) and saves them
// with model.save(tf.io.http(...)): tfjs-core assembles model.json and the
// weights file itself; a stand-in fetch function receives the upload and
// writes the two files to disk instead of sending them anywhere.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

async function save(model, dir) {
  fs.mkdirSync(dir, {recursive: true});
  const fetchFunc = async (url, init) => {
    for (const [name, blob] of init.body.entries()) {
      fs.writeFileSync(path.join(dir, name), Buffer.from(await blob.arrayBuffer()));
    }
    return new Response('{}', {status: 200});
  };
  await model.save(tf.io.http('upload', {fetchFunc}), {includeOptimizer: true});
}

function build(outActivation) {
  const model = tf.sequential();
  model.add(tf.layers.dense({units: 8, inputShape: [4], activation: 'relu',
                             kernelInitializer: 'heNormal'}));
  model.add(tf.layers.dense({units: 1, activation: outActivation}));
  model.compile({optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy']});
  return model;
}

(async () => {
  await tf.setBackend('cpu');
  const out = process.argv[2];
  await save(build('softmax'), path.join(out, 'layers_js_softmax_single_unit'));
  await save(build('sigmoid'), path.join(out, 'layers_js_sigmoid_single_unit'));
  console.log('tfjs ' + tf.version.tfjs);
})().catch((e) => { console.error(e); process.exit(1); });
"""


def step_tfjs_layers(w, node_modules):
    if not node_modules or not os.path.isdir(node_modules):
        sys.exit("tfjs-layers: --node-modules must name a node_modules folder with @tensorflow/tfjs")
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "save_layers_models.js")
        with open(script, "w", encoding="utf-8") as f:
            f.write(TFJS_LAYERS_JS)
        env = dict(os.environ, NODE_PATH=os.path.abspath(node_modules))
        out = subprocess.check_output(["node", script, os.path.join(w.out, "tfjs")], env=env)
    for name in ("layers_js_softmax_single_unit", "layers_js_sigmoid_single_unit"):
        for entry in sorted(os.listdir(os.path.join(w.out, "tfjs", name))):
            w.written.append("tfjs/{}/{}".format(name, entry))
    w.folders.add("tfjs")
    with open(os.path.join(node_modules, "@tensorflow", "tfjs", "package.json")) as f:
        tfjs_version = json.load(f)["version"]
    node_version = subprocess.check_output(["node", "--version"]).decode().strip()
    w.packages = []
    w.finish(extra=[("node", node_version), ("@tensorflow/tfjs", tfjs_version),
                    ("reported", out.decode().strip())])


# --------------------------------------------------------------------------
# Keras 3: double-encoded JSON, losses as objects, calibration models
# --------------------------------------------------------------------------

def step_keras3(w):
    import keras
    from keras import layers, losses
    assert keras.__version__.startswith("3."), keras.__version__

    def clear():
        keras.utils.clear_session()

    # ---- double-encoded/ ---------------------------------------------------
    def rain(loss, name):
        clear()
        m = keras.Sequential([
            keras.Input(shape=(6,)),
            layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(1, activation="sigmoid"),
        ], name=name)
        m.compile(optimizer="adam", loss=loss)
        return m

    for loss, rel in (("mse", "double-encoded/keras3_sigmoid_mse.json"),
                      ("binary_crossentropy", "double-encoded/keras3_sigmoid_bce.json")):
        with open(w.path(rel), "w") as f:
            json.dump(rain(loss, "rain").to_json(), f)

    # ---- loss-objects/ -----------------------------------------------------
    def classifier(units, activation, loss, name):
        clear()
        m = keras.Sequential([
            keras.Input(shape=(12,)),
            layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(units, activation=activation),
        ], name=name)
        m.compile(optimizer="adam", loss=loss)
        return m

    # A loss function object: {"module": "builtins", "class_name": "function", ...}
    m = classifier(1, "sigmoid", losses.categorical_crossentropy, "cce_single_unit")
    w.text("loss-objects/function_cce_single_unit.json", m.to_json())
    m.save(w.path("loss-objects/function_cce_single_unit.keras"))
    m = classifier(4, "softmax", losses.categorical_crossentropy, "cce_softmax4")
    w.text("loss-objects/function_cce_softmax4.json", m.to_json())

    # A loss class object with from_logits=True.
    m = classifier(1, "sigmoid", losses.BinaryCrossentropy(from_logits=True), "logits_sigmoid")
    w.text("loss-objects/bce_from_logits_sigmoid.json", m.to_json())
    m = classifier(1, None, losses.BinaryCrossentropy(from_logits=True), "logits_linear")
    w.text("loss-objects/bce_from_logits_linear.json", m.to_json())

    # A dict of losses for two named outputs.
    def two_outputs(priority_loss, name):
        clear()
        inp = keras.Input(shape=(20,), name="ticket")
        x = layers.Dense(16, activation="relu", kernel_initializer="he_normal")(inp)
        priority = layers.Dense(1, activation="sigmoid", name="priority")(x)
        department = layers.Dense(5, activation="softmax", name="department")(x)
        m = keras.Model(inp, {"priority": priority, "department": department}, name=name)
        m.compile(optimizer="adam",
                  loss={"priority": priority_loss,
                        "department": losses.CategoricalCrossentropy()},
                  loss_weights={"priority": 1.0, "department": 0.5})
        return m

    w.text("loss-objects/dict_losses_priority_mse.json",
           two_outputs(losses.mean_squared_error, "triage_mse").to_json())
    w.text("loss-objects/dict_losses_priority_bce.json",
           two_outputs(losses.binary_crossentropy, "triage_bce").to_json())

    # Custom losses registered by the project itself.
    @keras.saving.register_keras_serializable(package="rainfall")
    def log_cosh_rain(y_true, y_pred):
        return keras.ops.mean(keras.ops.log(keras.ops.cosh(y_pred - y_true)), axis=-1)

    @keras.saving.register_keras_serializable(package="rainfall")
    class WeightedMAE(losses.Loss):
        def __init__(self, weight=2.0, name="weighted_mae", **kwargs):
            super().__init__(name=name, **kwargs)
            self.weight = weight

        def call(self, y_true, y_pred):
            return self.weight * keras.ops.mean(keras.ops.abs(y_pred - y_true), axis=-1)

        def get_config(self):
            return dict(super().get_config(), weight=self.weight)

    def regression(loss, name):
        clear()
        m = keras.Sequential([
            keras.Input(shape=(6,)),
            layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(1),
        ], name=name)
        m.compile(optimizer="adam", loss=loss)
        return m

    w.text("loss-objects/custom_registered_function.json",
           regression(log_cosh_rain, "custom_fn").to_json())
    w.text("loss-objects/custom_registered_class.json",
           regression(WeightedMAE(), "custom_cls").to_json())

    # ---- calibration/ ------------------------------------------------------
    def transfer(trainable, name):
        clear()
        base = keras.applications.VGG16(weights=None, include_top=False,
                                         input_shape=(32, 32, 3))
        base.trainable = trainable
        inp = keras.Input(shape=(32, 32, 3))
        x = base(inp, training=False)
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(64, activation="relu")(x)
        out = layers.Dense(10, activation="softmax")(x)
        m = keras.Model(inp, out, name=name)
        m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        return m

    w.text("calibration/transfer_vgg16_frozen.json",
           transfer(False, "transfer_frozen").to_json())
    w.text("calibration/transfer_vgg16_trainable.json",
           transfer(True, "transfer_trainable").to_json())

    clear()
    out_steps, num_features = 24, 3
    m = keras.Sequential([
        keras.Input(shape=(24, num_features)),
        layers.LSTM(32, return_sequences=False),
        layers.Dense(out_steps * num_features,
                     kernel_initializer=keras.initializers.zeros()),
        layers.Reshape([out_steps, num_features]),
    ], name="multi_lstm_model")
    m.compile(loss=losses.MeanSquaredError(), optimizer=keras.optimizers.Adam(),
              metrics=[keras.metrics.MeanAbsoluteError()])
    w.text("calibration/timeseries_zero_init_output.json", m.to_json())
    w.finish(extra=[("keras_backend", keras.backend.backend())])


# --------------------------------------------------------------------------

STEPS = {
    "keras1": (step_keras1, ["keras", "theano", "numpy", "h5py", "pyyaml"]),
    "keras22": (step_keras22, ["keras", "theano", "numpy", "h5py", "pyyaml"]),
    "tf23": (step_tf23, ["tensorflow-cpu", "numpy", "h5py", "pyyaml"]),
    "keras2": (step_keras2, ["tensorflow", "tf-keras", "tensorflowjs", "numpy", "h5py"]),
    "tfjs-layers": (None, []),
    "keras3": (step_keras3, ["keras", "jax", "jaxlib", "numpy", "h5py"]),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--node-modules", help="tfjs-layers: node_modules with @tensorflow/tfjs")
    args = parser.parse_args()
    fn, packages = STEPS[args.step]
    w = Writer(os.path.abspath(args.out), args.step, packages)
    if args.step == "tfjs-layers":
        step_tfjs_layers(w, args.node_modules)
    else:
        fn(w)


if __name__ == "__main__":
    main()
