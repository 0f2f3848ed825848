#!/usr/bin/env python3
"""Fine-tunes multilingual-e5-small with a LoRA adapter for the CAIL2019 loan elements (GPU).

Input: the folder written by `fincase train elements --export-e5ft DIR` (data.safetensors,
base.safetensors, shape.json). Output (--out): adapter.safetensors + config.json for
models/loan-elements-e5ft, metrics.json (validation scores of every recipe tried, the choice,
and this script's own test score), teacher.safetensors (the final model's probabilities on the
labelled and the distillation sentences) and log.txt.

The encoder below mirrors crates/core/src/ml/e5.rs operation for operation (Q4_0 dequantisation, word +
position (from 0) + type embeddings, LayerNorm, 12 post-LN layers with an additive -1e4 padding
mask and erf-GELU, mean over real tokens), so the adapter merged into the weights in Rust
(W + alpha/rank * B @ A) gives the same probabilities on the CPU.

Protocol (the same as the small models): stage 1 trains on folds 2-4 for each recipe of a
small grid and scores fold 1 after every epoch with per-label thresholds tuned there; the best
(recipe, epochs) by fold-1 micro-F1 is retrained on folds 1-4 (stage 2) with those thresholds.
Fold 0 (test) is read only to score the final model. Needs: torch, numpy, safetensors.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.numpy import load_file
from safetensors.torch import save_file

T0 = time.time()
LOG = []


def log(*a):
    s = " ".join(str(x) for x in a)
    s = f"[{time.time() - T0:7.1f}s] {s}"
    print(s, flush=True)
    LOG.append(s)


def dequant(raw, n):
    b = raw[: n // 32 * 18].reshape(-1, 18)
    d = b[:, :2].copy().view(np.float16).astype(np.float32)
    qs = b[:, 2:]
    lo = (qs & 0x0F).astype(np.float32) - 8.0
    hi = (qs >> 4).astype(np.float32) - 8.0
    return (np.concatenate([lo, hi], axis=1) * d).reshape(-1)


def f32s(raw, n):
    return np.frombuffer(raw.tobytes()[: n * 4], dtype="<f4").copy()


class Lin(nn.Module):
    def __init__(self, w, b, rank, alpha, drop):
        super().__init__()
        self.register_buffer("w", w)
        self.b = nn.Parameter(b)
        out_f, in_f = w.shape
        self.a = nn.Parameter(torch.empty(rank, in_f))
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.bb = nn.Parameter(torch.zeros(out_f, rank))
        self.s = alpha / rank
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        return F.linear(x, self.w, self.b) + self.s * F.linear(F.linear(self.drop(x), self.a), self.bb)


class Encoder(nn.Module):
    def __init__(self, base, shape, rank, alpha, drop, dev):
        super().__init__()
        h, ff, self.nh, self.eps = shape["hidden"], shape["ff"], shape["heads"], shape["eps"]
        self.h = h
        t = lambda x: torch.tensor(x, device=dev)
        nrows = base["emb.word"].shape[0]
        self.register_buffer("word", t(dequant(base["emb.word"].reshape(-1), nrows * h).reshape(nrows, h)))
        self.register_buffer("pos", t(f32s(base["emb.pos"], shape["max_positions"] * h).reshape(-1, h)))
        self.register_buffer("typ", t(f32s(base["emb.type"], h)))
        p = lambda n, k: nn.Parameter(t(f32s(base[n], k)))
        self.eln_w, self.eln_b = p("emb.ln.w", h), p("emb.ln.b", h)
        self.layers = nn.ModuleList()
        for i in range(shape["layers"]):
            L = nn.Module()
            for m, o, n in [("q", h, h), ("k", h, h), ("v", h, h), ("ao", h, h), ("fi", ff, h), ("fo", h, ff)]:
                w = t(dequant(base[f"l{i}.{m}.w"].reshape(-1), o * n).reshape(o, n))
                setattr(L, m, Lin(w, t(f32s(base[f"l{i}.{m}.b"], o)), rank, alpha, drop))
            L.aln_w, L.aln_b = p(f"l{i}.aln.w", h), p(f"l{i}.aln.b", h)
            L.oln_w, L.oln_b = p(f"l{i}.oln.w", h), p(f"l{i}.oln.b", h)
            self.layers.append(L)
        self.head = nn.Linear(h, 20).to(dev)
        self.hdrop = nn.Dropout(0.1)

    def forward(self, ids, mask):
        b, l = ids.shape
        x = self.word[ids] + self.pos[:l] + self.typ
        x = F.layer_norm(x, (self.h,), self.eln_w, self.eln_b, self.eps)
        bias = ((mask - 1.0) * 1e4).view(b, 1, 1, l)
        hd = self.h // self.nh
        for L in self.layers:
            sp = lambda y: y.view(b, l, self.nh, hd).transpose(1, 2)
            q, k, v = sp(L.q(x)), sp(L.k(x)), sp(L.v(x))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(b, l, self.h)
            x = F.layer_norm(L.ao(ctx) + x, (self.h,), L.aln_w, L.aln_b, self.eps)
            x = F.layer_norm(L.fo(F.gelu(L.fi(x))) + x, (self.h,), L.oln_w, L.oln_b, self.eps)
        m = mask.unsqueeze(2)
        pooled = (x * m).sum(1) / m.sum(1)
        return self.head(self.hdrop(pooled))

    def adapter(self):
        """The tensors Rust reads: LoRA factors, biases, LayerNorms, head (f16)."""
        out = {"emb.ln.w": self.eln_w, "emb.ln.b": self.eln_b, "head.w": self.head.weight, "head.b": self.head.bias}
        for i, L in enumerate(self.layers):
            for m in ["q", "k", "v", "ao", "fi", "fo"]:
                lin = getattr(L, m)
                out[f"l{i}.{m}.lora_a"], out[f"l{i}.{m}.lora_b"], out[f"l{i}.{m}.b"] = lin.a, lin.bb, lin.b
            out[f"l{i}.aln.w"], out[f"l{i}.aln.b"] = L.aln_w, L.aln_b
            out[f"l{i}.oln.w"], out[f"l{i}.oln.b"] = L.oln_w, L.oln_b
        return {k: v.detach().to(torch.float16).cpu().contiguous() for k, v in out.items()}

    def load_adapter(self, ad):
        """Loads f16-rounded parameters back (so the scores match what Rust computes)."""
        with torch.no_grad():
            for k, v in ad.items():
                v = v.to(torch.float32).to(self.word.device)
                if k.startswith("l"):
                    i, m, f = k.split(".", 2)
                    L = self.layers[int(i[1:])]
                    if m in ("aln", "oln"):
                        getattr(L, f"{m}_{f}").copy_(v)
                    else:
                        lin = getattr(L, m)
                        {"lora_a": lin.a, "lora_b": lin.bb, "b": lin.b}[f].copy_(v)
                elif k == "emb.ln.w":
                    self.eln_w.copy_(v)
                elif k == "emb.ln.b":
                    self.eln_b.copy_(v)
                elif k == "head.w":
                    self.head.weight.copy_(v)
                elif k == "head.b":
                    self.head.bias.copy_(v)


def batches(idx, seqs, pad, dev, bs, shuffle, gen=None):
    idx = np.array(idx)
    if shuffle:
        idx = idx[torch.randperm(len(idx), generator=gen).numpy()]
    else:
        idx = idx[np.argsort([len(seqs[i]) for i in idx], kind="stable")]
    for s in range(0, len(idx), bs):
        chunk = idx[s : s + bs]
        l = max(len(seqs[i]) for i in chunk)
        ids = np.full((len(chunk), l), pad, dtype=np.int64)
        mask = np.zeros((len(chunk), l), dtype=np.float32)
        for r, i in enumerate(chunk):
            ids[r, : len(seqs[i])] = seqs[i]
            mask[r, : len(seqs[i])] = 1
        yield chunk, torch.tensor(ids, device=dev), torch.tensor(mask, device=dev)


@torch.no_grad()
def predict(model, idx, seqs, pad, dev):
    model.eval()
    out = np.zeros((len(seqs), 20), dtype=np.float32)
    for chunk, ids, mask in batches(idx, seqs, pad, dev, 128, False):
        out[chunk] = torch.sigmoid(model(ids, mask)).float().cpu().numpy()
    return out


def counts(p, g):
    return (int((p & g).sum()), int((p & ~g).sum()), int((~p & g).sum()))


def f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def tune(probs, gold):
    th = []
    for k in range(20):
        if not gold[:, k].any():
            th.append(0.5)
            continue
        best = (-1.0, 0.5)
        for step in range(1, 20):
            t = np.float32(step * 0.05)
            v = f1(*counts(probs[:, k] >= t, gold[:, k]))
            if v > best[0] + 1e-12 or (abs(v - best[0]) <= 1e-12 and abs(t - 0.5) < abs(best[1] - 0.5)):
                best = (v, float(t))
        th.append(best[1])
    return th


def scores(probs, gold, th, labels):
    pred = probs >= np.array(th, dtype=np.float32)
    per, tot, defined = [], [0, 0, 0], []
    for k in range(20):
        c = counts(pred[:, k], gold[:, k])
        tot = [a + b for a, b in zip(tot, c)]
        if sum(c) > 0:
            defined.append(f1(*c))
        per.append([labels[k], {"tp": c[0], "fp": c[1], "fn_": c[2]}, f1(*c), c[0] + c[2]])
    return {"micro_f1": f1(*tot), "macro_f1": float(np.mean(defined)) if defined else 0.0, "per_label": per}


def train(base, shape, seqs, gold, train_idx, rc, dev, eval_fn=None, epochs=None):
    torch.manual_seed(rc["seed"])
    gen = torch.Generator().manual_seed(rc["seed"])
    model = Encoder(base, shape, rc["rank"], rc["alpha"], rc["dropout"], dev).to(dev)
    head = list(model.head.parameters())
    hid = {id(p) for p in head}
    rest = [p for p in model.parameters() if p.requires_grad and id(p) not in hid]
    opt = torch.optim.AdamW([{"params": rest, "lr": rc["lr"]}, {"params": head, "lr": rc["head_lr"]}], weight_decay=0.01)
    epochs = epochs or rc["epochs"]
    steps = epochs * math.ceil(len(train_idx) / rc["batch"])
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    gt = torch.tensor(gold, dtype=torch.float32, device=dev)
    history = []
    for ep in range(1, epochs + 1):
        model.train()
        tot = 0.0
        for chunk, ids, mask in batches(train_idx, seqs, shape["pad"], dev, rc["batch"], True, gen):
            loss = F.binary_cross_entropy_with_logits(model(ids, mask), gt[torch.tensor(chunk, device=dev)])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tot += loss.item() * len(chunk)
        if eval_fn:
            history.append(eval_fn(model, ep, tot / len(train_idx)))
    return model, history


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--budget", type=float, default=420.0, help="seconds for the recipe grid")
    ap.add_argument("--grid", default="full")
    a = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    log("device", dev, torch.cuda.get_device_name(0) if dev == "cuda" else "")
    shape = json.load(open(os.path.join(a.data, "shape.json")))
    base = load_file(os.path.join(a.data, "base.safetensors"))
    d = load_file(os.path.join(a.data, "data.safetensors"))
    ids, offs = d["ids"].astype(np.int64), d["offsets"].astype(np.int64)
    seqs = [ids[offs[i] : offs[i + 1]] for i in range(len(offs) - 1)]
    gold = d["labels"].astype(bool)
    folds = d["folds"].reshape(-1)
    dids, doffs = d["distill_ids"].astype(np.int64), d["distill_offsets"].astype(np.int64)
    dseqs = [dids[doffs[i] : doffs[i + 1]] for i in range(len(doffs) - 1)]
    labels = shape["labels"]
    tr = [i for i in range(len(seqs)) if folds[i] >= 2]
    va = [i for i in range(len(seqs)) if folds[i] == 1]
    te = [i for i in range(len(seqs)) if folds[i] == 0]
    log(f"sentences: train {len(tr)} validation {len(va)} test {len(te)}; distill {len(dseqs)}")

    base_rc = {"rank": 16, "alpha": 32.0, "dropout": 0.1, "lr": 1e-3, "head_lr": 2e-3, "batch": 32, "epochs": 12, "seed": 7}
    grid = [dict(base_rc)]
    if a.grid == "full":
        grid += [dict(base_rc, lr=5e-4), dict(base_rc, lr=2e-3), dict(base_rc, rank=8, alpha=16.0)]
    tried = []
    for rc in grid:
        if time.time() - T0 > a.budget and tried:
            log("budget spent; skipping", rc)
            continue

        def ev(model, ep, loss, rc=rc):
            p = predict(model, va, seqs, shape["pad"], dev)[va]
            th = tune(p, gold[va])
            s = scores(p, gold[va], th, labels)
            log(f"rc {rc} epoch {ep} loss {loss:.4f} val micro {s['micro_f1']:.4f} macro {s['macro_f1']:.4f}")
            return {"epoch": ep, "loss": loss, "thresholds": th, "validation": s}

        _, hist = train(base, shape, seqs, gold, tr, rc, dev, ev)
        tried.append({"recipe": rc, "history": hist})
    best_rc, best = None, None
    for t in tried:
        for h in t["history"]:
            if best is None or h["validation"]["micro_f1"] > best["validation"]["micro_f1"] + 1e-12:
                best_rc, best = t["recipe"], h
    log("chosen", best_rc, "epochs", best["epoch"], "val micro", round(best["validation"]["micro_f1"], 4))

    # Stage 2: folds 1-4, the chosen epochs, the fold-1 thresholds.
    model, _ = train(base, shape, seqs, gold, tr + va, best_rc, dev, epochs=best["epoch"])
    ad = model.adapter()
    model.load_adapter(ad)
    th = best["thresholds"]
    ptest = predict(model, te, seqs, shape["pad"], dev)
    test = scores(ptest[te], gold[te], th, labels)
    log(f"test micro {test['micro_f1']:.4f} macro {test['macro_f1']:.4f}")
    os.makedirs(a.out, exist_ok=True)
    save_file(ad, os.path.join(a.out, "adapter.safetensors"))
    rc = dict(best_rc, epochs=best["epoch"])
    cfg = {
        "name": "loan-elements-e5ft",
        "version": 1,
        "base_sha256_12": shape["base"].split("sha256:")[-1],
        "rank": rc["rank"],
        "alpha": rc["alpha"],
        "max_tokens": shape["max_tokens"],
        "labels": labels,
        "label_names": shape["label_names"],
        "thresholds": th,
        "recipe": rc,
    }
    json.dump(cfg, open(os.path.join(a.out, "config.json"), "w"), ensure_ascii=False, indent=1)
    met = {
        "validation": best["validation"],
        "test_by_script": test,
        "chosen": rc,
        "grid": [{"recipe": t["recipe"], "val_micro_by_epoch": [round(h["validation"]["micro_f1"], 4) for h in t["history"]]} for t in tried],
        "seconds": time.time() - T0,
        "device": torch.cuda.get_device_name(0) if dev == "cuda" else "cpu",
    }
    json.dump(met, open(os.path.join(a.out, "metrics.json"), "w"), ensure_ascii=False, indent=1)
    pall = predict(model, list(range(len(seqs))), seqs, shape["pad"], dev)
    pd = predict(model, list(range(len(dseqs))), dseqs, shape["pad"], dev) if dseqs else np.zeros((0, 20), np.float32)
    save_file({"labelled": torch.tensor(pall).half(), "distill": torch.tensor(pd).half(), "test_f32": torch.tensor(ptest[te])}, os.path.join(a.out, "teacher.safetensors"))
    log("done")
    open(os.path.join(a.out, "log.txt"), "w").write("\n".join(LOG) + "\n")


if __name__ == "__main__":
    main()
