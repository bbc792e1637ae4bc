#!/usr/bin/env python3
"""Generate actlint's catalogue of Keras layer classes: src/ir/keras_layers.tsv.

The table says, for each Keras generation (keras1, keras2, keras3), which layer
class names the generation's deserializer accepts, which class an alias
resolves to, and which keys a layer entry's `config` may hold: the
constructor's keyword arguments plus the keys `get_config()` writes (these are
what serialized files contain, and some differ from the constructor's names).
The linter reads it to warn about unknown config keys and to reject unknown
built-in layer types.

Output columns (tab separated, one row per (generation, class)):

  generation  keras1 | keras2 | keras3
  class       the name as it appears in a file's "class_name"
  canonical   the class an alias resolves to (the same name when not an alias)
  kind        model | input | wrapper | rnn | rnn_cell | merge | activation |
              conv | pooling | normalization | regularization | reshaping |
              preprocessing | attention | core | op | application | layer
  args        the class's own keys, comma separated and sorted: every
              constructor argument along the class hierarchy below the base
              `Layer`, plus every key get_config() writes, less the base keys
              when the class passes its **kwargs on to the base `Layer`
  base        yes: the constructor hands **kwargs to the base `Layer`, so the
              generation's base keys (row with class `*`) are accepted too;
              no: only `args` are accepted

One row per generation has class `*`: the keys the base `Layer` accepts
(`name`, `trainable`, `dtype`, `input_shape`, `batch_input_shape`, ...).

How the data is obtained:

  keras3  `introspect keras3`, run where Keras 3 is installed (keras with the
          jax backend is enough): the public `keras.layers` classes, the
          classes the legacy JSON/HDF5 loader resolves (`keras.src.layers`),
          `Model`, `Sequential`, `Functional`, `InputLayer`, and the private
          layer classes of `keras.applications` that saved application
          models name with their module (LayerScale, ...).
  keras2  `introspect keras2`, run where TensorFlow and tf-keras are
          installed: every layer class `tf_keras.layers.deserialize` resolves
          (its populated object table, with the legacy aliases such as
          Convolution2D and the v1-only ones such as CuDNNLSTM when present),
          the public `tf_keras.layers` and `layers.experimental.preprocessing`
          names, the TF 1 API's layers, `Model`, `Sequential`, `Functional`,
          `InputLayer`, `TFOpLambda`, `SlicingOpLambda`.
          Supplemented by `introspect keras2-standalone`, which reads the
          source of the standalone multi-backend Keras 2.1.6 and 2.3.1
          (keras-team/keras tags; Keras 2.0-2.3 wrote most Keras 2 files in
          the wild) the way keras1 is read: it adds the classes tf-keras
          dropped (Merge, MaxoutDense, Highway, AtrousConvolution2D,
          ConvLSTM2DCell, Deconvolution2D, ...) and their keys to the others.
  keras1  `introspect keras1 --source DIR`: Keras 1.x cannot be installed on a
          current Python, so its source is read without importing it. DIR is
          the `keras` package of release 1.2.2 (keras-team/keras, tag 1.2.2),
          e.g. from `git archive 1.2.2 keras` in a clone of that repository
          or the 1.2.2 source distribution. The classes are those
          `keras.utils.layer_utils.layer_from_config` resolves (everything
          `keras.layers` exports, plus Model/Container/Sequential); the keys
          come from each `__init__` signature and the dict literals in each
          `get_config`.

For each class the constructor keys are gathered by walking the class
hierarchy up to the base `Layer`: named parameters of each `__init__`, plus
the keys it takes out of `**kwargs` (`kwargs.pop("x")`, `"x" in kwargs`, an
`allowed_kwargs` set). The walk stops at an `__init__` without `**kwargs`.
The `get_config()` keys come from a default instance where one can be built
cheaply (placeholder values for required arguments), together with the dict
literals of the `get_config` source along the hierarchy (which also catches
keys written only for non-default settings, and stands alone where no
instance can be built).

Regenerate (each `introspect` in its own virtual environment, outside the
repository; the versions used are written into the table's header):

  KERAS_BACKEND=jax <keras3-venv>/bin/python scripts/gen_layer_catalog.py \\
      introspect keras3 > keras3.json
  TF_USE_LEGACY_KERAS=1 <tf-keras-venv>/bin/python \\
      scripts/gen_layer_catalog.py introspect keras2 > keras2.json
  python3 scripts/gen_layer_catalog.py introspect keras1 \\
      --source <keras-1.2.2>/keras > keras1.json
  python3 scripts/gen_layer_catalog.py introspect keras2-standalone \\
      --version 2.1.6 --source <keras-2.1.6>/keras > keras2-2.1.6.json
  python3 scripts/gen_layer_catalog.py introspect keras2-standalone \\
      --version 2.3.1 --source <keras-2.3.1>/keras > keras2-2.3.1.json
  python3 scripts/gen_layer_catalog.py assemble keras1.json keras2.json \\
      keras2-2.1.6.json keras2-2.3.1.json keras3.json > src/ir/keras_layers.tsv

(`<keras-X>/keras` is the `keras` package folder of that release, e.g.
`git archive X keras | tar -x` in a clone of keras-team/keras; `--ref` names
another origin for the header.)

Check a corpus of model files written by Keras (Keras 3 files under a
`keras3` folder, Keras 2 ones under `keras2`; `.json` files holding
`to_json()` output, a `.keras` archive's config.json, or an .h5 file's root
attributes): every layer entry's class must be in the table for its
generation and every key of its config in the class's args or base keys.
Keras 3 entries whose module is `keras.src.ops.*` are operations recorded as
graph nodes (`Add` of keras.ops, not the Add layer) and are skipped:

  python3 scripts/gen_layer_catalog.py check <corpus-dir> \\
      [--table src/ir/keras_layers.tsv]

Only the standard library is needed outside `introspect keras2|keras3`.
"""

import argparse
import ast
import glob
import importlib
import inspect
import json
import os
import re
import sys
import textwrap

GENERATIONS = ("keras1", "keras2", "keras3")

KEYS_FROM_KWARGS = [
    re.compile(r"kwargs\s*\.\s*(?:pop|get|setdefault)\(\s*[\"'](\w+)[\"']"),
    re.compile(r"[\"'](\w+)[\"']\s+(?:not\s+)?in\s+kwargs\b"),
    re.compile(r"kwargs\s*\[\s*[\"'](\w+)[\"']\s*\]"),
]

# ---------------------------------------------------------------------------
# Source scanning shared by the three generations
# ---------------------------------------------------------------------------


def _str_const(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if hasattr(ast, "Str") and isinstance(node, getattr(ast, "Str")):
        return node.s  # pragma: no cover (Python < 3.8)
    return None


def kwargs_keys_from_source(src):
    """Keys an __init__ takes out of **kwargs, and its allowed_kwargs set."""
    keys = set()
    for rx in KEYS_FROM_KWARGS:
        keys.update(rx.findall(src))
    try:
        tree = ast.parse(textwrap.dedent(src))
    except SyntaxError:
        return keys
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any("allowed" in n and "kwarg" in n for n in names):
                for elt in getattr(node.value, "elts", []) or []:
                    s = _str_const(elt)
                    if s:
                        keys.add(s)
    return keys


CONFIG_NAMES = ("config", "cfg", "base_config")


def calls_super_get_config(src):
    return re.search(r"super\b[^\n]*\.get_config\(", src) is not None


def config_keys_from_function(fn_node):
    """Keys the dict literals of a get_config() body write.

    Looks at dicts assigned to a name containing "config", `config["k"] =`,
    `config.update({...})` / `config.update(k=...)` (for the names in
    CONFIG_NAMES), and a returned dict
    literal; nested dicts (serialized sub-objects) are not entered."""
    keys, removed = set(), set()

    def dict_keys(d):
        out = set()
        if isinstance(d, ast.Dict):
            for k in d.keys:
                s = _str_const(k) if k is not None else None
                if s:
                    out.add(s)
        elif isinstance(d, ast.Call) and getattr(d.func, "id", None) == "dict":
            out.update(kw.arg for kw in d.keywords if kw.arg)
        return out

    for node in ast.walk(fn_node):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)) and node is not fn_node:
            continue
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name) and t.id in CONFIG_NAMES:
                    keys |= dict_keys(node.value)
                elif (
                    isinstance(t, ast.Subscript)
                    and isinstance(t.value, ast.Name)
                    and t.value.id in CONFIG_NAMES
                ):
                    sl = t.slice
                    if hasattr(ast, "Index") and isinstance(sl, getattr(ast, "Index")):
                        sl = sl.value  # pragma: no cover (Python < 3.9)
                    s = _str_const(sl)
                    if s:
                        keys.add(s)
        elif isinstance(node, ast.Return) and node.value is not None:
            keys |= dict_keys(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in CONFIG_NAMES:
                if node.func.attr == "update":
                    for a in node.args:
                        keys |= dict_keys(a)
                    keys.update(kw.arg for kw in node.keywords if kw.arg)
                elif node.func.attr == "pop" and node.args:
                    s = _str_const(node.args[0])
                    if s:
                        removed.add(s)
        elif isinstance(node, ast.Delete):
            for t in node.targets:
                if isinstance(t, ast.Subscript):
                    s = _str_const(t.slice)
                    if s:
                        removed.add(s)
    return keys - (removed - keys)


def config_keys_from_source(src):
    try:
        tree = ast.parse(textwrap.dedent(src))
    except SyntaxError:
        return set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            return config_keys_from_function(node)
    return set()


# ---------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------

KIND_BY_MODULE = [
    ("tf_op_layer", "op"),
    ("preprocessing", "preprocessing"),
    ("merging", "merge"),
    ("merge", "merge"),
    ("activation", "activation"),
    ("attention", "attention"),
    ("normalization", "normalization"),
    ("pooling", "pooling"),
    ("regularization", "regularization"),
    ("noise", "regularization"),
    ("reshaping", "reshaping"),
    ("rnn", "rnn"),
    ("recurrent", "rnn"),
    ("convolutional", "conv"),
    ("locally_connected", "conv"),
    ("local", "conv"),
    ("wrapper", "wrapper"),
    ("embedding", "core"),
    ("core", "core"),
]

RESHAPING_PREFIXES = ("UpSampling", "ZeroPadding", "Cropping", "Reshape",
                      "Permute", "Flatten", "RepeatVector")
REGULARIZATION_NAMES = ("Dropout", "SpatialDropout1D", "SpatialDropout2D",
                        "SpatialDropout3D", "ActivityRegularization",
                        "GaussianNoise", "GaussianDropout", "AlphaDropout")


def classify(name, module, is_model=False, is_input=False, is_wrapper=False):
    if is_model or name in ("Model", "Sequential", "Functional", "Container"):
        return "model"
    if is_input or name == "InputLayer":
        return "input"
    if is_wrapper or name in ("TimeDistributed", "Bidirectional"):
        return "wrapper"
    if name in ("TFOpLambda", "SlicingOpLambda", "TensorFlowOpLayer"):
        return "op"
    if name in ("Merge",):
        return "merge"
    if name in ("Highway", "MaxoutDense", "TimeDistributedDense"):
        return "core"
    if name == "Activation":
        return "activation"
    if name.startswith(RESHAPING_PREFIXES):
        return "reshaping"
    if name in REGULARIZATION_NAMES:
        return "regularization"
    if ".applications." in module:
        return "application"
    mod = module.lower()
    kind = "layer"
    for key, k in KIND_BY_MODULE:
        if key in mod.split(".")[-2:] or any(key in part for part in mod.split(".")[-2:]):
            kind = k
            break
    if kind == "rnn" and re.search(r"Cells?$", name):
        return "rnn_cell"
    return kind


# ---------------------------------------------------------------------------
# Runtime introspection (Keras 2 / Keras 3)
# ---------------------------------------------------------------------------

PLACEHOLDERS = {
    "units": 2, "filters": 2, "kernel_size": 3, "pool_size": 2, "rate": 0.5,
    "stddev": 0.1, "target_shape": (2,), "dims": (1,), "n": 2,
    "num_heads": 2, "key_dim": 2, "input_dim": 10, "output_dim": 4,
    "height": 4, "width": 4, "factor": 0.1, "max_tokens": 10,
    "num_tokens": 4, "num_bins": 4, "bin_boundaries": [0.0, 1.0],
    "equation": "ab,bc->ac", "output_shape": (2,), "scale": 1.0, "offset": 0.0,
    "value": 1.0, "size": 2, "hash_bins": 4, "crop_size": (4, 4),
    "crop_width": 4, "crop_height": 4, "num_classes": 2,
    "num_query_heads": 2, "num_key_value_heads": 1, "head_dim": 2,
    "target_height": 4, "target_width": 4, "num_experts": 2,
    "layer_dim": 2, "inner_units": 2, "hidden_units": 2,
    "axis": -1, "value_range": (0, 255), "mean": 0.0, "variance": 1.0,
    "shape": (2,), "batch_shape": (None, 2), "max_value": 1.0,
    "function": (lambda x: x), "cell": None, "layer": None, "inputs": None,
    "outputs": None, "module": None, "vocabulary": ["a", "b"],
    "vocabulary_size": 4, "sequence_length": 4, "mask_value": 0.0,
    "intensity_factor": 0.1, "zoom_factor": 0.1, "brightness_factor": 0.1,
    "contrast_factor": 0.1, "hue_factor": 0.1, "saturation_factor": 0.1,
    "rotation_factor": 0.1, "height_factor": 0.1, "width_factor": 0.1,
    "padding": 1, "cropping": 1, "sizes": (2, 2), "bounding_box_format": "xyxy",
    "length": 1, "factor_range": (0.1, 0.2), "num_ops": 2, "transforms": None,
    "layers": None, "kernel": None, "bias": None, "rows": 2, "columns": 2,
    "target_size": (4, 4), "grid_size": 2, "alpha": 0.1,
    "activation": "relu", "output_size": 2, "axes": 1, "init_values": 0.1,
    "max_number": 2, "drop_path_rate": 0.1, "num_oov_indices": 1,
    "mask_token": None, "oov_token": "[UNK]",
}
# Per-class placeholder values where the generic one is rejected.
PLACEHOLDER_OVERRIDES = {
    "RandomPosterization": {"factor": 4},
    "IndexLookup": {"max_tokens": None, "vocabulary_dtype": "int64",
                    "mask_token": None, "oov_token": -1, "vocabulary": None},
    "Discretization": {"num_bins": None},
    "InputLayer": {"batch_shape": None},
    "LayerScale": {"projection_dim": 2},
    "Pipeline": {"layers": []},
}


class Introspector:
    """Collects keys of layer classes of an installed Keras."""

    def __init__(self, base_classes, make_cell, make_layer, make_special=None):
        self.base_classes = tuple(base_classes)
        self.stop = set()
        for b in self.base_classes:
            self.stop.update(b.__mro__)
        self.make_cell = make_cell
        self.make_layer = make_layer
        self.make_special = make_special or {}
        self.notes = {}

    def init_keys(self, cls):
        keys, reaches_base = set(), True
        for k in cls.__mro__:
            if k in self.stop:
                break
            if "__init__" not in k.__dict__:
                continue
            init = k.__dict__["__init__"]
            try:
                sig = inspect.signature(init)
            except (TypeError, ValueError):
                continue
            has_var_kw = False
            for p in sig.parameters.values():
                if p.name == "self":
                    continue
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                    keys.add(p.name)
                elif p.kind == p.VAR_KEYWORD:
                    has_var_kw = True
            try:
                keys |= kwargs_keys_from_source(inspect.getsource(init))
            except (OSError, TypeError):
                pass
            if not has_var_kw:
                reaches_base = False
                break
        return keys, reaches_base

    def static_config_keys(self, cls):
        keys = set()
        for k in cls.__mro__:
            if k in self.stop:
                break
            fn = k.__dict__.get("get_config")
            if fn is None:
                continue
            try:
                src = inspect.getsource(fn)
            except (OSError, TypeError):
                break
            keys |= config_keys_from_source(src)
            if not calls_super_get_config(src):
                break
        return keys

    def _kwargs(self, cls, fill_optional):
        sig = inspect.signature(cls.__init__)
        overrides = PLACEHOLDER_OVERRIDES.get(cls.__name__, {})
        kwargs = {}
        for p in list(sig.parameters.values())[1:]:
            if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            required = p.default is p.empty
            if not required and not (fill_optional and p.default is None):
                if p.name in overrides:
                    kwargs[p.name] = overrides[p.name]
                continue
            if p.name in overrides:
                kwargs[p.name] = overrides[p.name]
            elif p.name == "cell":
                kwargs[p.name] = self.make_cell()
            elif p.name == "cells":
                kwargs[p.name] = [self.make_cell()]
            elif p.name in ("layer", "forward_layer"):
                kwargs[p.name] = self.make_layer()
            elif p.name in PLACEHOLDERS and PLACEHOLDERS[p.name] is not None:
                kwargs[p.name] = PLACEHOLDERS[p.name]
            elif required:
                raise TypeError("no placeholder for %s" % p.name)
        return kwargs

    def instance(self, cls):
        if cls.__name__ in self.make_special:
            return self.make_special[cls.__name__]()
        try:
            return cls(**self._kwargs(cls, False))
        except Exception:  # noqa: BLE001 - retry with optional arguments set
            return cls(**self._kwargs(cls, True))

    def config_keys(self, cls):
        try:
            obj = self.instance(cls)
            cfg = obj.get_config()
            return set(cfg) | self.static_config_keys(cls), "instance+source"
        except Exception as e:  # noqa: BLE001 - any failure falls back
            self.notes[cls.__name__] = "%s: %s" % (type(e).__name__, str(e)[:120])
            return self.static_config_keys(cls), "source"

    def describe(self, name, cls, kind):
        ik, reaches = self.init_keys(cls)
        ck, how = self.config_keys(cls)
        return {
            "class": name,
            "canonical": cls.__name__,
            "kind": kind,
            "init": sorted(ik),
            "config": sorted(ck),
            "base": reaches,
            "config_from": how,
        }


def _versions(names):
    out = {"python": sys.version.split()[0]}
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover
        return out
    for n in names:
        try:
            out[n] = metadata.version(n)
        except Exception:  # noqa: BLE001
            pass
    return out


def _small_functional(k):
    inp = k.Input((2,))
    return k.Model(inp, k.layers.Dense(1)(inp))


def _is_layer_class(v, bases):
    return inspect.isclass(v) and issubclass(v, bases)


def introspect_keras3():
    import warnings

    warnings.filterwarnings("ignore")
    import keras
    from keras.src import layers as src_layers
    from keras.src.models.functional import Functional

    Layer = keras.layers.Layer
    intro = Introspector(
        [Layer],
        make_cell=lambda: keras.layers.LSTMCell(2),
        make_layer=lambda: keras.layers.LSTM(2),
        make_special={"Functional": lambda: _small_functional(keras)},
    )

    names = {}
    for n in dir(keras.layers):
        v = getattr(keras.layers, n)
        if _is_layer_class(v, Layer) and v is not Layer:
            names[n] = v
    for n, v in vars(src_layers).items():
        if _is_layer_class(v, Layer) and v is not Layer and not n.startswith("_"):
            names.setdefault(n, v)
    names.update({"Model": keras.Model, "Sequential": keras.Sequential,
                  "Functional": Functional, "InputLayer": keras.layers.InputLayer})
    # Layer classes private to keras.applications modules: saved application
    # models name them with their module, and the deserializer imports it.
    import keras.src.applications as apps_pkg
    import pkgutil

    for m in pkgutil.iter_modules(apps_pkg.__path__):
        try:
            mod = importlib.import_module("keras.src.applications." + m.name)
        except Exception:  # noqa: BLE001
            continue
        for n, v in vars(mod).items():
            if (_is_layer_class(v, Layer) and v.__module__ == mod.__name__
                    and not issubclass(v, keras.Model)):
                names.setdefault(n, v)

    rows = []
    for n, cls in sorted(names.items()):
        kind = classify(
            cls.__name__, cls.__module__,
            is_model=issubclass(cls, keras.Model),
            is_input=issubclass(cls, keras.layers.InputLayer),
            is_wrapper=issubclass(cls, keras.layers.Wrapper),
        )
        rows.append(intro.describe(n, cls, kind))

    base_init, _ = intro.init_keys(type("_Probe", (Layer,), {}))
    base_init |= set(inspect.signature(Layer.__init__).parameters) - {"self", "kwargs"}
    base_init |= kwargs_keys_from_source(inspect.getsource(Layer.__init__))
    base_cfg = set(Layer().get_config())
    base_cfg |= config_keys_from_source(inspect.getsource(Layer.get_config))
    return {
        "generation": "keras3",
        "source": "keras %s (backend %s), introspected" % (
            keras.__version__, keras.backend.backend()),
        "versions": _versions(["keras", "jax", "jaxlib", "numpy"]),
        "base": sorted(base_init | base_cfg),
        "rows": rows,
        "notes": intro.notes,
    }


def introspect_keras2():
    import warnings

    warnings.filterwarnings("ignore")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tf_keras
    from tf_keras.src.engine import base_layer, base_layer_v1
    from tf_keras.src.engine.functional import Functional
    from tf_keras.src.layers import serialization as ser
    from tf_keras.src.layers.rnn.base_wrapper import Wrapper

    Layer = base_layer.Layer
    bases = (base_layer.Layer, base_layer_v1.Layer)
    intro = Introspector(
        bases,
        make_cell=lambda: tf_keras.layers.LSTMCell(2),
        make_layer=lambda: tf_keras.layers.LSTM(2),
        make_special={"Functional": lambda: _small_functional(tf_keras)},
    )

    names = {}
    ser.populate_deserializable_objects()
    for n, v in ser.LOCAL.ALL_OBJECTS.items():
        if _is_layer_class(v, bases) and v not in bases and not n.startswith("_"):
            names[n] = v
    public = [tf_keras.layers]
    for path in ("layers.experimental", "layers.experimental.preprocessing"):
        obj = tf_keras
        try:
            for part in path.split("."):
                obj = getattr(obj, part)
            public.append(obj)
        except AttributeError:
            pass
    try:
        from tf_keras.api._v1 import keras as v1

        public.append(v1.layers)
        try:
            public.append(v1.layers.experimental)
        except AttributeError:
            pass
    except ImportError:
        pass
    for mod in public:
        for n in dir(mod):
            v = getattr(mod, n)
            if _is_layer_class(v, bases) and v not in bases:
                names.setdefault(n, v)
    from tf_keras.src.layers.core import tf_op_layer

    for n in ("TFOpLambda", "SlicingOpLambda"):
        if hasattr(tf_op_layer, n):
            names.setdefault(n, getattr(tf_op_layer, n))
    names.update({"Model": tf_keras.Model, "Sequential": tf_keras.Sequential,
                  "Functional": Functional,
                  "InputLayer": tf_keras.layers.InputLayer})

    rows = []
    for n, cls in sorted(names.items()):
        kind = classify(
            cls.__name__, cls.__module__,
            is_model=issubclass(cls, tf_keras.Model),
            is_input=issubclass(cls, tf_keras.layers.InputLayer),
            is_wrapper=issubclass(cls, Wrapper),
        )
        rows.append(intro.describe(n, cls, kind))
        # v1-only classes can share a name with the v2 class (e.g.
        # BatchNormalization); the deserializer's table decides.
    base = set()
    for b in bases:
        base |= set(inspect.signature(b.__init__).parameters) - {"self", "kwargs"}
        base |= kwargs_keys_from_source(inspect.getsource(b.__init__))
        base |= config_keys_from_source(inspect.getsource(b.get_config))
    base |= set(Layer().get_config())
    import tensorflow as tf

    return {
        "generation": "keras2",
        "source": "tf-keras %s on tensorflow %s, introspected" % (
            tf_keras.__version__, tf.__version__),
        "versions": _versions(["tf-keras", "tensorflow", "tensorflow-cpu", "numpy"]),
        "base": sorted(base),
        "rows": rows,
        "notes": intro.notes,
    }


# ---------------------------------------------------------------------------
# Keras 1.x: static reading of the source
# ---------------------------------------------------------------------------

KERAS1_FILES = [
    "engine/topology.py", "engine/training.py", "models.py",
    "layers/core.py", "layers/convolutional.py", "layers/pooling.py",
    "layers/local.py", "layers/recurrent.py", "layers/normalization.py",
    "layers/embeddings.py", "layers/noise.py", "layers/advanced_activations.py",
    "layers/wrappers.py", "layers/convolutional_recurrent.py",
]

KERAS1_REF = ("keras-team/keras, tag 1.2.2, commit "
              "4fa7e5d454dd4f3f33f1d756a2a8659f2e789141")
STANDALONE_KERAS2_REFS = {
    "2.1.6": "keras-team/keras, tag 2.1.6, commit "
             "b09ec1c9bf827622a5eebb94ba0af5bf202ca359",
    "2.3.1": "keras-team/keras, tag 2.3.1, commit "
             "f295e8ee39d4ba841ac281a9337d69c7bc5e0eb6",
}


class SourceReader:
    """Reads layer classes out of a Keras package's source without importing
    it (Keras 1.x and the standalone multi-backend Keras 2.x)."""

    def __init__(self, source, files):
        self.classes, self.aliases, self.functions = {}, {}, {}
        self.module_names = {}
        for rel in files:
            path = os.path.join(source, rel)
            if not os.path.exists(path):
                continue
            tree = ast.parse(open(path, encoding="utf-8").read(), filename=path)
            stem = rel[:-3].replace("/", ".")
            names = self.module_names.setdefault(stem, [])
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    self.classes[node.name] = self._class_info(node, stem)
                    names.append(node.name)
                elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
                    # `Conv2D = Convolution2D`, `Deconvolution2D = Deconv2D = ...`
                    for t in node.targets:
                        if isinstance(t, ast.Name) and t.id[:1].isupper():
                            self.aliases[t.id] = node.value.id
                            names.append(t.id)
                elif isinstance(node, ast.FunctionDef) and node.name[:1].isupper():
                    # e.g. Keras 2.0/2.1 `def AtrousConvolution1D(*args, **kwargs)`
                    # returning a Conv1D: the deserializer calls it with the config.
                    target = None
                    for sub in ast.walk(node):
                        if (isinstance(sub, ast.Return) and isinstance(sub.value, ast.Call)
                                and isinstance(sub.value.func, ast.Name)):
                            target = sub.value.func.id
                    if target:
                        self.functions[node.name] = (
                            target, kwargs_keys_from_source(ast.unparse(node)))
                        names.append(node.name)

    @staticmethod
    def _class_info(node, module):
        info = {"bases": [getattr(b, "id", getattr(b, "attr", "")) for b in node.bases],
                "module": module, "init": None, "var_kw": True, "config": set(),
                "kw_keys": set()}
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                a = item.args
                info["init"] = [x.arg for x in a.args[1:]] + [x.arg for x in a.kwonlyargs]
                info["var_kw"] = a.kwarg is not None
                info["kw_keys"] = kwargs_keys_from_source(ast.unparse(item))
            if isinstance(item, ast.FunctionDef) and item.name == "get_config":
                info["config"] = config_keys_from_function(item)
                info["config_super"] = calls_super_get_config(ast.unparse(item))
        return info

    def chain(self, name):
        out = []
        while name in self.classes and name != "Layer" and name not in out:
            out.append(name)
            bases = self.classes[name]["bases"]
            name = bases[0] if bases else None
        return out

    def base_keys(self):
        info = self.classes["Layer"]
        return set(info["kw_keys"]) | set(info["config"])

    def describe(self, name, cname, extra=()):
        init, cfg, reaches = set(extra), set(), True
        walking = cfg_walking = True
        for k in self.chain(cname):
            info = self.classes[k]
            if cfg_walking and "config_super" in info:
                cfg |= info["config"]
                cfg_walking = info["config_super"]
            if walking and info["init"] is not None:
                init.update(info["init"])
                init |= info["kw_keys"]
                if not info["var_kw"]:
                    reaches = False
                    walking = False
        chain = self.chain(cname)
        mod = self.classes[cname]["module"]
        kind = classify(cname, "keras." + mod,
                        is_model=any(c in ("Model", "Container", "Network", "Sequential")
                                     for c in chain),
                        is_input=cname == "InputLayer",
                        is_wrapper="Wrapper" in chain)
        return {"class": name, "canonical": cname, "kind": kind,
                "init": sorted(init), "config": sorted(cfg), "base": reaches,
                "config_from": "source"}

    def resolve(self, name):
        """(canonical class, extra keys) for an exported name, or None."""
        seen = set()
        extra = set()
        while name not in self.classes and name not in seen:
            seen.add(name)
            if name in self.aliases:
                name = self.aliases[name]
            elif name in self.functions:
                name, keys = self.functions[name]
                extra |= keys
            else:
                return None
        return name, extra


NOT_DESERIALIZED = {"Layer", "InputSpec", "Node", "Wrapper", "Recurrent",
                    "ConvRecurrent2D", "GeneratorEnqueuer"}


def _rows_for(reader, exported):
    rows = []
    for name in sorted(exported):
        if name.startswith("_") or name in NOT_DESERIALIZED:
            continue
        r = reader.resolve(name)
        if r is None:
            continue
        cname, extra = r
        if cname.startswith("_") and name == cname:
            continue
        rows.append(reader.describe(name, cname, extra))
    return rows


def introspect_keras1(source, ref):
    reader = SourceReader(source, KERAS1_FILES)
    # keras.utils.layer_utils.layer_from_config resolves names in the globals
    # of a module doing `from ..layers import *`: every public class and alias
    # of keras.layers (Layer, InputLayer, Merge and the layer modules), and
    # maps 'Sequential' to Sequential and 'Model'/'Container' to Model.
    exported = {"InputLayer", "Merge"}
    for stem, names in reader.module_names.items():
        if stem.startswith("layers."):
            exported.update(names)
    rows = _rows_for(reader, exported)
    rows.append(reader.describe("Sequential", "Sequential"))
    rows.append(reader.describe("Model", "Model"))
    rows.append(reader.describe("Container", "Model"))
    return {
        "generation": "keras1",
        "source": "keras 1.2.2 source (%s), read statically" % ref,
        "versions": {"keras": "1.2.2"},
        "base": sorted(reader.base_keys()),
        "rows": rows,
        "notes": {},
    }


def introspect_standalone_keras2(source, ref, version):
    """Standalone multi-backend Keras 2.x (the `keras` package before
    TensorFlow took it over): supplements the tf-keras data with the classes
    and keys that tf-keras no longer has (Merge, MaxoutDense, Highway, ...)."""
    files = ["models.py", "legacy/layers.py"]
    for sub in ("layers", "engine"):
        d = os.path.join(source, sub)
        files += sorted("%s/%s" % (sub, f) for f in os.listdir(d) if f.endswith(".py"))
    reader = SourceReader(source, files)
    init_tree = ast.parse(open(os.path.join(source, "layers", "__init__.py"),
                               encoding="utf-8").read())
    exported = set()
    for node in init_tree.body:
        if isinstance(node, ast.ImportFrom):
            mod = (node.module or "")
            if node.level == 1:
                stem = "layers." + mod
            else:
                stem = mod
            for alias in node.names:
                if alias.name == "*":
                    exported.update(n for n in reader.module_names.get(stem, [])
                                    if not n.startswith("_"))
                else:
                    exported.add(alias.asname or alias.name)
    exported.discard("Input")
    rows = _rows_for(reader, exported)
    # keras.layers.deserialize adds Model and Sequential to its globals.
    rows.append(reader.describe("Model", "Model"))
    rows.append(reader.describe("Sequential", "Sequential"))
    return {
        "generation": "keras2",
        "supplement": True,
        "source": "standalone keras %s source (%s), read statically" % (version, ref),
        "versions": {"keras": version},
        "base": sorted(reader.base_keys()),
        "rows": rows,
        "notes": {},
    }


# ---------------------------------------------------------------------------
# Assembling the table
# ---------------------------------------------------------------------------

HEADER = """\
# Keras layer catalogue: layer class names each Keras generation's deserializer
# accepts, and the config keys each class takes. Generated by
# scripts/gen_layer_catalog.py (its docstring says how each generation is read
# and how to regenerate); do not edit by hand.
#
# Columns (tab separated): generation, class, canonical (what an alias resolves
# to), kind, args (own constructor arguments along the class hierarchy plus the
# keys get_config() writes, sorted; base Layer keys left out when base=yes),
# base (yes: **kwargs reach the base Layer, so the generation's `*` row applies
# too; no: only args are accepted). Class `*` is the base Layer's keys.
# A class absent from its generation is not a built-in layer of that version
# (a registered/custom class may still be valid).
#
# Regenerate: `introspect keras3` with keras+jax installed, `introspect keras2`
# with tensorflow-cpu+tf-keras (the versions below), `introspect keras1` and
# `introspect keras2-standalone` on the tagged source named below, then
# `assemble` the outputs into this file and `check` a corpus of Keras-written
# model files (exact commands: the script's docstring).
#"""


def merge_parts(parts):
    """One part per generation: a supplement (standalone Keras 2.x source)
    adds its classes to the main part, and its keys to classes both have."""
    main = {p["generation"]: p for p in parts if not p.get("supplement")}
    for p in parts:
        if not p.get("supplement"):
            continue
        m = main[p["generation"]]
        m.setdefault("supplements", []).append(p)
        m["base"] = sorted(set(m["base"]) | set(p["base"]))
        by_class = {r["class"]: r for r in m["rows"]}
        for r in p["rows"]:
            mine = by_class.get(r["class"])
            if mine is None:
                r = dict(r, kind=r["kind"])
                m["rows"].append(r)
                by_class[r["class"]] = r
            else:
                mine["init"] = sorted(set(mine["init"]) | set(r["init"]))
                mine["config"] = sorted(set(mine["config"]) | set(r["config"]))
    for m in main.values():
        # `Model` deserializes a functional model's config (what Keras 2.0-2.3
        # and Keras 1 wrote as class_name "Model"): it takes Functional's keys.
        by_class = {r["class"]: r for r in m["rows"]}
        model, functional = by_class.get("Model"), by_class.get("Functional")
        if model and functional:
            model["config"] = sorted(set(model["config"]) | set(functional["init"])
                                     | set(functional["config"]))
    return sorted(main.values(), key=lambda p: GENERATIONS.index(p["generation"]))


def assemble(parts):
    parts = merge_parts(parts)
    lines = [HEADER]
    for p in parts:
        v = ", ".join("%s %s" % kv for kv in p["versions"].items())
        lines.append("# %s: %s; %s" % (p["generation"], p["source"], v))
        for sp in p.get("supplements", []):
            lines.append("# %s: plus %s" % (p["generation"], sp["source"]))
    counts = []
    for p in parts:
        n_alias = sum(1 for r in p["rows"] if r["class"] != r["canonical"])
        counts.append("%s %d classes (%d of them aliases)" % (
            p["generation"], len(p["rows"]), n_alias))
    lines.append("# rows: " + "; ".join(counts))
    lines.append("#")
    lines.append("generation\tclass\tcanonical\tkind\targs\tbase")
    for p in parts:
        base = set(p["base"])
        lines.append("%s\t*\t*\tbase\t%s\tyes" % (p["generation"], ",".join(sorted(base))))
        for r in sorted(p["rows"], key=lambda r: r["class"]):
            keys = set(r["init"]) | set(r["config"])
            if r["base"]:
                keys -= base
            lines.append("\t".join([
                p["generation"], r["class"], r["canonical"], r["kind"],
                ",".join(sorted(keys)), "yes" if r["base"] else "no"]))
    return "\n".join(lines) + "\n"


def load_table(path):
    table = {g: {} for g in GENERATIONS}
    base = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or line.startswith("generation\t") or not line.strip():
            continue
        gen, cls, canon, kind, args, has_base = line.rstrip("\n").split("\t")
        keys = set(filter(None, args.split(",")))
        if cls == "*":
            base[gen] = keys
        else:
            table[gen][cls] = {"canonical": canon, "kind": kind, "args": keys,
                               "base": has_base == "yes"}
    return table, base


# ---------------------------------------------------------------------------
# Corpus check
# ---------------------------------------------------------------------------

LAYER_KEYS = {"layers", "layer", "cell", "cells", "forward_layer",
              "backward_layer", "model_config", None}


def _generation_of(path):
    parts = os.path.normpath(path).split(os.sep)
    for g in GENERATIONS:
        if g in parts:
            return g
    return None


def _layer_entries(obj, parent=None):
    if isinstance(obj, dict):
        if "class_name" in obj and isinstance(obj.get("config"), dict) and parent in LAYER_KEYS:
            yield obj
        for k, v in obj.items():
            yield from _layer_entries(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from _layer_entries(v, parent)


def check(corpus, table_path):
    table, base = load_table(table_path)
    files = sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True))
    missing_class, missing_key, skipped = {}, {}, {}
    n_entries = n_files = 0
    for f in files:
        gen = _generation_of(os.path.relpath(f, corpus))
        if gen is None:
            continue
        try:
            data = json.load(open(f, encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                continue
        if not isinstance(data, dict) or not any(
                k in data for k in ("class_name", "model_config")):
            continue
        n_files += 1
        for e in _layer_entries(data):
            module = e.get("module") or ""
            cls = e["class_name"]
            if module.startswith("keras.src.ops") or module.startswith("keras.ops"):
                skipped.setdefault("%s %s.%s" % (gen, module, cls), f)
                continue
            n_entries += 1
            row = table[gen].get(cls)
            if row is None:
                missing_class.setdefault((gen, cls), os.path.relpath(f, corpus))
                continue
            allowed = row["args"] | (base[gen] if row["base"] else set())
            for k in e["config"]:
                if k not in allowed:
                    missing_key.setdefault((gen, cls, k), os.path.relpath(f, corpus))
    print("checked %d layer entries in %d files" % (n_entries, n_files))
    for s in sorted(skipped):
        print("skipped (operation, not a layer class): %s" % s)
    for (g, c), f in sorted(missing_class.items()):
        print("MISSING CLASS %s %s (e.g. %s)" % (g, c, f))
    for (g, c, k), f in sorted(missing_key.items()):
        print("MISSING KEY %s %s.%s (e.g. %s)" % (g, c, k, f))
    print("%d missing classes, %d missing keys" % (len(missing_class), len(missing_key)))
    return 1 if (missing_class or missing_key) else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("introspect", help="write one generation's data as JSON")
    p.add_argument("generation", choices=GENERATIONS + ("keras2-standalone",))
    p.add_argument("--source", help="keras1 / keras2-standalone: the `keras` "
                   "package folder of the release")
    p.add_argument("--version", choices=sorted(STANDALONE_KERAS2_REFS),
                   help="keras2-standalone: which release --source is")
    p.add_argument("--ref", help="where the source came from (default: the "
                   "known repository, tag and commit of the release)")
    p.add_argument("--notes", action="store_true",
                   help="print to stderr why a default instance could not be built")
    p = sub.add_parser("assemble", help="merge introspect outputs into the table")
    p.add_argument("parts", nargs="+")
    p = sub.add_parser("check", help="check a corpus of Keras-written files")
    p.add_argument("corpus")
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--table", default=os.path.join(here, "..", "src", "ir", "keras_layers.tsv"))
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--check"]:  # `--check CORPUS` spelling of `check CORPUS`
        argv[0] = "check"
    args = ap.parse_args(argv)

    if args.cmd == "introspect":
        if args.generation == "keras3":
            data = introspect_keras3()
        elif args.generation == "keras2":
            data = introspect_keras2()
        elif args.generation == "keras2-standalone":
            if not (args.source and args.version):
                ap.error("keras2-standalone needs --source and --version")
            data = introspect_standalone_keras2(
                args.source, args.ref or STANDALONE_KERAS2_REFS[args.version],
                args.version)
        else:
            if not args.source:
                ap.error("keras1 needs --source")
            data = introspect_keras1(args.source, args.ref or KERAS1_REF)
        if args.notes:
            for k, v in sorted(data["notes"].items()):
                print("%s: %s" % (k, v), file=sys.stderr)
        json.dump(data, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    if args.cmd == "assemble":
        parts = [json.load(open(p, encoding="utf-8")) for p in args.parts]
        sys.stdout.write(assemble(parts))
        return 0
    return check(args.corpus, args.table)


if __name__ == "__main__":
    sys.exit(main())
