"""Issue 3 fixtures: scaled dot-product attention, nn.MultiheadAttention, encoder/decoder layers,
nn.Transformer, the sinusoidal positional encoding, a full seq2seq model, and safetensors exports.

Every module is also recomputed here from its parameters with plain tensor ops (the ref_* functions)
and the generator refuses to write a fixture when they disagree: that pins down the semantics the C#
side must reproduce (see tests/fixtures/torch/README.md).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import (Fixture, assert_close, causal_mask, leaf, padding_mask, perturb_params, randn, seed_for,
                     TORCH_VERSION)
from .safetensors_io import BinaryFile, read_safetensors, self_test, write_safetensors

D_MODEL, NHEAD, D_FF = 8, 2, 16
NEG_INF = float("-inf")


# ---------------------------------------------------------------- reference implementations (self-checks)

def ref_mha(m, query, key, value, key_padding_mask=None, attn_mask=None):
    """nn.MultiheadAttention by hand. Returns (output (B,T,E), per-head weights (B,h,T,S))."""
    e, h = m.embed_dim, m.num_heads
    dk = e // h
    w, b = m.in_proj_weight, m.in_proj_bias
    q = query @ w[:e].T + b[:e]            # rows 0..E-1 of in_proj_weight are W_q
    k = key @ w[e:2 * e].T + b[e:2 * e]    # rows E..2E-1 are W_k
    v = value @ w[2 * e:].T + b[2 * e:]    # rows 2E..3E-1 are W_v
    bsz, t, s = q.shape[0], q.shape[1], k.shape[1]
    split = lambda z, n: z.reshape(bsz, n, h, dk).transpose(1, 2)  # head i = feature columns i*dk..(i+1)*dk-1
    q, k, v = split(q, t), split(k, s), split(v, s)
    scores = (q / math.sqrt(dk)) @ k.transpose(-2, -1)             # (B, h, T, S)
    masked = torch.zeros(bsz, 1, t, s, dtype=torch.bool)
    if attn_mask is not None:
        masked = masked | attn_mask.view(1, 1, t, s)
    if key_padding_mask is not None:
        masked = masked | key_padding_mask.view(bsz, 1, 1, s)
    weights = torch.softmax(scores.masked_fill(masked, NEG_INF), dim=-1)
    ctx = (weights @ v).transpose(1, 2).reshape(bsz, t, e)         # concatenate heads
    return ctx @ m.out_proj.weight.T + m.out_proj.bias, weights


def _act(name):
    return {"relu": F.relu, "gelu": F.gelu}[name]


def _ff(layer, x, activation):
    return layer.linear2(_act(activation)(layer.linear1(x)))


def ref_encoder_layer(layer, x, activation, src_mask=None, kpm=None):
    sa = lambda z: ref_mha(layer.self_attn, z, z, z, kpm, src_mask)[0]
    if layer.norm_first:
        x = x + sa(layer.norm1(x))
        return x + _ff(layer, layer.norm2(x), activation)
    x = layer.norm1(x + sa(x))
    return layer.norm2(x + _ff(layer, x, activation))


def ref_decoder_layer(layer, x, mem, activation, tgt_mask=None, tgt_kpm=None, mem_kpm=None):
    sa = lambda z: ref_mha(layer.self_attn, z, z, z, tgt_kpm, tgt_mask)[0]
    ca = lambda z: ref_mha(layer.multihead_attn, z, mem, mem, mem_kpm, None)[0]
    if layer.norm_first:
        x = x + sa(layer.norm1(x))
        x = x + ca(layer.norm2(x))
        return x + _ff(layer, layer.norm3(x), activation)
    x = layer.norm1(x + sa(x))
    x = layer.norm2(x + ca(x))
    return layer.norm3(x + _ff(layer, x, activation))


def ref_transformer(model, src, tgt, src_kpm, tgt_mask, tgt_kpm, mem_kpm):
    mem = src
    for layer in model.encoder.layers:
        mem = ref_encoder_layer(layer, mem, "relu", None, src_kpm)
    mem = model.encoder.norm(mem)                    # final encoder LayerNorm, also for post-LN
    y = tgt
    for layer in model.decoder.layers:
        y = ref_decoder_layer(layer, y, mem, "relu", tgt_mask, tgt_kpm, mem_kpm)
    return model.decoder.norm(y), mem                # final decoder LayerNorm


def sinusoidal_pe(max_len, d_model):
    """The Annotated Transformer's table: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(...)."""
    pe = torch.zeros(max_len, d_model)
    position = torch.arange(0, max_len).unsqueeze(1).double()
    div_term = torch.exp(torch.arange(0, d_model, 2).double() * -(math.log(10000.0) / d_model))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe


# ---------------------------------------------------------------- fixtures

def _mask_note():
    return ("masks are 0/1 with 1 = masked: input.key_padding_mask[b, s] == 1 means key s of batch b is padding; "
            "input.attn_mask[t, s] == 1 means query t may not attend to key s; PyTorch adds -inf there "
            "before the softmax (both masks combined with OR)")


def sdpa_fixtures():
    name = "scaled_dot_product_attention"
    seed_for(name)
    q, k, v = randn(2, 4, 6), randn(2, 5, 6), randn(2, 5, 3)
    mask = torch.zeros(2, 4, 5, dtype=torch.bool)
    mask[0, :, 4] = True                     # batch 0: key 4 is padding
    mask[1] = causal_mask(5)[:4]             # batch 1: query t sees keys 0..t
    ql, kl, vl = leaf(q), leaf(k), leaf(v)
    w = torch.softmax((ql @ kl.transpose(-2, -1) / math.sqrt(6)).masked_fill(mask, NEG_INF), dim=-1)
    y = w @ vl
    g = randn(*y.shape)
    (y * g).sum().backward()
    fx = Fixture(name, "softmax(Q K^T / sqrt(d_k) + mask) V written out in torch ops (one head, batch 2)",
                 {"d_k": 6, "d_v": 3, "formula": "weights = softmax(Q K^T / sqrt(d_k) + M), M = -inf where input.mask == 1; y = weights V",
                  "loss": "sum(output.y * input.upstream); output.weights is not part of the loss"})
    fx.add_io({"q": ql, "k": kl, "v": vl, "mask": mask, "upstream": g}, {"y": y, "weights": w}, ["q", "k", "v"])
    return [fx]


def _mha(name, description, t, s, kind, key_lengths, causal):
    seed_for(name)
    m = nn.MultiheadAttention(D_MODEL, NHEAD, dropout=0.0, batch_first=True)
    perturb_params(m)
    m.train()
    kpm = padding_mask(key_lengths, s)
    attn_mask = causal_mask(t) if causal else None
    fx = Fixture(name, description, {
        "module": "nn.MultiheadAttention", "embed_dim": D_MODEL, "num_heads": NHEAD, "dropout": 0.0,
        "batch_first": True, "bias": True, "kind": kind, "average_attn_weights": False,
        "key_lengths": ",".join(map(str, key_lengths)), "causal": causal, "masks": _mask_note(),
        "loss": "sum(output.y * input.upstream); output.weights (B, heads, T, S) is returned, not backpropagated"})
    fx.add_params(m)
    if kind == "self":
        x = leaf(randn(2, t, D_MODEL))
        query = key = value = x
        inputs = {"x": x}
    elif kind == "cross":
        query, mem = leaf(randn(2, t, D_MODEL)), leaf(randn(2, s, D_MODEL))
        key = value = mem
        inputs = {"query": query, "memory": mem}
    else:
        query, key, value = leaf(randn(2, t, D_MODEL)), leaf(randn(2, s, D_MODEL)), leaf(randn(2, s, D_MODEL))
        inputs = {"query": query, "key": key, "value": value}
    y, w = m(query, key, value, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=True,
             average_attn_weights=False)
    ry, rw = ref_mha(m, query, key, value, kpm, attn_mask)
    assert_close(name + " output by hand", ry, y)
    assert_close(name + " weights by hand", rw, w)
    g = randn(*y.shape)
    (y * g).sum().backward()
    leaves = list(inputs)
    inputs["key_padding_mask"] = kpm
    if attn_mask is not None:
        inputs["attn_mask"] = attn_mask
    inputs["upstream"] = g
    fx.add_io(inputs, {"y": y, "weights": w}, leaves, m)
    return fx


def mha_fixtures():
    return [
        _mha("mha_self", "nn.MultiheadAttention(8, 2) self-attention (query = key = value = x), key padding + causal mask",
             5, 5, "self", [5, 3], True),
        _mha("mha_qkv", "nn.MultiheadAttention(8, 2) with three different inputs query, key, value; key padding",
             4, 4, "qkv", [4, 2], False),
        _mha("mha_cross", "nn.MultiheadAttention(8, 2) cross-attention: query length 3, key = value = memory length 5, key padding",
             3, 5, "cross", [5, 3], False),
    ]


def _encoder_layer(name, norm_first, activation, causal):
    seed_for(name)
    layer = nn.TransformerEncoderLayer(D_MODEL, NHEAD, dim_feedforward=D_FF, dropout=0.0, activation=activation,
                                       batch_first=True, norm_first=norm_first)
    perturb_params(layer)
    layer.train()
    t, lengths = 5, [5, 3]
    kpm = padding_mask(lengths, t)
    src_mask = causal_mask(t) if causal else None
    x = leaf(randn(2, t, D_MODEL))
    y = layer(x, src_mask=src_mask, src_key_padding_mask=kpm)
    assert_close(name + " by hand", ref_encoder_layer(layer, x, activation, src_mask, kpm), y)
    g = randn(*y.shape)
    (y * g).sum().backward()
    place = "pre-LN: x + SA(norm1(x)), then + FF(norm2(.))" if norm_first else "post-LN: norm1(x + SA(x)), then norm2(. + FF(.))"
    fx = Fixture(name, f"nn.TransformerEncoderLayer(8, 2, 16, dropout=0, {activation}, norm_first={norm_first})"
                       + (" with a causal src_mask" if causal else "") + ", src_key_padding_mask",
                 {"module": "nn.TransformerEncoderLayer", "d_model": D_MODEL, "nhead": NHEAD, "dim_feedforward": D_FF,
                  "dropout": 0.0, "activation": activation, "norm_first": norm_first, "batch_first": True,
                  "layer_norm_eps": 1e-5, "lengths": "5,3", "causal": causal, "placement": place,
                  "feed_forward": f"FF(x) = linear2({activation}(linear1(x)))", "masks": _mask_note(),
                  "note": "padded query rows are computed like any other row (train-mode PyTorch does not zero them)",
                  "loss": "sum(output.y * input.upstream)"})
    fx.add_params(layer)
    inputs = {"src": x, "src_key_padding_mask": kpm}
    if causal:
        inputs["src_mask"] = src_mask
    inputs["upstream"] = g
    fx.add_io(inputs, {"y": y}, ["src"], layer)
    return fx


def encoder_layer_fixtures():
    out = []
    for norm_first in (False, True):
        for act in ("relu", "gelu"):
            out.append(_encoder_layer(f"encoder_layer_{'pre' if norm_first else 'post'}_{act}", norm_first, act, False))
    out.append(_encoder_layer("encoder_layer_pre_gelu_causal", True, "gelu", True))
    return out


def _decoder_layer(name, norm_first, activation):
    seed_for(name)
    layer = nn.TransformerDecoderLayer(D_MODEL, NHEAD, dim_feedforward=D_FF, dropout=0.0, activation=activation,
                                       batch_first=True, norm_first=norm_first)
    perturb_params(layer)
    layer.train()
    t, s = 4, 5
    tgt_mask, tgt_kpm, mem_kpm = causal_mask(t), padding_mask([4, 3], t), padding_mask([5, 3], s)
    x, mem = leaf(randn(2, t, D_MODEL)), leaf(randn(2, s, D_MODEL))
    y = layer(x, mem, tgt_mask=tgt_mask, tgt_key_padding_mask=tgt_kpm, memory_key_padding_mask=mem_kpm)
    assert_close(name + " by hand", ref_decoder_layer(layer, x, mem, activation, tgt_mask, tgt_kpm, mem_kpm), y)
    g = randn(*y.shape)
    (y * g).sum().backward()
    place = ("pre-LN: x += SA(norm1(x)); x += CA(norm2(x), memory); x += FF(norm3(x))" if norm_first else
             "post-LN: x = norm1(x + SA(x)); x = norm2(x + CA(x, memory)); x = norm3(x + FF(x))")
    fx = Fixture(name, f"nn.TransformerDecoderLayer(8, 2, 16, dropout=0, {activation}, norm_first={norm_first}) "
                       "with causal tgt_mask, tgt and memory key padding",
                 {"module": "nn.TransformerDecoderLayer", "d_model": D_MODEL, "nhead": NHEAD, "dim_feedforward": D_FF,
                  "dropout": 0.0, "activation": activation, "norm_first": norm_first, "batch_first": True,
                  "layer_norm_eps": 1e-5, "tgt_lengths": "4,3", "memory_lengths": "5,3", "placement": place,
                  "attention": "self_attn = masked self-attention (tgt_mask, tgt_key_padding_mask); multihead_attn = "
                               "cross-attention, query from the decoder, key = value = memory (memory_key_padding_mask)",
                  "masks": _mask_note(), "loss": "sum(output.y * input.upstream)"})
    fx.add_params(layer)
    fx.add_io({"tgt": x, "memory": mem, "tgt_mask": tgt_mask, "tgt_key_padding_mask": tgt_kpm,
               "memory_key_padding_mask": mem_kpm, "upstream": g}, {"y": y}, ["tgt", "memory"], layer)
    return fx


def decoder_layer_fixtures():
    return [_decoder_layer(f"decoder_layer_{'pre' if nf else 'post'}_{act}", nf, act)
            for nf in (False, True) for act in ("relu", "gelu")]


def _transformer_model(name, norm_first):
    seed_for(name)
    model = nn.Transformer(d_model=D_MODEL, nhead=NHEAD, num_encoder_layers=2, num_decoder_layers=2,
                           dim_feedforward=D_FF, dropout=0.0, batch_first=True, norm_first=norm_first)
    perturb_params(model)
    model.train()
    s, t = 5, 4
    inputs = {"src": randn(2, s, D_MODEL), "tgt": randn(2, t, D_MODEL),
              "src_key_padding_mask": padding_mask([5, 3], s), "tgt_mask": causal_mask(t),
              "tgt_key_padding_mask": padding_mask([4, 3], t)}
    inputs["memory_key_padding_mask"] = inputs["src_key_padding_mask"].clone()
    return model, inputs


def _transformer_config(norm_first):
    return {"module": "nn.Transformer", "d_model": D_MODEL, "nhead": NHEAD, "num_encoder_layers": 2,
            "num_decoder_layers": 2, "dim_feedforward": D_FF, "dropout": 0.0, "activation": "relu",
            "batch_first": True, "norm_first": norm_first, "layer_norm_eps": 1e-5,
            "src_lengths": "5,3", "tgt_lengths": "4,3",
            "final_norms": ("nn.Transformer always adds a final LayerNorm after each stack (encoder.norm, decoder.norm), "
                            "for post-LN too: memory = encoder.norm(encoder layers(src)); y = decoder.norm(decoder layers(tgt, memory))"),
            "masks": _mask_note() + "; memory_key_padding_mask equals src_key_padding_mask; no src_mask / memory_mask",
            "loss": "sum(output.y * input.upstream)"}


def _run_transformer(model, inputs, src, tgt):
    kw = {k: inputs[k] for k in ("src_key_padding_mask", "tgt_mask", "tgt_key_padding_mask", "memory_key_padding_mask")}
    return model(src, tgt, **kw)


def _check_transformer(name, model, inputs, src, tgt, y):
    ry, mem = ref_transformer(model, src, tgt, inputs["src_key_padding_mask"], inputs["tgt_mask"],
                              inputs["tgt_key_padding_mask"], inputs["memory_key_padding_mask"])
    assert_close(name + " by hand", ry, y)
    assert_close(name + " memory by hand",
                 model.encoder(src, src_key_padding_mask=inputs["src_key_padding_mask"]), mem)
    return mem


def _transformer_fixture(name, description, norm_first):
    model, inputs = _transformer_model(name, norm_first)
    src, tgt = leaf(inputs["src"]), leaf(inputs["tgt"])
    y = _run_transformer(model, inputs, src, tgt)
    mem = _check_transformer(name, model, inputs, src, tgt, y)
    g = randn(*y.shape)
    (y * g).sum().backward()
    fx = Fixture(name, description, _transformer_config(norm_first))
    fx.add_params(model)
    fx.add_io(dict(inputs, src=src, tgt=tgt, upstream=g), {"y": y, "memory": mem}, ["src", "tgt"], model)
    return fx, model, inputs


def _safetensors_exports(model, inputs):
    """transformer_f64/f32.safetensors of the transformer_2x2 state_dict, plus the F32-weights outputs."""
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    meta = {"format": "pt", "source": "scripts/make_fixtures.py", "model": "transformer_2x2",
            "torch_version": TORCH_VERSION}
    files = []
    for dtype in ("F64", "F32"):
        blob = write_safetensors(sd, dtype, meta)
        back = read_safetensors(blob)
        self_test(blob)
        if list(back) != sorted(sd):
            raise AssertionError("safetensors round trip: names differ")
        for k, v in sd.items():
            want = v if dtype == "F64" else v.float()
            if back[k].dtype != want.dtype or not torch.equal(back[k], want):
                raise AssertionError(f"safetensors round trip: {k} differs ({dtype})")
        files.append(BinaryFile(f"transformer_{dtype.lower()}.safetensors",
                                f"safetensors ({dtype}) of the transformer_2x2.json state_dict "
                                f"(nn.Transformer 2+2, {len(sd)} tensors, names sorted; __metadata__ keys: "
                                f"{', '.join(meta)})", blob))
    # The same model with every weight rounded to float32 (what loading the F32 file gives), run in float64.
    name = "transformer_2x2_f32"
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.float().double())
    src, tgt = inputs["src"], inputs["tgt"]
    with torch.no_grad():
        y = _run_transformer(model, inputs, src, tgt)
        _check_transformer(name, model, inputs, src, tgt, y)
    cfg = _transformer_config(False)
    cfg["weights"] = ("transformer_f32.safetensors: the transformer_2x2 weights rounded to float32; param.* here are "
                      "those float32 values (exact in float64); outputs computed in float64 from them")
    cfg["loss"] = "none (outputs only)"
    fx = Fixture(name, "transformer_2x2 with float32-rounded weights (= transformer_f32.safetensors), outputs in float64",
                 cfg)
    fx.add_params(model)
    fx.add_io(inputs, {"y": y})
    return files + [fx]


def transformer_fixtures():
    post, model, inputs = _transformer_fixture(
        "transformer_2x2", "nn.Transformer(d_model=8, nhead=2, 2 encoder + 2 decoder layers, dim_ff=16, dropout=0), post-LN",
        False)
    pre, _, _ = _transformer_fixture(
        "transformer_2x2_pre", "nn.Transformer(..., norm_first=True): the same shape with pre-LN layers", True)
    return [post, pre] + _safetensors_exports(model, inputs)


def positional_encoding_fixtures():
    pe = sinusoidal_pe(10, D_MODEL)
    pos = torch.arange(10).double().unsqueeze(1)
    i = torch.arange(0, D_MODEL, 2).double()
    assert_close("PE pow form", torch.sin(pos / 10000 ** (i / D_MODEL)), pe[:, 0::2], 1e-15)
    fx = Fixture("positional_encoding", "Sinusoidal positional-encoding table, max_len=10, d_model=8 (Annotated Transformer code)",
                 {"max_len": 10, "d_model": D_MODEL,
                  "formula": "PE[pos, 2i] = sin(pos * exp(2i * -(ln 10000 / d_model))), PE[pos, 2i+1] = cos(same angle); "
                             "= sin/cos(pos / 10000^(2i/d_model))"})
    fx.add("output.pe", pe)
    return [fx]


class Seq2Seq(nn.Module):
    """Embedding * sqrt(d_model) + sinusoidal PE -> nn.Transformer -> Linear generator (the Annotated Transformer)."""

    def __init__(self, vocab, d_model, nhead, d_ff, layers, max_len=16):
        super().__init__()
        self.d_model = d_model
        self.src_embed = nn.Embedding(vocab, d_model)
        self.tgt_embed = nn.Embedding(vocab, d_model)
        self.transformer = nn.Transformer(d_model=d_model, nhead=nhead, num_encoder_layers=layers,
                                          num_decoder_layers=layers, dim_feedforward=d_ff, dropout=0.0,
                                          batch_first=True)
        self.generator = nn.Linear(d_model, vocab)
        self.register_buffer("pe", sinusoidal_pe(max_len, d_model), persistent=False)

    def embed(self, emb, tokens):
        return emb(tokens) * math.sqrt(self.d_model) + self.pe[:tokens.shape[1]]

    def forward(self, src, tgt_in, pad=0):
        src_kpm, tgt_kpm = src == pad, tgt_in == pad
        y = self.transformer(self.embed(self.src_embed, src), self.embed(self.tgt_embed, tgt_in),
                             tgt_mask=causal_mask(tgt_in.shape[1]), src_key_padding_mask=src_kpm,
                             tgt_key_padding_mask=tgt_kpm, memory_key_padding_mask=src_kpm)
        return self.generator(y)


def seq2seq_fixtures():
    name = "seq2seq_model"
    seed_for(name)
    vocab, pad, bos, eos = 11, 0, 1, 2
    model = Seq2Seq(vocab, D_MODEL, NHEAD, D_FF, 2)
    perturb_params(model)
    model.train()
    src = torch.tensor([[5, 7, 3, 9, 2], [8, 4, 2, 0, 0]])          # batch 1 has 2 pads
    tgt = torch.tensor([[1, 9, 3, 7, 5, 2], [1, 4, 8, 2, 0, 0]])    # <bos> ... <eos> <pad>
    tgt_in, tgt_out = tgt[:, :-1], tgt[:, 1:]
    logits = model(src, tgt_in)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=pad)
    loss = loss_fn(logits.reshape(-1, vocab), tgt_out.reshape(-1))
    src_x, tgt_x = model.embed(model.src_embed, src), model.embed(model.tgt_embed, tgt_in)
    ref_y, _ = ref_transformer(model.transformer, src_x, tgt_x, src == pad, causal_mask(tgt_in.shape[1]), tgt_in == pad,
                               src == pad)
    assert_close(name + " logits by hand", model.generator(ref_y), logits)
    loss.backward()
    fx = Fixture(name, "Full seq2seq Transformer: Embedding*sqrt(8) + sinusoidal PE -> nn.Transformer(2+2) -> Linear(8, 11); "
                       "CrossEntropyLoss(label_smoothing=0.1, ignore_index=0) and all parameter gradients",
                 {"vocab": vocab, "pad": pad, "bos": bos, "eos": eos, "d_model": D_MODEL, "nhead": NHEAD,
                  "dim_feedforward": D_FF, "layers": 2, "dropout": 0.0, "norm_first": False, "activation": "relu",
                  "embedding": "x = embed(tokens) * sqrt(d_model) + PE[:T] (src_embed and tgt_embed separate, no padding_idx, "
                               "not shared with the generator); PE as in positional_encoding.json",
                  "masks": "src_key_padding_mask = memory_key_padding_mask = (input.src == 0); tgt_key_padding_mask = "
                           "(input.tgt_in == 0); tgt_mask = causal (T x T)",
                  "teacher_forcing": "tgt_in = tgt[:, :-1], tgt_out = tgt[:, 1:]",
                  "loss": "CrossEntropyLoss(label_smoothing=0.1, ignore_index=0, mean) of output.logits reshaped "
                          "(B*T, 11) against tgt_out reshaped (B*T); grads are d loss / d param"})
    fx.add_params(model)
    fx.add_io({"src": src, "tgt_in": tgt_in, "tgt_out": tgt_out}, {"logits": logits, "loss": loss}, module=model)
    return [fx]


def _notebook_safetensors(name, module, io, meta, description):
    """One F64 safetensors file for a notebook: the module's state dict under param.* plus the io tensors, checked by a
    read-back (bit-exact round trip) and the reader's self-test."""
    tensors = {"param." + k: v.detach().clone() for k, v in module.state_dict().items()}
    tensors.update(io)
    blob = write_safetensors(tensors, "F64", meta)
    self_test(blob)
    back = read_safetensors(blob)
    for k, v in tensors.items():
        if not torch.equal(back[k], v):
            raise AssertionError(f"safetensors round trip: {k} differs")
    return [BinaryFile(name + ".safetensors", description, blob)]


def mha_notebook_fixtures():
    """mha_notebook.safetensors: the state dict of nn.MultiheadAttention(16, 4) with an input and its outputs,
    read by notebook 07 (one safetensors file: the state dict under param.*, input.x, output.y, output.weights)."""
    name = "mha_notebook"
    seed_for(name)
    m = nn.MultiheadAttention(16, 4, dropout=0.0, batch_first=True)
    perturb_params(m)
    m.train()
    x = randn(2, 5, 16)
    with torch.no_grad():
        y, w = m(x, x, x, need_weights=True, average_attn_weights=False)
        ry, rw = ref_mha(m, x, x, x)
    assert_close(name + " output by hand", ry, y)
    assert_close(name + " weights by hand", rw, w)
    meta = {"format": "pt", "source": "scripts/make_fixtures.py", "module": "nn.MultiheadAttention(16, 4, batch_first=True)",
            "torch_version": TORCH_VERSION}
    return _notebook_safetensors(name, m, {"input.x": x, "output.y": y, "output.weights": w}, meta,
                                 "safetensors (F64) for notebook 07: nn.MultiheadAttention(16, 4, batch_first=True) self-attention, "
                                 "no masks; param.* (its state_dict), input.x (2, 5, 16), output.y (2, 5, 16), "
                                 "output.weights (2, 4, 5, 5) per head")


def transformer_notebook_fixtures():
    """transformer_notebook.safetensors: the state dict of nn.Transformer(16, 4 heads, 2+2 layers, d_ff 32) with a
    source, a target and what PyTorch computed from them, read by notebook 10 (one safetensors file: the state dict
    under param.*, input.src, input.tgt, output.memory, output.y)."""
    name = "transformer_notebook"
    seed_for(name)
    model = nn.Transformer(d_model=16, nhead=4, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=32,
                           dropout=0.0, batch_first=True)
    perturb_params(model)
    model.train()
    src, tgt = randn(2, 6, 16), randn(2, 5, 16)
    mask = causal_mask(5)
    with torch.no_grad():
        y = model(src, tgt, tgt_mask=mask)
        memory = model.encoder(src)
        ry, rmem = ref_transformer(model, src, tgt, None, mask, None, None)
    assert_close(name + " output by hand", ry, y)
    assert_close(name + " memory by hand", rmem, memory)
    meta = {"format": "pt", "source": "scripts/make_fixtures.py",
            "module": "nn.Transformer(d_model=16, nhead=4, num_encoder_layers=2, num_decoder_layers=2, "
                      "dim_feedforward=32, dropout=0, batch_first=True)",
            "masks": "tgt_mask causal (target position t sees 0..t); no padding",
            "torch_version": TORCH_VERSION}
    return _notebook_safetensors(name, model, {"input.src": src, "input.tgt": tgt, "output.memory": memory, "output.y": y},
                                 meta, "safetensors (F64) for notebook 10: nn.Transformer(16, 4 heads, 2+2 layers, d_ff 32, "
                                 "batch_first=True), causal tgt_mask, no padding; param.* (its state_dict), input.src (2, 6, 16), "
                                 "input.tgt (2, 5, 16), output.memory (2, 6, 16) = encoder(src), output.y (2, 5, 16)")


MAKERS = [sdpa_fixtures, mha_fixtures, encoder_layer_fixtures, decoder_layer_fixtures, transformer_fixtures,
          positional_encoding_fixtures, seq2seq_fixtures, mha_notebook_fixtures,
          transformer_notebook_fixtures]
