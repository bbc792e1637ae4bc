"""Linting live Keras 3 models built here, with the JAX backend.

Needs ``keras`` and ``jax`` (``pip install keras jax``); skipped with a
message when they cannot be imported, unless ``ACTLINT_REQUIRE_KERAS=1``
(set by CI once it has installed them), which turns the skip into a failure.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

import actlint

# Keras reads its backend when first imported; the tests need no TensorFlow.
os.environ.setdefault("KERAS_BACKEND", "jax")

if os.environ.get("ACTLINT_REQUIRE_KERAS") == "1":
    import jax  # noqa: F401
    import keras
else:
    pytest.importorskip(
        "jax", reason="jax is not installed: `pip install keras jax` to lint live models"
    )
    keras = pytest.importorskip(
        "keras", reason="keras is not installed: `pip install keras jax` to lint live models"
    )


def binary_classifier(loss: str) -> Any:
    """A binary classifier: ReLU hidden layers with He initialization, one
    sigmoid output unit, compiled with ``loss``."""
    model = keras.Sequential(
        [
            keras.Input(shape=(20,)),
            keras.layers.Dense(
                32, activation="relu", kernel_initializer="he_normal", name="hidden_1"
            ),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(
                16, activation="relu", kernel_initializer="he_uniform", name="hidden_2"
            ),
            keras.layers.Dense(1, activation="sigmoid", name="churn_probability"),
        ],
        name="churn",
    )
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def test_keras_backend_is_jax() -> None:
    assert keras.backend.backend() == "jax"


def test_a_correct_model_has_no_findings() -> None:
    model = binary_classifier("binary_crossentropy")
    assert actlint.lint_model(model) == []
    assert actlint.check_model(model) == []


def test_sigmoid_head_trained_with_mse() -> None:
    model = binary_classifier("mse")
    findings = actlint.lint_model(model)
    assert [f.code for f in findings] == ["ACT103"]
    (finding,) = findings
    assert finding.name == "classification-output-with-regression-loss"
    assert finding.severity == "warning"
    assert finding.layer == "churn_probability"
    assert finding.file == "churn.json"
    assert "binary classification (1 sigmoid unit)" in finding.message
    assert "regression (mse)" in finding.message
    with pytest.raises(actlint.ActlintError) as error:
        actlint.check_model(model)
    assert [f.code for f in error.value.findings] == ["ACT103"]
    assert "in layer `churn_probability`" in str(error.value)


def test_a_functional_multiclass_model() -> None:
    inputs = keras.Input(shape=(8,), name="features")
    hidden = keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", name="species")(hidden)
    model = keras.Model(inputs, outputs, name="iris")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert actlint.lint_model(model) == []

    # The same head with one unit: softmax over a single unit is always 1.0.
    bad_outputs = keras.layers.Dense(1, activation="softmax", name="species")(hidden)
    bad = keras.Model(inputs, bad_outputs, name="iris_one_unit")
    assert "ACT101" in [f.code for f in actlint.lint_model(bad)]


def test_loss_rules_need_a_compiled_model() -> None:
    model = keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")], name="uncompiled"
    )
    # Before compile() the model has no loss: the loss rules are silent.
    assert actlint.lint_model(model) == []
    model.compile(optimizer="adam", loss="mse")
    assert [f.code for f in actlint.lint_model(model)] == ["ACT103"]
