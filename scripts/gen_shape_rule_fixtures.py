#!/usr/bin/env python3
"""Writes the Keras 3 fixtures of the shape rules (ACT009, ACT118, ACT119,
ACT304) under fixtures/rules/<CODE>/ with Keras itself:

    KERAS_BACKEND=jax <venv with keras and jax>/bin/python3 scripts/gen_shape_rule_fixtures.py

Every file is `model.to_json()` of a model Keras builds. Keras refuses to
build the two mistakes ACT009 and ACT304 report, so their `bad.keras.json`
is the `good.keras.json` with the one value named below changed (what a
config edited by hand, or produced by another tool, looks like).
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
from keras import layers  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "rules")


def write(code, name, text):
    path = os.path.join(ROOT, code, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def to_json(model):
    return model.to_json()


def edit(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def act009():
    x = keras.Input(shape=(8,), name="features")
    branch = layers.Dense(8, activation="relu", kernel_initializer="he_normal", name="branch")(x)
    skip = layers.Add(name="skip")([x, branch])
    out = layers.Dense(1, name="price")(skip)
    model = keras.Model(x, out, name="residual_regressor")
    model.compile(optimizer="adam", loss="mse")
    good = to_json(model)
    write("ACT009", "good.keras.json", good)
    # The branch widened to 16 units: Add gets (8) and (16).
    doc = json.loads(good)
    for layer in doc["config"]["layers"]:
        if layer["config"]["name"] == "branch":
            layer["config"]["units"] = 16
    write("ACT009", "bad.keras.json", json.dumps(doc))


def act304():
    model = keras.Sequential(
        [
            keras.Input(shape=(30, 4)),
            layers.LSTM(32, return_sequences=True, name="encoder"),
            layers.Dropout(0.2, name="dropout"),
            layers.LSTM(16, name="summary"),
            layers.Dense(1, name="forecast"),
        ],
        name="stacked_forecaster",
    )
    model.compile(optimizer="adam", loss="mse")
    good = to_json(model)
    write("ACT304", "good.keras.json", good)
    # The first LSTM without return_sequences: the second gets no sequence.
    doc = json.loads(good)
    doc["config"]["layers"][1]["config"]["return_sequences"] = False
    write("ACT304", "bad.keras.json", json.dumps(doc))


def act118():
    def model(return_sequences):
        m = keras.Sequential(
            [
                keras.Input(shape=(200,), dtype="int32"),
                layers.Embedding(10000, 32, name="embedding"),
                layers.LSTM(32, return_sequences=return_sequences, name="lstm"),
                layers.Dense(1, activation="sigmoid", name="sentiment"),
            ],
            name="review_classifier",
        )
        m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        return to_json(m)

    write("ACT118", "bad.keras.json", model(True))
    write("ACT118", "good.keras.json", model(False))


def act119():
    def model(units):
        m = keras.Sequential(
            [
                keras.Input(shape=(28, 28)),
                layers.Flatten(name="flatten"),
                layers.Dense(128, activation="relu", kernel_initializer="he_normal", name="hidden"),
                layers.Dense(units, activation="softmax", name="digits"),
            ],
            name="digit_classifier",
        )
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return to_json(m)

    write("ACT119", "bad.keras.json", model(8))
    write("ACT119", "good.keras.json", model(10))


if __name__ == "__main__":
    act009()
    act304()
    act118()
    act119()
