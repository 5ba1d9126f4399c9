#!/usr/bin/env bash
# Convert a PEFT LoRA adapter to a GGUF adapter with llama.cpp's convert_lora_to_gguf.py
# (from the llama-cpp-python 0.3.36 source distribution, fetched once into $LCP_DIR).
#   train/convert.sh PEFT_DIR BASE_HF_DIR OUT.gguf
set -euo pipefail
peft_dir=$1 base_hf=$2 out=$3
HERE=$(cd "$(dirname "$0")" && pwd)   # defaults inside the project (git-ignored)
PY=${TRAIN_PY:-$HERE/.venv/bin/python}
LCP_DIR=${LCP_DIR:-$HERE/.work/lcp}
src=$LCP_DIR/llama_cpp_python-0.3.36/vendor/llama.cpp
if [ ! -f "$src/convert_lora_to_gguf.py" ]; then
  mkdir -p "$LCP_DIR"
  "$PY" -m pip download -q --no-deps --no-binary :all: llama-cpp-python==0.3.36 -d "$LCP_DIR"
  tar xzf "$LCP_DIR/llama_cpp_python-0.3.36.tar.gz" -C "$LCP_DIR"
fi
mkdir -p "$(dirname "$out")"
# The vendored gguf-py matches the converter (the pip gguf may be newer).
PYTHONPATH="$src/gguf-py" nice -n 19 "$PY" "$src/convert_lora_to_gguf.py" \
  --base "$base_hf" --outtype f16 --outfile "$out" "$peft_dir"
