"""
Peer trainer: the TopK SAE training scheme of Gao et al. 2024 ("Scaling and evaluating sparse
autoencoders") with the defaults dictionary_learning's TopKTrainer documents, written here in plain
eager PyTorch (dictionary_learning itself is not installable on these machines). It exists to compare
held-out FVU at equal tokens with `sae train`, on the same activation file, evaluated by the same code
(`sae eval`), so it writes a SAELens folder like ours.

The scheme, as documented there:
  - decoder rows unit norm (default nn.Linear init, then normalised); encoder = decoderᵀ; b_enc = 0;
  - b_dec = geometric median of the first batch (Weiszfeld iterations);
  - z = TopK_k(ReLU(W_enc (x − b_dec) + b_enc)), x̂ = W_dec z + b_dec; loss = Σ_d (x − x̂)² mean over rows
    + auxk_alpha · AuxK (dead = not fired for 10M tokens, so inactive in short runs);
  - lr = 2e-4 / sqrt(d_sae / 2^14); Adam(0.9, 0.999); linear warm-up over 1000 steps, then constant;
  - per step: remove the decoder-parallel gradient component, clip the global grad norm at 1.0
    (--clip 0 turns it off: the ablation), Adam, renormalise decoder rows.
  - activations are used as they are (no input normalisation).

    ./sae nanochat activations --base-dir D --hook blocks.0.hook_resid_post --tokens 480000 --out train.st
    python3 deploy/peers/topk_gao.py --activations train.st --k 16 --d-sae 768 --batch 1024 --out peer-sae
    ./sae eval --activations held.st --tensor activations --sae peer-sae

Needs only torch.
"""

import argparse
import json
import math
import os
import struct
import time

import torch


def read_safetensors(path, name):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        meta = header[name]
        if meta["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {meta['dtype']}, expected F32")
        start, end = meta["data_offsets"]
        f.seek(8 + n + start)
        data = bytearray(f.read(end - start))
    return torch.frombuffer(data, dtype=torch.float32).reshape(meta["shape"]).reshape(-1, meta["shape"][-1])


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for k, v in tensors.items():
        b = v.detach().contiguous().float().numpy().tobytes() if hasattr(v, "numpy") else v
        header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def geometric_median(x, iters=100, tol=1e-5):
    guess = x.mean(0)
    for _ in range(iters):
        prev = guess
        w = 1 / torch.norm(x - guess, dim=1)
        w = w / w.sum()
        guess = (w[:, None] * x).sum(0)
        if torch.norm(guess - prev) < tol:
            break
    return guess


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--activations", required=True)
    ap.add_argument("--tensor", default="activations")
    ap.add_argument("--k", type=int, default=32)
    ap.add_argument("--d-sae", type=int, required=True)
    ap.add_argument("--batch", type=int, default=4096)
    ap.add_argument("--tokens", type=int, default=0, help="tokens to train on (0: one pass over the file)")
    ap.add_argument("--lr", type=float, default=0.0, help="0: 2e-4 / sqrt(d_sae / 2^14)")
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--clip", type=float, default=1.0, help="global grad-norm clip (0: none)")
    ap.add_argument("--auxk-alpha", type=float, default=1 / 32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-shuffle", action="store_true", help="rows in file order (default: one random permutation)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    x_all = read_safetensors(a.activations, a.tensor)
    n_rows, d = x_all.shape
    if not a.no_shuffle:  # dictionary_learning's activation buffer hands out shuffled rows
        x_all = x_all[torch.randperm(n_rows)]
    tokens = a.tokens or n_rows
    steps = tokens // a.batch
    lr = a.lr or 2e-4 / math.sqrt(a.d_sae / 2**14)
    k_aux, dead_tokens = d // 2, 10_000_000

    dec = torch.nn.Linear(a.d_sae, d, bias=False).weight.data  # [d, d_sae], default init
    dec /= dec.norm(dim=0, keepdim=True)
    W_dec = torch.nn.Parameter(dec.clone())  # columns are the latents' directions
    W_enc = torch.nn.Parameter(dec.T.clone())  # [d_sae, d]
    b_enc = torch.nn.Parameter(torch.zeros(a.d_sae))
    b_dec = torch.nn.Parameter(torch.zeros(d))
    params = [W_dec, W_enc, b_enc, b_dec]
    opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / a.warmup) if a.warmup > 0 else 1.0)
    since_fired = torch.zeros(a.d_sae, dtype=torch.long)

    t0 = time.perf_counter()
    for step in range(steps):
        lo = (step * a.batch) % n_rows
        x = x_all[lo : lo + a.batch]
        if step == 0:
            b_dec.data = geometric_median(x)
        pre = torch.relu((x - b_dec) @ W_enc.T + b_enc)
        vals, idx = pre.topk(a.k, dim=-1, sorted=False)
        z = torch.zeros_like(pre).scatter_(-1, idx, vals)
        x_hat = z @ W_dec.T + b_dec
        e = x - x_hat
        loss = e.pow(2).sum(-1).mean()
        fired = torch.zeros(a.d_sae, dtype=torch.bool)
        fired[idx.flatten()] = True
        since_fired += x.shape[0]
        since_fired[fired] = 0
        dead = since_fired >= dead_tokens
        if a.auxk_alpha > 0 and dead.any():
            aux_pre = torch.where(dead[None], pre, -torch.inf)
            av, ai = aux_pre.topk(min(k_aux, int(dead.sum())), sorted=False)
            e_hat = torch.zeros_like(pre).scatter_(-1, ai, av) @ W_dec.T
            r = e.detach()
            aux = (r - e_hat).pow(2).sum(-1).mean() / (r - r.mean(0)).pow(2).sum(-1).mean()
            loss = loss + a.auxk_alpha * aux.nan_to_num(0.0)
        opt.zero_grad()
        loss.backward()
        with torch.no_grad():
            g = W_dec.grad  # remove the component parallel to each (unit) decoder column
            g -= (g * W_dec).sum(0, keepdim=True) * W_dec
        if a.clip > 0:
            torch.nn.utils.clip_grad_norm_(params, a.clip)
        opt.step()
        sched.step()
        with torch.no_grad():
            W_dec /= W_dec.norm(dim=0, keepdim=True)
        if step % 100 == 0 or step == steps - 1:
            fvu = e.pow(2).sum() / (x - x.mean(0)).pow(2).sum()
            print(f"step {step}/{steps} loss {loss.item():.5f} batch FVU {fvu.item():.4f}", flush=True)
    secs = time.perf_counter() - t0
    print(f"trained {steps * a.batch} tokens in {secs:.1f} s: {steps * a.batch / secs:.0f} tokens/s")

    os.makedirs(a.out, exist_ok=True)
    write_safetensors(
        os.path.join(a.out, "sae_weights.safetensors"),
        {"W_enc": W_enc.T, "b_enc": b_enc, "W_dec": W_dec.T, "b_dec": b_dec},
    )
    cfg = {
        "architecture": "topk",
        "d_in": d,
        "d_sae": a.d_sae,
        "dtype": "float32",
        "device": "cpu",
        "apply_b_dec_to_input": True,
        "normalize_activations": "none",
        "activation_fn": "topk",
        "activation_fn_kwargs": {"k": a.k},
        "k": a.k,
        "metadata": {"sae_lens_version": "6.18.0", "model_name": "peer:topk_gao.py"},
    }
    with open(os.path.join(a.out, "cfg.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
