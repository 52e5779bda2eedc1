"""Issue 5 fixtures: nn.GRUCell and nn.GRU (one direction, bidirectional, and bidirectional on a padded
batch via pack_padded_sequence)."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .common import Fixture, assert_close, leaf, randn, seed_for

INPUT, HIDDEN = 5, 7

GRU_FORMULA = ("r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr); z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz); "
               "n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)); h' = (1 - z) * n + z * h. "
               "weight_ih (3H, I) stacks rows [W_ir; W_iz; W_in] (reset, update, new), weight_hh (3H, H) and the "
               "biases likewise. Note r multiplies (h W_hn^T + b_hn), bias included.")


def ref_gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = x @ w_ih.T + b_ih
    gh = h @ w_hh.T + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=-1)
    h_r, h_z, h_n = gh.chunk(3, dim=-1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def ref_gru(gru, x, h0, lengths):
    """Batch-first GRU by hand; a sequence's steps at t >= length are skipped (output 0, state kept)."""
    bsz, t, _ = x.shape
    outs, finals = [], []
    for d, suffix in enumerate([""] + (["_reverse"] if gru.bidirectional else [])):
        p = lambda n: getattr(gru, f"{n}_l0{suffix}")
        h = h0[d]
        out = torch.zeros(bsz, t, HIDDEN)
        steps = range(t) if d == 0 else range(t - 1, -1, -1)
        for step in steps:
            live = (torch.tensor(lengths) > step).double().unsqueeze(1)
            h_new = ref_gru_cell(x[:, step], h, p("weight_ih"), p("weight_hh"), p("bias_ih"), p("bias_hh"))
            h = live * h_new + (1 - live) * h
            out[:, step] = live * h
        outs.append(out)
        finals.append(h)
    return torch.cat(outs, dim=-1), torch.stack(finals)


def gru_cell_fixtures():
    name = "gru_cell"
    seed_for(name)
    cell = nn.GRUCell(INPUT, HIDDEN)
    x, h = leaf(randn(2, INPUT)), leaf(randn(2, HIDDEN, scale=0.5))
    y = cell(x, h)
    assert_close(name + " by hand", ref_gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh), y)
    g = randn(*y.shape)
    (y * g).sum().backward()
    fx = Fixture(name, "nn.GRUCell(input_size=5, hidden_size=7), one step for a batch of 2",
                 {"module": "nn.GRUCell", "input_size": INPUT, "hidden_size": HIDDEN, "bias": True,
                  "formula": GRU_FORMULA, "loss": "sum(output.h * input.upstream)"})
    fx.add_params(cell)
    fx.add_io({"x": x, "h": h, "upstream": g}, {"h": y}, ["x", "h"], cell)
    return [fx]


def _gru(name, description, bidirectional, lengths):
    seed_for(name)
    gru = nn.GRU(INPUT, HIDDEN, batch_first=True, bidirectional=bidirectional)
    dirs, t = 2 if bidirectional else 1, 4
    x, h0 = leaf(randn(2, t, INPUT)), leaf(randn(dirs, 2, HIDDEN, scale=0.5))
    packed = lengths is not None
    if packed:
        out, h_n = gru(pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=True), h0)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=t)
    else:
        out, h_n = gru(x, h0)
    ref_out, ref_h = ref_gru(gru, x, h0, lengths or [t, t])
    assert_close(name + " output by hand", ref_out, out)
    assert_close(name + " h_n by hand", ref_h, h_n)
    g, gh = randn(*out.shape), randn(*h_n.shape)
    ((out * g).sum() + (h_n * gh).sum()).backward()
    cfg = {"module": "nn.GRU", "input_size": INPUT, "hidden_size": HIDDEN, "num_layers": 1, "bias": True,
           "batch_first": True, "bidirectional": bidirectional, "formula": GRU_FORMULA,
           "layout": ("output (B, T, D*H): forward states in columns 0..H-1, reverse in H..2H-1 (reverse run from t=T-1 "
                      "down to 0, output[:, t] is its state after reading x[:, t]); h_n (D, B, H): h_n[0] forward final "
                      "state (after the last step), h_n[1] reverse final state (after reading t = 0); h0 likewise"),
           "loss": "sum(output.output * input.upstream) + sum(output.h_n * input.upstream_h_n)"}
    if packed:
        cfg["lengths"] = ",".join(map(str, lengths))
        cfg["packing"] = ("pack_padded_sequence(x, lengths) then pad_packed_sequence: steps t >= length are not run; "
                          "output is 0 there; h_n[0] is the forward state at t = length-1; the reverse direction starts "
                          "at t = length-1 (from h0[1]) and ends at t = 0")
    fx = Fixture(name, description, cfg)
    fx.add_params(gru)
    inputs = {"x": x, "h0": h0}
    if packed:
        inputs["lengths"] = torch.tensor(lengths)
    inputs.update(upstream=g, upstream_h_n=gh)
    fx.add_io(inputs, {"output": out, "h_n": h_n}, ["x", "h0"], gru)
    return fx


def gru_fixtures():
    return [
        _gru("gru", "nn.GRU(5, 7, batch_first=True), one direction, batch 2 x time 4, non-zero h0", False, None),
        _gru("gru_bidirectional", "nn.GRU(5, 7, batch_first=True, bidirectional=True), batch 2 x time 4", True, None),
        _gru("gru_bidirectional_packed",
             "nn.GRU(5, 7, bidirectional=True) on a padded batch (lengths 4, 2) through pack_padded_sequence", True, [4, 2]),
    ]


MAKERS = [gru_cell_fixtures, gru_fixtures]
