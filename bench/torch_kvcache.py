"""PyTorch's side of the KV-cache benchmark: a small decoder-only Transformer with a hand-written KV cache.

The same model as notebook 15's DecoderOnlyLM (pre-LN, sinusoidal positions, ReLU feed-forward, final layer norm, output
head tied to the embedding with a bias), float64, random weights: speed does not depend on training. Greedy
generation runs one token per step: each layer projects only the new token's q, k, v, writes k and v into its cache
(preallocated B x h x T_max x d_k buffers, so a step copies nothing) and attends q over the t + 1 cached keys.

bench/torch_transformer.py serves it as a worker command (the harness's kvcache section sends
{"cmd": "kvcache", "vocab": 1000, "d_model": 64, "heads": 8, "d_ff": 256, "layers": 2, "max_len": 512, "tokens": T});
one "run" call then generates T tokens from the prompt [1]. By hand (threads as for the harness):

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_kvcache.py --tokens 256
"""
import argparse
import math
import time

import torch
from torch import nn


def sinusoidal_table(max_len, d_model):
    """PE[pos, 2i] = sin(pos w_i), PE[pos, 2i+1] = cos(pos w_i), w_i = 10000^(-2i/d), float64, max_len x d_model."""
    pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    omega = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float64) * -(math.log(10000.0) / d_model))
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * omega)
    pe[:, 1::2] = torch.cos(pos * omega)
    return pe


class CachedDecoder(nn.Module):
    """Decoder-only Transformer, pre-LN, with step(token) running one position against its KV cache."""

    def __init__(self, vocab, d_model, heads, d_ff, layers, max_len):
        super().__init__()
        self.d, self.h, self.dk, self.max_len = d_model, heads, d_model // heads, max_len
        self.embed = nn.Embedding(vocab, d_model)
        nn.init.normal_(self.embed.weight, 0.0, 1.0 / math.sqrt(d_model))
        self.register_buffer("pe", sinusoidal_table(max_len, d_model))
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            block = nn.ModuleDict({
                "norm1": nn.LayerNorm(d_model), "in_proj": nn.Linear(d_model, 3 * d_model),
                "out_proj": nn.Linear(d_model, d_model), "norm2": nn.LayerNorm(d_model),
                "linear1": nn.Linear(d_model, d_ff), "linear2": nn.Linear(d_ff, d_model),
            })
            self.blocks.append(block)
        self.norm = nn.LayerNorm(d_model)
        self.head_bias = nn.Parameter(torch.zeros(vocab))
        self.cache = []
        self.length = 0

    def reset(self, batch):
        """Empty caches: per layer, K and V buffers of B x h x T_max x d_k."""
        shape = (batch, self.h, self.max_len, self.dk)
        self.cache = [(torch.zeros(shape, dtype=torch.float64), torch.zeros(shape, dtype=torch.float64))
                      for _ in self.blocks]
        self.length = 0

    def attend(self, block, x, keys, values):
        """Cached self-attention of the new positions x (B x d): append k, v; attend q over all cached keys."""
        b, t = x.shape[0], self.length
        q, k, v = block["in_proj"](x).view(b, 3, self.h, self.dk).unbind(1)          # each B x h x d_k
        keys[:, :, t] = k
        values[:, :, t] = v
        scores = torch.einsum("bhd,bhtd->bht", q, keys[:, :, : t + 1]) / math.sqrt(self.dk)
        heads = torch.einsum("bht,bhtd->bhd", scores.softmax(-1), values[:, :, : t + 1])
        return block["out_proj"](heads.reshape(b, self.d))

    def step(self, tokens):
        """Logits of the next token for B new tokens (one per sequence), B x V; the caches grow by one position."""
        x = self.embed(tokens) * math.sqrt(self.d) + self.pe[self.length]
        for block, (keys, values) in zip(self.blocks, self.cache):
            x = x + self.attend(block, block["norm1"](x), keys, values)
            x = x + block["linear2"](torch.relu(block["linear1"](block["norm2"](x))))
        self.length += 1
        return self.norm(x) @ self.embed.weight.t() + self.head_bias

    @torch.inference_mode()
    def greedy(self, prompt, new_tokens):
        """Greedy continuation of one prompt: new_tokens steps, each feeding the last token."""
        self.reset(1)
        tokens = list(prompt)
        for token in prompt[:-1]:
            self.step(torch.tensor([token]))
        for _ in range(new_tokens):
            tokens.append(int(self.step(torch.tensor([tokens[-1]])).argmax(-1)))
        return tokens[len(prompt):]


def kvcache_workload(cmd):
    """One call = greedy generation of cmd["tokens"] tokens from the prompt [1]."""
    torch.manual_seed(0)
    model = CachedDecoder(cmd["vocab"], cmd["d_model"], cmd["heads"], cmd["d_ff"], cmd["layers"],
                          cmd["max_len"]).double().eval()
    tokens = cmd["tokens"]
    return lambda: model.greedy([1], tokens)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    run = kvcache_workload({"vocab": 1000, "d_model": 64, "heads": 8, "d_ff": 256, "layers": 2, "max_len": 512,
                            "tokens": args.tokens})
    run()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{args.tokens} tokens in {seconds * 1000:.1f} ms: {args.tokens / seconds:.0f} tokens/s")


if __name__ == "__main__":
    main()
