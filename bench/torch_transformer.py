"""PyTorch's side of the encoder-layer and training-step benchmarks, as a worker the C# harness drives.

The harness (bench/TransformerCourse.Bench, TorchWorker.cs) starts this script once per thread count, with
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS and OPENBLAS_CORETYPE set as for its own process, and
sends one JSON command per line on stdin; each answer is one JSON line on stdout. Its samples and ours are
taken in turn (ours, PyTorch, PyTorch, ours, ...), so that a busy patch of a shared machine falls on both.

    {"cmd": "hello", "threads": 1}             -> versions, BLAS library and its kernels
    {"cmd": "encoder", "batch": 32, ...}       -> builds nn.TransformerEncoderLayer (float64, dropout 0)
    {"cmd": "train", "batches": "file.json"}   -> builds the ko-en model of the course (nn.Transformer) and its batches
    {"cmd": "kvcache", "tokens": 256, ...}     -> builds bench/torch_kvcache.py's cached decoder; a call = greedy T tokens
    {"cmd": "run", "calls": n}                 -> runs the current workload n times: {"seconds": total}
    {"cmd": "quit"}

Run by hand: echo '{"cmd": "hello", "threads": 1}' | /usr/bin/python3 bench/torch_transformer.py
"""
import json
import math
import os
import sys
import time

import torch
from torch import nn

from torch_gemm import blas_in_use
from torch_kvcache import kvcache_workload, sinusoidal_table


def encoder_workload(cmd):
    """One nn.TransformerEncoderLayer, forward and backward of loss = sum(output * G) (backward seeded with G)."""
    torch.manual_seed(0)
    b, t, d = cmd["batch"], cmd["time"], cmd["d_model"]
    layer = nn.TransformerEncoderLayer(d, cmd["heads"], cmd["d_ff"], dropout=0.0, batch_first=True,
                                       norm_first=cmd["norm_first"]).double()
    layer.train()
    x = torch.randn(b, t, d, dtype=torch.float64, requires_grad=True)
    g = torch.randn(b, t, d, dtype=torch.float64)

    def step():
        layer.zero_grad()
        x.grad = None
        y = layer(x)
        y.backward(g)

    return step


class Seq2SeqTransformer(nn.Module):
    """The course's Seq2SeqTransformer in PyTorch: embeddings x sqrt(d_model) + sinusoidal positions, nn.Transformer, generator."""

    def __init__(self, src_vocab, tgt_vocab, d_model, heads, d_ff, layers, norm_first, max_len=64):
        super().__init__()
        self.d_model = d_model
        self.src_embed = nn.Embedding(src_vocab, d_model)
        self.tgt_embed = nn.Embedding(tgt_vocab, d_model)
        self.register_buffer("pe", sinusoidal_table(max_len, d_model))
        self.transformer = nn.Transformer(d_model, heads, layers, layers, d_ff, dropout=0.0, batch_first=True,
                                          norm_first=norm_first)
        self.generator = nn.Linear(d_model, tgt_vocab)

    def embed(self, table, ids):
        return table(ids) * math.sqrt(self.d_model) + self.pe[: ids.shape[1]]

    def forward(self, src, src_pad, tgt, tgt_pad, causal):
        y = self.transformer(self.embed(self.src_embed, src), self.embed(self.tgt_embed, tgt), tgt_mask=causal,
                             src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=src_pad)
        return self.generator(y)


def train_workload(cmd):
    """One call = one training step (forward, backward, clip to norm 1, Adam) on each of the exported batches in turn."""
    with open(cmd["batches"], encoding="utf-8") as f:
        data = json.load(f)
    torch.manual_seed(0)
    model = Seq2SeqTransformer(data["source_vocab"], data["target_vocab"], data["d_model"], data["heads"], data["d_ff"],
                               data["layers"], data["norm_first"]).double()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-9)
    loss_fn = nn.CrossEntropyLoss(ignore_index=data["pad"], label_smoothing=data["label_smoothing"])

    def tensors(side, b):
        ids = torch.tensor(side["ids"], dtype=torch.long).view(b, side["time"])
        lengths = torch.tensor(side["lengths"])
        pad = torch.arange(side["time"]).unsqueeze(0) >= lengths.unsqueeze(1)  # True = padding, hidden
        return ids, pad

    batches = []
    for batch in data["batches"]:
        b = len(batch["source"]["lengths"])
        src, src_pad = tensors(batch["source"], b)
        tgt_in, tgt_pad = tensors(batch["decoder_input"], b)
        tgt_out, _ = tensors(batch["decoder_target"], b)
        causal = nn.Transformer.generate_square_subsequent_mask(tgt_in.shape[1]).double()
        batches.append((src, src_pad, tgt_in, tgt_pad, causal, tgt_out.reshape(-1)))

    def step():
        for src, src_pad, tgt_in, tgt_pad, causal, target in batches:
            opt.zero_grad()
            logits = model(src, src_pad, tgt_in, tgt_pad, causal)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), target)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

    return step


def main():
    workload = None
    for line in sys.stdin:
        cmd = json.loads(line)
        name = cmd["cmd"]
        if name == "quit":
            break
        try:
            if name == "hello":
                torch.set_num_threads(cmd["threads"])
                answer = {"torch_version": torch.__version__, "blas": blas_in_use(), "threads": torch.get_num_threads(),
                          "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(default)")}
            elif name == "encoder":
                workload = encoder_workload(cmd)
                answer = {"ok": True}
            elif name == "train":
                workload = train_workload(cmd)
                answer = {"ok": True}
            elif name == "kvcache":
                workload = kvcache_workload(cmd)
                answer = {"ok": True}
            elif name == "run":
                start = time.perf_counter()
                for _ in range(cmd["calls"]):
                    workload()
                answer = {"seconds": time.perf_counter() - start}
            else:
                answer = {"error": f"unknown command {name}"}
        except Exception as e:  # the harness shows the message and leaves PyTorch's column empty
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
