"""
Peer benchmark: nanochat's GPT forward and KV-cache decode loop in eager PyTorch, fp32 on CPU, on a
checkpoint in nanochat's layout (base_checkpoints/<tag>/model_<step>.pt + meta_<step>.json). It is the
arithmetic of nanochat's gpt.py (F.rms_norm without weight, rotary on the half-split, QK-norm,
F.scaled_dot_product_attention, relu^2 MLP, untied lm_head, 15*tanh(logits/15)) and the loop of its
engine.py (prefill, then one token per pass through a preallocated KV cache, logits of the last
position, greedy). It prints the same figures as `sae bench nanochat` so the two can be run back to
back on one machine:

    ./sae nanochat random-model --out /tmp/d12 --depth 12 --width 768 --heads 6 --seq-len 512
    python3 deploy/peers/nanochat_eager.py --base-dir /tmp/d12 --batch 8 --seq 512 --generate 64
    ./sae bench nanochat --base-dir /tmp/d12 --batch 8 --seq 512 --generate 64 --no-tokenizer

Needs only torch (any recent CPU build). Threads: torch's default (all cores), like our engine.
"""

import argparse
import glob
import json
import math
import os
import time

import torch
import torch.nn.functional as F


def norm(x):
    return F.rms_norm(x, (x.size(-1),))


def rotary(x, cos, sin):
    d = x.shape[3] // 2
    x1, x2 = x[..., :d], x[..., d:]
    return torch.cat([x1 * cos + x2 * sin, x1 * (-sin) + x2 * cos], 3)


class Model:
    def __init__(self, sd, cfg):
        self.sd = {k.removeprefix("_orig_mod."): v.float() for k, v in sd.items()}
        self.cfg = cfg
        self.hd = cfg["n_embd"] // cfg["n_head"]
        inv = 1.0 / (10000 ** (torch.arange(0, self.hd, 2, dtype=torch.float32) / self.hd))
        freqs = torch.outer(torch.arange(cfg["sequence_len"] * 10, dtype=torch.float32), inv)
        self.cos, self.sin = freqs.cos()[None, :, None, :], freqs.sin()[None, :, None, :]

    def w(self, name):
        return self.sd[name]

    def forward(self, ids, cache=None, last_only=False):
        c = self.cfg
        b, t = ids.shape
        h, hkv, hd = c["n_head"], c["n_kv_head"], self.hd
        pos = 0 if cache is None else cache.pos
        cos, sin = self.cos[:, pos : pos + t], self.sin[:, pos : pos + t]
        x = norm(F.embedding(ids, self.w("transformer.wte.weight")))
        for i in range(c["n_layer"]):
            p = f"transformer.h.{i}."
            y = norm(x)
            q = F.linear(y, self.w(p + "attn.c_q.weight")).view(b, t, h, hd)
            k = F.linear(y, self.w(p + "attn.c_k.weight")).view(b, t, hkv, hd)
            v = F.linear(y, self.w(p + "attn.c_v.weight")).view(b, t, hkv, hd)
            q, k = norm(rotary(q, cos, sin)), norm(rotary(k, cos, sin))
            q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
            if cache is not None:
                k, v = cache.insert(i, k, v)
            if h != hkv:
                k = k.repeat_interleave(h // hkv, dim=1)
                v = v.repeat_interleave(h // hkv, dim=1)
            tq, tk = q.size(2), k.size(2)
            if tq == tk:
                a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            elif tq == 1:
                a = F.scaled_dot_product_attention(q, k, v, is_causal=False)
            else:
                mask = torch.ones(tq, tk, dtype=torch.bool).tril(diagonal=tk - tq)
                a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = x + F.linear(a.transpose(1, 2).contiguous().view(b, t, -1), self.w(p + "attn.c_proj.weight"))
            m = F.relu(F.linear(norm(x), self.w(p + "mlp.c_fc.weight"))).square()
            x = x + F.linear(m, self.w(p + "mlp.c_proj.weight"))
        if cache is not None:
            cache.pos += t
        if last_only:
            x = x[:, -1:, :]
        logits = F.linear(norm(x), self.w("lm_head.weight"))
        return 15 * torch.tanh(logits / 15)


class KvCache:
    """Preallocated [L, 2, B, Hkv, T, D], as nanochat's engine keeps it."""

    def __init__(self, cfg, b, capacity, hd):
        self.kv = torch.empty(cfg["n_layer"], 2, b, cfg["n_kv_head"], capacity, hd)
        self.pos = 0

    def insert(self, layer, k, v):
        t0, t1 = self.pos, self.pos + k.size(2)
        self.kv[layer, 0, :, :, t0:t1] = k
        self.kv[layer, 1, :, :, t0:t1] = v
        return self.kv[layer, 0, :, :, :t1], self.kv[layer, 1, :, :, :t1]


def matmul_flops_per_token(c, t):
    d, v, L = c["n_embd"], c["vocab_size"], c["n_layer"]
    kvd = c["n_kv_head"] * d // c["n_head"]
    per_layer = 2 * d * (d + 2 * kvd + d + 8 * d) + 2 * 2 * d * (t + 1) / 2  # linears + causal q.k and p.v
    return L * per_layer + 2 * d * v


def load(base_dir, tag):
    ckdir = os.path.join(base_dir, "base_checkpoints")
    tag = tag or max(os.listdir(ckdir), key=lambda s: int(s[1:]) if s[1:].isdigit() else -1)
    model = sorted(glob.glob(os.path.join(ckdir, tag, "model_*.pt")))[-1]
    meta = model.replace("model_", "meta_").replace(".pt", ".json")
    cfg = json.load(open(meta))["model_config"]
    return Model(torch.load(model, map_location="cpu"), cfg), tag


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-dir", required=True)
    ap.add_argument("--tag")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--generate", type=int, default=0)
    ap.add_argument("--gen-reps", type=int, default=5, help="timed generations per batch size (median printed)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    m, tag = load(a.base_dir, a.tag)
    c = m.cfg
    torch.manual_seed(0)
    with torch.inference_mode():
        ids = torch.randint(256, c["vocab_size"], (a.batch, a.seq))
        m.forward(ids)  # warm-up
        times = []
        for _ in range(a.reps):
            t0 = time.perf_counter()
            m.forward(ids)
            times.append(time.perf_counter() - t0)
        s = sorted(times)[len(times) // 2]
        tps = a.batch * a.seq / s
        fl = matmul_flops_per_token(c, a.seq)
        print(f"nanochat-eager forward {tag} batch={a.batch} seq={a.seq}: {tps:.0f} tokens/s, "
              f"{tps * fl / 1e9:.1f} GFLOP/s (median of {a.reps}; torch {torch.__version__}, {torch.get_num_threads()} threads)")
        for b in (1, 8) if a.generate else ():
            prompt = torch.randint(256, c["vocab_size"], (b, 16))
            runs = []
            for r in range(3 + max(1, a.gen_reps)):  # 3 warm-ups, as `sae bench nanochat`
                n = a.generate
                cache = KvCache(c, b, 16 + n, m.hd)
                t0 = time.perf_counter()
                nxt = prompt
                for _ in range(n):
                    logits = m.forward(nxt, cache, last_only=True)[:, -1, :]
                    nxt = logits.argmax(-1, keepdim=True)
                    nxt.tolist()  # the engine hands tokens to Python each step
                if r >= 3:
                    runs.append(b * n / (time.perf_counter() - t0))
            tps = sorted(runs)[len(runs) // 2]
            print(f"nanochat-eager generation batch={b} (16-token prompt, {n} new tokens, KV cache): "
                  f"{tps:.1f} tokens/s ({1000 * b / tps:.1f} ms/step; median of {len(runs)}: "
                  f"{' '.join(f'{x:.0f}' for x in runs)})")

if __name__ == "__main__":
    main()
