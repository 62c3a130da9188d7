# Shared by the .ci/bench-* scripts (sourced, not run). Benchmarks, not tests:
# they print numbers and ratios measured within one run, and say "MISSED" when a
# target is not met; they exit non-zero only when something could not be
# measured (a tool missing, a build or a command failing).
#
# Hygiene as in the tests: HOME, KUBECONFIG and KUBECACHEDIR point into a temp
# dir, OPENAI_* are cleared, so no benchmark touches the developer's cluster,
# cache, config or keys.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

say() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

bench_tmp=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-ai-bench.XXXXXX")
sandbox_pid=
cleanup() {
    if [ -n "$sandbox_pid" ]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    rm -rf "$bench_tmp"
}
trap cleanup EXIT

# cargo and rustup find their homes through HOME: pin them before moving it.
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export HOME=$bench_tmp/home KUBECACHEDIR=$bench_tmp/kube-cache KUBECONFIG=$bench_tmp/kubeconfig
mkdir -p "$HOME"
unset OPENAI_API_KEY OPENAI_BASE_URL OPENAI_MODEL KUBECTL_AI_LOG KUBECTL_PATH

summary_lines=()
# summary LINE: remembered for the end of this script (and for .ci/bench).
summary() {
    summary_lines+=("$*")
    if [ -n "${BENCH_SUMMARY:-}" ]; then printf '%s\n' "$*" >>"$BENCH_SUMMARY"; fi
}
print_summary() {
    printf '\n-- %s summary --\n' "$(basename "$0")"
    printf '%s\n' "${summary_lines[@]}"
}

# Release builds of everything the benchmarks run (the plugin, the sandbox, tests/bench).
build_release() {
    command -v cargo >/dev/null || die "cargo is missing: install a Rust toolchain"
    if [ -z "${BENCH_BUILT:-}" ]; then
        say "cargo build --release --workspace --bins"
        cargo build --release --locked --quiet --workspace --bins
    fi
    bin=$root/target/release/kubectl-ai
    sandbox_bin=$root/target/release/kube-sandbox
    bins=$root/target/release
}

# hyperfine, installed with apt-get when running as root; otherwise a clear stop.
need_hyperfine() {
    if ! command -v hyperfine >/dev/null; then
        if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
            say "installing hyperfine"
            apt-get update -qq >/dev/null || true
            apt-get install -y -qq hyperfine >/dev/null || true
        fi
    fi
    command -v hyperfine >/dev/null ||
        die "hyperfine is missing: apt-get install hyperfine (or cargo install hyperfine), then rerun"
}

need_kubectl() {
    command -v kubectl >/dev/null ||
        die "kubectl is missing: put kubectl on PATH (apt-get install kubectl), then rerun"
    kubectl=$(command -v kubectl)
}

# hf NAME CSV [hyperfine args]: one hyperfine run, results in CSV. Commands are
# named with -n so the CSV stays simple; -N: no shell between hyperfine and them.
hf() {
    local csv=$1
    shift
    hyperfine -N --style basic --export-csv "$csv" "$@"
}

# Comparisons report hyperfine's median and minimum, not its mean: on a shared
# machine one preempted run moves a mean by milliseconds. Verdicts use the
# minimum (the least disturbed run: what the command costs by itself), the
# median is shown beside it; both are ratios within one hyperfine run.

# stat_ms CSV NAME: "median min" of one named command, in ms.
stat_ms() {
    awk -F, -v n="$2" 'NR > 1 && $1 == n { printf "%.2f %.2f", $4 * 1000, $7 * 1000 }' "$1"
}

# compare CSV BASE NAME: one summary line, NAME against BASE.
compare() {
    awk -F, -v b="$2" -v n="$3" '
        NR > 1 { med[$1] = $4 * 1000; lo[$1] = $7 * 1000 }
        END {
            if (!(n in med) || !(b in med)) { printf "%s: no result", n; exit }
            printf "%-44s median %7.2f ms = %5.2f× %s (%+.2f ms); min %7.2f ms = %5.2f× (%+.2f ms)",
                n, med[n], med[n] / med[b], b, med[n] - med[b], lo[n], lo[n] / lo[b], lo[n] - lo[b]
        }' "$1"
}

# over_ms CSV BASE NAME: how many ms NAME's minimum is above BASE's.
over_ms() {
    awk -F, -v b="$2" -v n="$3" 'NR > 1 { lo[$1] = $7 } END { print (lo[n] - lo[b]) * 1000 }' "$1"
}

# ratio CSV BASE NAME: NAME's minimum over BASE's.
ratio() {
    awk -F, -v b="$2" -v n="$3" 'NR > 1 { lo[$1] = $7 } END { print lo[n] / lo[b] }' "$1"
}

# verdict OK: "met" or "MISSED".
verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }

# le A B: 1 when A <= B (floats).
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }

# start_sandbox SCENARIO: runs kube-sandbox in the background, writes
# $KUBECONFIG, waits for its `ready` line, and sets sandbox_ready_ms. Call it
# directly, never in $(...): the subshell would lose the pid cleanup kills.
start_sandbox() {
    local out=$bench_tmp/sandbox.out start end
    start=$(date +%s%N)
    "$sandbox_bin" --kubeconfig "$KUBECONFIG" --scenario "$1" >"$out" 2>&1 &
    sandbox_pid=$!
    for _ in $(seq 500); do
        if grep -q '^ready ' "$out" 2>/dev/null; then
            end=$(date +%s%N)
            sandbox_ready_ms=$(((end - start) / 1000000))
            return
        fi
        kill -0 "$sandbox_pid" 2>/dev/null || die "kube-sandbox exited: $(cat "$out")"
        sleep 0.01
    done
    die "kube-sandbox printed no ready line in 5 s: $(cat "$out")"
}
