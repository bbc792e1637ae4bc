#!/usr/bin/env python3
"""Writes the table of per-layer output shapes and parameter counts that
Keras itself reports for Keras 3 model files: fixtures/shapes/keras-shapes.tsv.

Run it with keras 3 on the jax backend (the versions the corpus was made with:
keras 3.15.1, jax 0.10.2):

    python3 -m venv target/shapes-venv
    target/shapes-venv/bin/pip install keras jax
    KERAS_BACKEND=jax target/shapes-venv/bin/python3 scripts/keras-shapes.py \
        ../shared/corpus fixtures/rules > fixtures/shapes/keras-shapes.tsv

Each argument is a directory: a Keras corpus (with a `keras3/` folder), whose
files are keyed `keras3/<path>`, or a folder of the repository, whose files
are keyed by their path from the repository root. Every `.json` file that is
a Keras 3 model (a `keras` module at the top, with a Keras 3 dtype policy
inside) is loaded with `keras.models.model_from_json`; `.keras` archives are
read through their `config.json`. A file Keras cannot load is listed with the
reason in a `# skipped` comment line and has no rows.

Columns (tab separated): file, layer (the layer's name; a layer of a nested
model is `outer/inner`), class, output (the output shape without the batch
axis: `(?, 128)`, `?` for a dimension Keras does not know; several outputs
separated by ` ; `; `-` when Keras gives none, as for a layer called more
than once), params (`count_params()`, `-` when the layer is not built).
"""

import json
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402

keras.config.enable_unsafe_deserialization()


def shape_text(shape):
    dims = ["?" if d is None else str(d) for d in shape[1:]]
    return "(" + ", ".join(dims) + ")"


def output_text(layer):
    try:
        out = layer.output
    except Exception:  # called more than once, or never called
        return "-"
    outs = out if isinstance(out, (list, tuple)) else [out]
    try:
        texts = [shape_text(tuple(t.shape)) for t in outs]
    except Exception:
        return "-"
    return " ; ".join(texts)


def params_text(layer):
    try:
        if not layer.built:
            return "-"
        return str(layer.count_params())
    except Exception:
        return "-"


def rows(model, prefix=""):
    for layer in model.layers:
        name = prefix + layer.name
        yield name, type(layer).__name__, output_text(layer), params_text(layer)
        if isinstance(layer, keras.Model) and hasattr(layer, "layers"):
            yield from rows(layer, name + "/")


def is_keras3(text):
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return (
        isinstance(doc, dict)
        and str(doc.get("module", "")).startswith("keras")
        and "class_name" in doc
        and "DTypePolicy" in text
    )


def model_files(root):
    keras3 = os.path.join(root, "keras3")
    base = keras3 if os.path.isdir(keras3) else root
    for dirpath, _dirs, files in os.walk(base):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            if base == keras3:
                key = "keras3/" + os.path.relpath(path, keras3)
            else:
                key = os.path.relpath(path, os.getcwd())
            if f.endswith(".json"):
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            elif f.endswith(".keras"):
                try:
                    with zipfile.ZipFile(path) as z:
                        text = z.read("config.json").decode("utf-8")
                except (zipfile.BadZipFile, KeyError):
                    continue
            else:
                continue
            if is_keras3(text):
                yield key, text


def main(dirs):
    print("# Written by scripts/keras-shapes.py with keras", keras.__version__,
          "on", keras.backend.backend(), "- do not edit by hand.")
    print("file\tlayer\tclass\toutput\tparams")
    found = []
    for d in dirs:
        found.extend(model_files(d))
    for key, text in sorted(found):
        try:
            model = keras.models.model_from_json(text)
        except Exception as e:  # custom objects, deliberately broken fixtures
            reason = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
            print(f"# skipped {key}: {type(e).__name__}: {reason}")
            continue
        for name, cls, out, params in rows(model):
            print(f"{key}\t{name}\t{cls}\t{out}\t{params}")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
