"""Train a LoRA adapter for the embedded Gemma 3 270M on the model pass's own prompts.

Runs in the training venv (torch, transformers, peft, gguf; see train/MODEL_CARD.md), by hand, on
CPU: the packaged GGUF is loaded into transformers (de-quantized to fp32), LoRA on the attention
projections, loss on the answer tokens only (the prompt is what llama-cpp-python's server feeds
the model: see train/examples.py). Saves the PEFT adapter and, once, the de-quantized base
model in HF format (``convert_lora_to_gguf.py`` needs it).

    nice -n 19 python train/train_lora.py --data train/data/train.jsonl --out train/.work/peft
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj"]
IGNORE = -100
WORK = Path(__file__).resolve().parent / ".work"  # scratch, git-ignored


def load_base(gguf: Path, hf_dir: Path) -> tuple[AutoModelForCausalLM, AutoTokenizer]:
    """The base model and tokenizer; the de-quantized HF copy is saved to ``hf_dir`` once."""
    if (hf_dir / "config.json").is_file():
        return (AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32),
                AutoTokenizer.from_pretrained(hf_dir))
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                 dtype=torch.float32)
    hf_dir.mkdir(parents=True, exist_ok=True)
    # The weights are already de-quantized to fp32; drop the "gguf" marker so it can be saved.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(hf_dir)
    tok.save_pretrained(hf_dir)
    return model, tok


def encode(tok: AutoTokenizer, row: dict[str, str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Input ids (BOS + prompt + answer) and labels (answer tokens only)."""
    prompt = tok(row["prompt"], add_special_tokens=True)["input_ids"]
    answer = tok(row["answer"], add_special_tokens=False)["input_ids"]
    if not prompt or prompt[0] != tok.bos_token_id:
        prompt = [tok.bos_token_id] + prompt
    ids = torch.tensor([prompt + answer])
    labels = torch.tensor([[IGNORE] * len(prompt) + answer])
    return ids, labels


def answer_loss(model: torch.nn.Module, ids: torch.Tensor, labels: torch.Tensor
                ) -> torch.Tensor:
    """Cross-entropy on the answer tokens, with logits computed only there: the 262k-word
    output layer over the whole prompt would cost more than the rest of the model."""
    causal = model.get_base_model()
    hidden = causal.model(input_ids=ids).last_hidden_state[0, :-1]
    target = labels[0, 1:]
    keep = target != IGNORE
    logits = causal.lm_head(hidden[keep]).float()
    softcap = getattr(causal.config, "final_logit_softcapping", None)
    if softcap:
        logits = torch.tanh(logits / softcap) * softcap
    return torch.nn.functional.cross_entropy(logits, target[keep])


def train(args: argparse.Namespace) -> dict[str, object]:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    random.Random(args.seed).shuffle(rows)
    rows = rows[:args.max_examples] if args.max_examples else rows
    model, tok = load_base(args.gguf, args.base_hf)
    config = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.05,
                        target_modules=TARGETS, task_type="CAUSAL_LM")
    model = get_peft_model(model, config)
    model.print_trainable_parameters()
    data = [encode(tok, row) for row in rows]
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    steps = args.epochs * len(data) // args.accum
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda s: max(0.05, 1 - s / max(1, steps)))
    model.train()
    started, tokens, log = time.time(), 0, []
    for epoch in range(args.epochs):
        order = list(range(len(data)))
        random.Random(args.seed + epoch).shuffle(order)
        for i, k in enumerate(order, 1):
            ids, labels = data[k]
            loss = answer_loss(model, ids, labels) / args.accum
            loss.backward()
            tokens += ids.shape[1]
            log.append(loss.item() * args.accum)
            if i % args.accum == 0 or i == len(order):
                optim.step()
                sched.step()
                optim.zero_grad()
            if i % 10 == 0:
                rate = tokens / (time.time() - started)
                print(f"epoch {epoch} step {i}/{len(order)} loss {sum(log[-10:]) / 10:.4f} "
                      f"{rate:.0f} tok/s", flush=True)
    model.save_pretrained(args.out)
    stats = {"examples": len(data), "epochs": args.epochs, "rank": args.rank, "lr": args.lr,
             "accum": args.accum, "seed": args.seed, "tokens": tokens,
             "seconds": round(time.time() - started), "first_loss": round(sum(log[:10]) / 10, 4),
             "last_loss": round(sum(log[-10:]) / 10, 4)}
    (args.out / "train_stats.json").write_text(json.dumps(stats, indent=2))
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True, help="PEFT adapter directory")
    ap.add_argument("--gguf", type=Path, required=True, help="the packaged base GGUF")
    ap.add_argument("--base-hf", type=Path, default=WORK / "base-hf",
                    help="the de-quantized base model in HF format (made once)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--accum", type=int, default=4)
    ap.add_argument("--max-examples", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    print(json.dumps(train(ap.parse_args())))


if __name__ == "__main__":
    main()
