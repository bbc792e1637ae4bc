#!/usr/bin/env bash
# Measures actlint against what users run instead, side by side in one run,
# on the same files, and writes docs/benchmarks.md.
#
#   1. one small YAML model (the pre-commit case): actlint, yamllint, `jq .`,
#      Python's `json.load`;
#   2. a directory of 2,000 model files (copies of the shared corpus models
#      and of the simple-format fixtures, each slightly varied): actlint on
#      all cores, `jq empty` over the same files, a Python loop that
#      `json`/`yaml`-loads each file;
#   3. the largest Keras application config: actlint, `jq empty`,
#      `keras.models.model_from_json`; and peak memory (`/usr/bin/time -v`);
#   4. scaling: 500, 1,000, 2,000 and 4,000 files; 1 and 2 threads.
#
# It installs what it needs: hyperfine, jq and GNU time from Debian's
# packages (apt-get), yamllint, PyYAML, keras and jax from PyPI into a
# throwaway virtualenv under target/. A peer that cannot be installed is
# skipped, and the report says so.
#
# Usage: scripts/bench-compare.sh
# Environment: BENCH_RUNS (timed runs per command, default 20),
# BENCH_OUT (default docs/benchmarks.md), ACTLINT_CORPUS (default
# ../shared/corpus), BENCH_SKIP_INSTALL=1 (use what is installed),
# BENCH_REPORT_ONLY=1 (write the report again from the last run's results),
# BENCH_CRITERION=0 (leave out the criterion throughput benchmarks, which
# `cargo bench --bench throughput` runs on their own).
#
# Timings on a shared machine are noisy: run it on an otherwise idle
# machine; the report records the load average before and after.

set -euo pipefail

# The whole script is one function, read before it runs: editing the file
# (or checking out another commit) during a run cannot change the run.
main() {
cd "$(dirname "$0")/.."
ROOT=$PWD
# The command as run, with the environment variables that change it.
COMMAND=""
local var
for var in BENCH_RUNS BENCH_SKIP_INSTALL BENCH_CRITERION ACTLINT_CORPUS CARGO_TARGET_DIR; do
    [ -n "${!var:-}" ] && COMMAND+="$var=${!var} "
done
COMMAND+="scripts/bench-compare.sh${*:+ $*}"
RUNS=${BENCH_RUNS:-20}
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
if [ -n "${ACTLINT_CORPUS:-}" ]; then
    CORPUS=$ACTLINT_CORPUS
elif [ -d "$ROOT/../shared/corpus" ]; then
    CORPUS=$ROOT/../shared/corpus
else
    CORPUS=$ROOT/fixtures/corpus
fi
WORK=$ROOT/target/bench-compare
RESULTS=$WORK/results
VENV=$WORK/venv
SKIPPED=$WORK/skipped.txt

export KERAS_BACKEND=jax

log() { printf '== %s\n' "$*" >&2; }
skip() {
    log "skipping: $*"
    printf '%s\n' "$*" >>"$SKIPPED"
}

[ -d "$CORPUS/keras3/applications" ] || {
    echo "error: no Keras corpus at $CORPUS (set ACTLINT_CORPUS)" >&2
    exit 2
}
# BENCH_REPORT_ONLY=1: write the report again from the last run's results.
if [ "${BENCH_REPORT_ONLY:-}" != 1 ]; then
rm -rf "$RESULTS" "$SKIPPED"
mkdir -p "$WORK" "$RESULTS"
: >"$SKIPPED"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- installs
apt_install() {
    [ "${BENCH_SKIP_INSTALL:-}" = 1 ] && return 0
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    log "installing ${missing[*]} (apt-get)"
    "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
    for pkg in "${missing[@]}"; do
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$pkg" >/dev/null 2>&1 ||
            log "could not install $pkg"
    done
}
apt_install hyperfine jq time python3 python3-venv
command -v hyperfine >/dev/null || {
    echo "error: hyperfine is required (apt-get install hyperfine)" >&2
    exit 2
}
[ -x /usr/bin/time ] || skip "peak memory: GNU time (/usr/bin/time) is not installed"
HAVE_JQ=1
command -v jq >/dev/null || {
    HAVE_JQ=0
    skip "jq: not installed"
}

if [ "${BENCH_SKIP_INSTALL:-}" != 1 ] || [ ! -x "$VENV/bin/python" ]; then
    log "creating the virtualenv $VENV"
    python3 -m venv "$VENV" || skip "Python peers: cannot create a virtualenv"
fi
pip_install() {
    [ -x "$VENV/bin/pip" ] || return 1
    [ "${BENCH_SKIP_INSTALL:-}" = 1 ] && return 0
    log "installing $* (pip)"
    "$VENV/bin/pip" install -q --disable-pip-version-check "$@" >/dev/null 2>&1
}
venv_has() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import $1" >/dev/null 2>&1; }
pip_install yamllint pyyaml || true
pip_install keras jax || true
HAVE_YAMLLINT=0
if venv_has yamllint; then HAVE_YAMLLINT=1; else skip "yamllint: could not be installed from PyPI"; fi
HAVE_PYYAML=0
if venv_has yaml; then HAVE_PYYAML=1; else skip "Python loop: PyYAML could not be installed, YAML files are not loaded"; fi
HAVE_KERAS=0
if venv_has keras; then HAVE_KERAS=1; else skip "keras.models.model_from_json: keras + jax could not be installed from PyPI"; fi

log "building actlint (release profile)"
cargo build --release --locked --quiet
ACTLINT=${CARGO_TARGET_DIR:-$ROOT/target}/release/actlint

# ------------------------------------------------------------------ inputs
# Case 1: a small simple-format model, and the same model as JSON for the
# tools that read only JSON.
SMALL_YAML=$ROOT/fixtures/forum/rainfall_lstm.yaml
SMALL_JSON=$WORK/rainfall_lstm.json
# Case 3: the largest application config, by size.
LARGEST=$(find "$CORPUS/keras3/applications" -name '*.json' -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)

log "generating the model directories"
python3 - "$ROOT" "$CORPUS" "$WORK" "$SMALL_YAML" "$SMALL_JSON" <<'PY'
import json, os, shutil, sys

root, corpus, work, small_yaml, small_json = sys.argv[1:]

# The corpus models (Keras 3 and Keras 2 JSON) and the simple-format
# fixtures (bad.yaml files have findings; ACT000's is not valid YAML and is
# left out, so that every tool reads every file).
sources = []
for sub in ("keras3/models", "keras2/models"):
    d = os.path.join(corpus, sub)
    sources += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json"))
for sub in ("fixtures/ok", "fixtures/forum"):
    d = os.path.join(root, sub)
    sources += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".yaml"))
rules = os.path.join(root, "fixtures/rules")
for code in sorted(c for c in os.listdir(rules) if c != "ACT000"):
    for f in ("bad.yaml", "good.yaml"):
        p = os.path.join(rules, code, f)
        if os.path.isfile(p):
            sources.append(p)

def variant(path, i):
    """The file's text with a small variation: the model renamed (JSON) or a
    comment line added (YAML)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".json"):
        doc = json.loads(text)
        cfg = doc.get("config") if isinstance(doc, dict) else None
        if isinstance(cfg, dict) and isinstance(cfg.get("name"), str):
            cfg["name"] = f"{cfg['name']}_v{i}"
        return json.dumps(doc), ".json"
    return f"# variant {i}\n{text}", ".yaml"

def make(n):
    d = os.path.join(work, f"models-{n}")
    if os.path.isdir(d):
        shutil.rmtree(d)
    for i in range(n):
        src = sources[i % len(sources)]
        text, ext = variant(src, i)
        stem = os.path.basename(src).split(".")[0]
        if "fixtures/rules" in src:
            stem = os.path.basename(os.path.dirname(src)) + "_" + stem
        sub = os.path.join(d, f"team{i // 250:02d}", f"project{(i // 50) % 5}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"{stem}_{i:04d}{ext}"), "w", encoding="utf-8") as f:
            f.write(text)
    files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(d) for f in fs)
    with open(d + ".json-files", "w") as f:
        f.write("\n".join(p for p in files if p.endswith(".json")) + "\n")
    with open(d + ".all-files", "w") as f:
        f.write("\n".join(files) + "\n")

for n in (500, 1000, 2000, 4000):
    make(n)
print(len(sources), "source files", file=sys.stderr)
PY
if [ "$HAVE_PYYAML" = 1 ]; then
    "$VENV/bin/python" -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], "w"))' \
        "$SMALL_YAML" "$SMALL_JSON"
else
    SMALL_JSON=$ROOT/fixtures/forum/rainfall_lstm.keras.json
fi
cat >"$WORK/load_all.py" <<'PY'
# What a user writes instead of a linter: load every model file, with
# `json.load` and `yaml.safe_load` (or, with `--libyaml`, libyaml's C loader).
import json, os, sys
try:
    import yaml
    Loader = yaml.SafeLoader
    if "--libyaml" in sys.argv:
        Loader = yaml.CSafeLoader
except ImportError:
    yaml = None
loaded = failed = 0
for dirpath, _, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        path = os.path.join(dirpath, name)
        try:
            with open(path, encoding="utf-8") as f:
                if name.endswith(".json"):
                    json.load(f)
                elif yaml is not None:
                    yaml.load(f, Loader=Loader)
            loaded += 1
        except Exception as e:
            failed += 1
            print(f"{path}: {e}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY
cat >"$WORK/keras_load.py" <<'PY'
import sys
import keras
keras.models.model_from_json(open(sys.argv[1]).read())
PY

# ------------------------------------------------------------------ timing
# bench CASE NAME RUNS COMMAND ARGS...: one hyperfine measurement, kept as
# results/CASE--NAME.json. No shell: the command runs as given.
bench() {
    local case=$1 name=$2 runs=$3 warmup=3
    shift 3
    log "case $case: $name"
    [ "$runs" -lt 5 ] && warmup=1
    # The exit status, for the report (actlint exits 1 when it finds
    # something; a peer that fails would be timed doing less work).
    local status=0
    "$@" >/dev/null 2>"$RESULTS/$case--$name.stderr" || status=$?
    echo "$status" >"$RESULTS/$case--$name.status"
    hyperfine --shell=none --style basic --ignore-failure --warmup "$warmup" --runs "$runs" \
        --command-name "$name" --export-json "$RESULTS/$case--$name.json" "$(printf '%q ' "$@")" >&2
}

# Case 1: one small model.
bench 1 "actlint (YAML)" "$RUNS" "$ACTLINT" "$SMALL_YAML"
bench 1 "actlint (JSON)" "$RUNS" "$ACTLINT" "$SMALL_JSON"
[ "$HAVE_YAMLLINT" = 1 ] && bench 1 "yamllint (YAML)" "$RUNS" "$VENV/bin/yamllint" "$SMALL_YAML"
[ "$HAVE_JQ" = 1 ] && bench 1 "jq . (JSON)" "$RUNS" jq . "$SMALL_JSON"
bench 1 "python json.load (JSON)" "$RUNS" \
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$SMALL_JSON"

# Case 2: 2,000 files.
D2000=$WORK/models-2000
bench 2 "actlint (all cores)" "$RUNS" "$ACTLINT" "$D2000"
[ "$HAVE_JQ" = 1 ] && bench 2 "jq empty (JSON files)" "$RUNS" xargs -a "$D2000.json-files" jq empty
bench 2 "python loop" "$(((RUNS + 1) / 2))" "$VENV/bin/python" "$WORK/load_all.py" "$D2000"
if [ "$HAVE_PYYAML" = 1 ] && "$VENV/bin/python" -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
    bench 2 "python loop, libyaml" "$(((RUNS + 1) / 2))" "$VENV/bin/python" "$WORK/load_all.py" "$D2000" --libyaml
fi

# Case 3: the largest application config.
bench 3 "actlint" "$RUNS" "$ACTLINT" "$LARGEST"
[ "$HAVE_JQ" = 1 ] && bench 3 "jq empty" "$RUNS" jq empty "$LARGEST"
[ "$HAVE_KERAS" = 1 ] && bench 3 "keras model_from_json" 3 "$VENV/bin/python" "$WORK/keras_load.py" "$LARGEST"

# Case 4: scaling with files, and with threads.
for n in 500 1000 2000 4000; do
    bench 4 "actlint $n files" "$RUNS" "$ACTLINT" "$WORK/models-$n"
done
bench 4 "actlint --threads 1" "$RUNS" "$ACTLINT" --threads 1 "$D2000"
bench 4 "actlint --threads 2" "$RUNS" "$ACTLINT" --threads 2 "$D2000"

# Peak memory on case 3 (median of 5 runs, in KiB).
peak() {
    local name=$1
    shift
    [ -x /usr/bin/time ] || return 0
    local kb=() log=$WORK/time.log
    for _ in 1 2 3 4 5; do
        /usr/bin/time -v -o "$log" "$@" >/dev/null 2>&1 || true
        kb+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")")
    done
    printf '%s\t%s\n' "$name" "$(printf '%s\n' "${kb[@]}" | sort -n | sed -n 3p)" >>"$RESULTS/memory.tsv"
}
: >"$RESULTS/memory.tsv"
peak "actlint" "$ACTLINT" "$LARGEST"
[ "$HAVE_JQ" = 1 ] && peak "jq empty" jq empty "$LARGEST"
[ "$HAVE_KERAS" = 1 ] && peak "keras model_from_json" "$VENV/bin/python" "$WORK/keras_load.py" "$LARGEST"

# Throughput of the front ends and of the pipeline (criterion).
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
if [ "${BENCH_CRITERION:-1}" != 0 ]; then
    log "criterion: cargo bench --bench throughput"
    rm -rf "$TARGET_DIR/criterion"
    cargo bench --locked --quiet --bench throughput >"$WORK/criterion.log" 2>&1 ||
        skip "criterion benchmarks: cargo bench failed (see target/bench-compare/criterion.log)"
fi

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
row() { printf '%s\t%s\n' "$1" "$2"; }
versions() {
    row actlint "$("$ACTLINT" --version | awk '{print $2}') ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), release profile)"
    row rustc "$(rustc --version | cut -d' ' -f2-)"
    row hyperfine "$(hyperfine --version | awk '{print $2}')"
    [ "$HAVE_JQ" = 1 ] && row jq "$(jq --version)"
    row python3 "$(python3 --version | awk '{print $2}')"
    [ "$HAVE_YAMLLINT" = 1 ] && row yamllint "$("$VENV/bin/yamllint" --version | awk '{print $2}')"
    [ "$HAVE_PYYAML" = 1 ] && row PyYAML "$("$VENV/bin/python" -c 'import yaml; print(yaml.__version__, "(libyaml)" if hasattr(yaml, "CSafeLoader") else "(pure Python)")')"
    [ "$HAVE_KERAS" = 1 ] && row keras "$("$VENV/bin/python" -c 'import keras; print(keras.__version__)' 2>/dev/null)"
    [ "$HAVE_KERAS" = 1 ] && row jax "$("$VENV/bin/python" -c 'import jax; print(jax.__version__)' 2>/dev/null)"
    row "GNU time" "$(dpkg-query -W -f='${Version}' time 2>/dev/null || /usr/bin/time --version 2>&1 | head -n 1)"
    true
}
versions >"$RESULTS/versions.tsv"
{
    row cores "$(nproc)"
    row cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    row memory "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    # shellcheck disable=SC1091
    row os "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), Linux $(uname -r)"
    row "load before" "$LOAD_BEFORE"
    row "load after" "$LOAD_AFTER"
} >"$RESULTS/machine.tsv"
printf '%s\n' "$COMMAND" "$RUNS" "$LARGEST" "$SMALL_JSON" "$TARGET_DIR" >"$RESULTS/run.txt"
fi

[ -f "$RESULTS/run.txt" ] || {
    echo "error: no results in $RESULTS: run without BENCH_REPORT_ONLY first" >&2
    exit 2
}
{ read -r COMMAND; read -r RUNS; read -r LARGEST; read -r SMALL_JSON; read -r TARGET_DIR; } <"$RESULTS/run.txt"
SMALL_YAML=$ROOT/fixtures/forum/rainfall_lstm.yaml

python3 - "$RESULTS" "$OUT" "$COMMAND" "$RUNS" "$LARGEST" "$SMALL_YAML" "$SMALL_JSON" "$WORK" "$ROOT" "$TARGET_DIR/criterion" <<'PY'
import glob, json, os, sys

results, out, command, runs, largest, small_yaml, small_json, work, root, criterion = sys.argv[1:]

def rel(p):
    p = os.path.realpath(p)
    for base, name in ((os.path.realpath(os.path.join(root, "..", "shared", "corpus")), "../shared/corpus"),
                       (os.path.realpath(root), ".")):
        if p.startswith(base + os.sep):
            return name + p[len(base):]
    return p

med = {}
for path in sorted(glob.glob(os.path.join(results, "*--*.json"))):
    case, name = os.path.basename(path)[:-5].split("--", 1)
    r = json.load(open(path))["results"][0]
    med[(case, name)] = r

def tsv(name):
    with open(os.path.join(results, name)) as f:
        return [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]

def ms(s):
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.2f} s"

def t(case, name):
    r = med.get((case, name))
    return r["median"] if r else None

lines = []
w = lines.append
w("# Benchmarks")
w("")
w("actlint against what users run instead: a YAML linter, `jq`, Python's `json`/`yaml`, and")
w("loading the model with Keras. All numbers come from one run of")
w("")
w(f"```sh\n{command}\n```")
w("")
w("on the machine described below; medians of the timed runs (hyperfine, no shell, "
  f"{runs} runs after warm-up unless a row says otherwise). Ratios are the peer's median over actlint's: "
  "above 1, actlint is faster. `CPU` is the mean user + system time of a run, all threads together: "
  "less sensitive than wall-clock time to other work on the machine, and the cost on a busy CI runner. "
  "`exit` is the command's exit status (actlint exits 1 when it reports "
  "findings; every peer must exit 0, or it did less than its share).")
w("")
machine = dict(tsv("machine.tsv"))
w("## Machine")
w("")
w("| | |")
w("|---|---|")
for k, v in tsv("machine.tsv"):
    w(f"| {k} | {v} |")
w("")
w("The load average is the kernel's 1, 5 and 15 minute figures before and after the run; on a")
w("machine shared with other work, timings (and the thread scaling above all) are noisier than on an idle one.")
w("")

def table(case, title, rows, base, note=None):
    w(f"## {title}")
    w("")
    if note:
        w(note)
        w("")
    w("| command | median | min | max | CPU (user + sys) | runs | exit | vs actlint |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    b = t(case, base)
    for name in rows:
        r = med.get((case, name))
        if not r:
            continue
        ratio = "1×" if name == base or b is None else f"{r['median'] / b:.1f}×"
        status = open(os.path.join(results, f"{case}--{name}.status")).read().strip()
        cpu = ms(r["user"] + r["system"])
        w(f"| {name} | {ms(r['median'])} | {ms(r['min'])} | {ms(r['max'])} | {cpu} | {len(r['times'])} | {status} | {ratio} |")
    w("")

table("1", "1. One small model (the pre-commit case)",
      ["actlint (YAML)", "actlint (JSON)", "yamllint (YAML)", "jq . (JSON)", "python json.load (JSON)"],
      "actlint (YAML)",
      f"`{rel(small_yaml)}` ({os.path.getsize(small_yaml)} bytes) for actlint and yamllint; "
      f"the same model as JSON (`{os.path.basename(small_json)}`, {os.path.getsize(small_json)} bytes) for `jq .`, "
      "Python's `json.load` (`python3 -c 'import json,sys; json.load(open(sys.argv[1]))'`) and actlint again. "
      "Ratios are against actlint on the YAML file.")

d2000 = os.path.join(work, "models-2000")
files = [l for l in open(d2000 + ".all-files").read().split("\n") if l]
jsons = [l for l in open(d2000 + ".json-files").read().split("\n") if l]
size = sum(os.path.getsize(p) for p in files)
jsize = sum(os.path.getsize(p) for p in jsons)
table("2", "2. A directory of 2,000 model files",
      ["actlint (all cores)", "jq empty (JSON files)", "python loop", "python loop, libyaml"], "actlint (all cores)",
      f"{len(files)} files, {size / 1e6:.1f} MB, in 40 directories: copies of the corpus models "
      "(`keras3/models`, `keras2/models`) and of the simple-format fixtures (`fixtures/ok`, `fixtures/forum`, "
      "`fixtures/rules/*/{bad,good}.yaml`), each varied (JSON: the model renamed; YAML: a comment added). "
      f"`jq empty` reads only the {len(jsons)} JSON files ({jsize / 1e6:.1f} MB, {100 * jsize / size:.0f}% of the bytes; "
      "it cannot read YAML), in one process (`xargs -a LIST jq empty`). The Python loop walks the directory and "
      "loads each file with `json.load` or `yaml.safe_load` (what such a script usually calls; PyYAML's "
      "pure-Python loader); it checks nothing. `python loop, libyaml` is the same loop with libyaml's C loader "
      "(`yaml.load(f, Loader=yaml.CSafeLoader)`), for reference. actlint lints everything and prints its "
      "findings (human format).")

table("3", "3. The largest application config",
      ["actlint", "jq empty", "keras model_from_json"], "actlint",
      f"`{rel(largest)}` ({os.path.getsize(largest) / 1e6:.2f} MB, one line, as Keras wrote it). "
      "`keras.models.model_from_json` (jax backend) builds the model without weights; its row includes starting "
      "Python and importing Keras, as a script that loads the model to check it would. It runs 3 times.")

mem = tsv("memory.tsv") if os.path.exists(os.path.join(results, "memory.tsv")) else []
if mem:
    fsize = os.path.getsize(largest)
    w("Peak memory (maximum resident set size, median of 5 runs, `/usr/bin/time -v`):")
    w("")
    w("| command | peak RSS | × file size |")
    w("|---|---:|---:|")
    for name, kb in mem:
        b = int(kb) * 1024
        w(f"| {name} | {b / 1048576:.1f} MiB | {b / fsize:.1f}× |")
    w("")

w("## 4. Scaling")
w("")
w("actlint (all cores) on directories built like case 2:")
w("")
w("| files | median | per file | CPU (user + sys) | vs 2,000 files |")
w("|---:|---:|---:|---:|---:|")
base = t("4", "actlint 2000 files")
for n in (500, 1000, 2000, 4000):
    r = med.get(("4", f"actlint {n} files"))
    if r:
        w(f"| {n:,} | {ms(r['median'])} | {r['median'] / n * 1e6:.0f} µs | {ms(r['user'] + r['system'])} | {r['median'] / base:.2f}× |")
w("")
w("Threads, on the 2,000 files:")
w("")
w("| command | median | CPU (user + sys) | cores busy | speed-up |")
w("|---|---:|---:|---:|---:|")
one = t("4", "actlint --threads 1")
for name in ("actlint --threads 1", "actlint --threads 2"):
    r = med.get(("4", name))
    if r:
        busy = (r["user"] + r["system"]) / r["mean"]
        w(f"| `{name}` | {ms(r['median'])} | {ms(r['user'] + r['system'])} | {busy:.2f} | {one / r['median']:.2f}× |")
w("")
w("`cores busy` is CPU time over wall-clock time: with two threads on an idle two-core machine it "
  "approaches 2; near 1, the second core was taken by other work during the run and the speed-up "
  "cannot show.")
w("")

# Targets.
def check(ok, text):
    return ("met" if ok else "**missed**") if ok is not None else "not measured"

targets = []
def ratio(a, b):
    return a / b if a is not None and b is not None else None
r = ratio(t("1", "yamllint (YAML)"), t("1", "actlint (YAML)"))
targets.append(("case 1: ≥ 30× faster than yamllint", r and f"{r:.0f}×", r is not None and r >= 30 if r else None))
r = ratio(t("1", "actlint (YAML)"), t("1", "jq . (JSON)"))
targets.append(("case 1: no slower than 2× `jq`", r and f"{r:.2f}× jq's time", r <= 2 if r else None))
r = ratio(t("2", "jq empty (JSON files)"), t("2", "actlint (all cores)"))
targets.append(("case 2: faster than `jq empty`", r and f"{r:.1f}× faster", r > 1 if r else None))
r = ratio(t("2", "python loop"), t("2", "actlint (all cores)"))
targets.append(("case 2: ≥ 20× faster than the Python loop", r and f"{r:.0f}×", r >= 20 if r else None))
r = ratio(t("3", "actlint"), t("3", "jq empty"))
targets.append(("case 3: within 1.5× of `jq empty`", r and f"{r:.2f}× jq's time", r <= 1.5 if r else None))
r = ratio(t("3", "keras model_from_json"), t("3", "actlint"))
targets.append(("case 3: ≥ 100× faster than `model_from_json`", r and f"{r:.0f}×", r >= 100 if r else None))
r = ratio(t("4", "actlint 4000 files"), t("4", "actlint 2000 files"))
targets.append(("case 4: 4,000 files ≤ 2.2× the 2,000-file time", r and f"{r:.2f}×", r <= 2.2 if r else None))
r = ratio(t("4", "actlint --threads 1"), t("4", "actlint --threads 2"))
targets.append(("case 4: 2 threads ≥ 1.7× faster than 1", r and f"{r:.2f}×", r >= 1.7 if r else None))
if mem:
    kb = dict(mem).get("actlint")
    limit = 5 * os.path.getsize(largest) + 20 * 1024 * 1024
    peak = int(kb) * 1024 if kb else None
    targets.append(("peak memory on case 3 ≤ 5× file size + 20 MB",
                    peak and f"{peak / 1048576:.1f} MiB (limit {limit / 1048576:.1f} MiB)",
                    peak <= limit if peak else None))
bench = sorted(glob.glob(os.path.join(criterion, "*", "*", "new", "benchmark.json")))
if bench:
    w("## Throughput of the front ends and the pipeline")
    w("")
    w("`cargo bench --bench throughput` (criterion, 10 samples each; median time per file). "
      "`json_front_end` and `yaml_front_end`: text -> spanned tree -> model IR; `pipeline`: bytes -> "
      "diagnostics -> `--format json` output, as the command line does for one file, on one thread. "
      "`app-*.yaml` is the same application config written as block YAML; `seq20k.json` a Keras 3 "
      "Sequential of 20,000 Dense layers as `model.to_json()` writes it; `simple20k.yaml` the same "
      "model in the simple format.")
    w("")
    w("| benchmark | input | size | median | throughput |")
    w("|---|---|---:|---:|---:|")
    order = {"json_front_end": 0, "yaml_front_end": 1, "pipeline": 2}
    rows = []
    for path in bench:
        meta = json.load(open(path))
        est = json.load(open(os.path.join(os.path.dirname(path), "estimates.json")))
        size = (meta.get("throughput") or {}).get("Bytes")
        ns = est["median"]["point_estimate"]
        rows.append((order.get(meta["group_id"], 9), meta["group_id"], meta["value_str"], size, ns))
    for _, group, name, size, ns in sorted(rows):
        mbs = f"{size / (ns / 1e9) / 1e6:.0f} MB/s" if size else "–"
        w(f"| {group} | {name} | {size / 1e6:.2f} MB | {ms(ns / 1e9)} | {mbs} |")
    w("")

w("## Targets")
w("")
w("| target | measured | |")
w("|---|---:|---|")
for name, value, ok in targets:
    w(f"| {name} | {value or '–'} | {check(ok, name)} |")
w("")
skipped = open(os.path.join(results, "..", "skipped.txt")).read().strip()
if skipped:
    w("Skipped in this run:")
    w("")
    for s in skipped.split("\n"):
        w(f"- {s}")
    w("")

w("## Versions")
w("")
w("| tool | version |")
w("|---|---|")
for k, v in tsv("versions.tsv"):
    w(f"| {k} | {v} |")
w("")
w("## Reproducing")
w("")
w("From a checkout (with the Keras corpus at `../shared/corpus`, or `ACTLINT_CORPUS` pointing at it):")
w("")
w("```sh\nscripts/bench-compare.sh            # installs hyperfine, jq, GNU time, and a virtualenv under target/\n"
  "BENCH_RUNS=50 scripts/bench-compare.sh\n```")
w("")
w("The throughput of the front ends and of the pipeline in MB/s, per input, is measured by the criterion")
w("benchmarks: `cargo bench --bench throughput`.")
os.makedirs(os.path.dirname(out), exist_ok=True)
open(out, "w").write("\n".join(lines) + "\n")
print(open(out).read())
PY
log "wrote ${OUT#"$ROOT"/}"
}

main "$@"
