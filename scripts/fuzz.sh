#!/usr/bin/env bash
# Fuzzes actlint's front ends and pipeline with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh [SECONDS]      # each target for SECONDS (default 600)
#
# Environment: FUZZ_TARGETS (default: all eight), FUZZ_JOBS (targets run at
# the same time, default 1), FUZZ_SANITIZER (default `address`; `none` runs
# several times faster and still catches what matters in safe Rust: panics,
# timeouts and memory blow-ups). Seeds come from fixtures/ (fixtures/corpus/
# included) and, when present, the larger ../shared/corpus/; the corpora grow under fuzz/corpus/ and crashes land in
# fuzz/artifacts/ (both ignored by git). cargo-fuzz needs nightly features:
# on a stable toolchain RUSTC_BOOTSTRAP=1 enables them.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
targets="${FUZZ_TARGETS:-json_front_end yaml_front_end keras_archive pipeline hdf5_model config_file lsp_framing python_source}"
jobs="${FUZZ_JOBS:-1}"
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

# Seeds no larger than the inputs the fuzzer generates.
max_len=131072
seed_files() {
    local pattern
    for dir in fixtures ../shared/corpus; do
        [ -d "$dir" ] || continue
        for pattern in "$@"; do
            find "$dir" -type f -name "$pattern" -size -$((max_len / 1024))k
        done
    done
}

# Copies each seed, named by a checksum of its path, with a prefix (the
# selector byte of the targets that read one first; empty for the others).
seed_with_prefix() {
    local out="$1" prefix="$2"
    shift 2
    local f
    seed_files "$@" | while read -r f; do
        { printf "$prefix"; cat "$f"; } >"$out/seed-$(printf '%s' "$prefix$f" | cksum | cut -d' ' -f1)"
    done
}

seed() {
    local target="$1" out="fuzz/corpus/$1"
    mkdir -p "$out"
    case "$target" in
    json_front_end) seed_with_prefix "$out" '' '*.json' ;;
    yaml_front_end) seed_with_prefix "$out" '' '*.yaml' '*.yml' '*.json' ;;
    keras_archive)
        seed_with_prefix "$out" '\000' '*.keras'
        seed_with_prefix "$out" '\002' '*.json'
        ;;
    hdf5_model)
        seed_with_prefix "$out" '\001' '*.h5' '*.hdf5'
        seed_with_prefix "$out" '\003' '*.h5' '*.hdf5'
        ;;
    pipeline)
        seed_with_prefix "$out" '\000' '*.yaml' '*.yml'
        seed_with_prefix "$out" '\001' '*.json'
        seed_with_prefix "$out" '\002' '*.keras'
        ;;
    config_file)
        seed_with_prefix "$out" '\000' 'actlint.toml' '.actlint.toml' '*.toml'
        seed_with_prefix "$out" '\002' 'pyproject.toml'
        ;;
    lsp_framing)
        # Whole frames around small JSON files, then a few hand-written ones.
        local f body
        # (`|| true`: `head` closing the pipe is not a failure.)
        { seed_files '*.json' || true; } | head -n 200 | while read -r f; do
            [ "$(wc -c <"$f")" -le 16384 ] || continue
            { printf '\000Content-Length: %d\r\n\r\n' "$(wc -c <"$f")"; cat "$f"; } \
                >"$out/seed-$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
        done
        for body in '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}' \
            '{"jsonrpc":"2.0","method":"exit"}' '{"jsonrpc":"2.0","id":"a","result":null}' '[]'; do
            printf '\003Content-Length: %d\r\nContent-Type: x\r\n\r\n%s\n\n' "${#body}" "$body" \
                >"$out/seed-$(printf '%s' "$body" | cksum | cut -d' ' -f1)"
        done
        ;;
    python_source)
        seed_with_prefix "$out" '\000' '*.py'
        seed_with_prefix "$out" '\001' '*.ipynb'
        ;;
    esac
}

mkdir -p fuzz/logs
cargo fuzz build -O -s "$sanitizer"
run() {
    local target="$1"
    seed "$target"
    echo "== $target: ${seconds}s, log in fuzz/logs/$target.log"
    nice cargo fuzz run -O -s "$sanitizer" "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
        -dict=fuzz/dict/model.dict -print_final_stats=1 \
        >"fuzz/logs/$target.log" 2>&1 && status=ok || status="FAILED (see fuzz/artifacts/$target)"
    local runs
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$target.log" | grep -o '[0-9]*$' || echo "?")
    echo "== $target: $status, $runs executions"
}

running=0
for target in $targets; do
    run "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait
