"""Issue 2 fixtures: softmax family, layer norm, cross-entropy, GELU, Linear, Embedding,
optimisers, gradient clipping and the warm-up schedule."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import Fixture, assert_close, leaf, randn, seed_for

NEG_INF = float("-inf")


def _rowwise(name, description, fn, x, config, upstream=None, mask=None, hide_masked_output=False):
    """y = fn(x [, mask]); loss = sum(y * upstream); grads w.r.t. x."""
    seed_for(name)
    fx = Fixture(name, description, config)
    g = randn(*x.shape) if upstream is None else upstream
    xl = leaf(x)
    y = fn(xl) if mask is None else fn(xl, mask)
    if mask is not None and hide_masked_output:
        g = g.masked_fill(mask, 0.0)
    (y.masked_fill(mask, 0.0) if hide_masked_output else y).mul(g).sum().backward()
    inputs = {"x": xl} if mask is None else {"x": xl, "mask": mask}
    inputs["upstream"] = g
    fx.add_io(inputs, {"y": y.masked_fill(mask, 0.0) if hide_masked_output else y}, ["x"])
    fx.config.setdefault("loss", "sum(output.y * input.upstream), backpropagated to input.x")
    return fx


def _softmax_inputs():
    seed_for("softmax_inputs")
    x = randn(5, 6, scale=2.0)
    x[1] = torch.tensor([1e4, -1e4, 0.0, 1e4 - 3.0, 5.0, -1e4 + 1.0])
    x[2] = torch.tensor([-1e4, -1e4 + 1.0, -1e4 + 2.0, -1e4 - 0.5, -9999.5, -1e4 + 0.25])
    x[3] = torch.tensor([1e4, 1e4, 1e4, 1e4, 1e4, 1e4])
    # 1 = masked (gets -inf added). No row is fully masked: PyTorch returns NaN there.
    mask = torch.tensor([[0, 0, 1, 0, 1, 0],
                         [1, 0, 0, 0, 0, 1],
                         [0, 0, 0, 1, 1, 1],
                         [0, 1, 1, 1, 1, 1],
                         [0, 0, 0, 0, 0, 0]], dtype=torch.bool)
    return x, mask


def softmax_fixtures():
    x, mask = _softmax_inputs()
    rows = "5 rows of 6: row 0 and 4 N(0, 2^2), row 1 mixes +-1e4 with small values, row 2 all near -1e4, row 3 all exactly 1e4"
    additive = ("y = f(x + A, dim=-1) where A[i,j] = -inf if input.mask[i,j] == 1 else 0 "
                "(same as x.masked_fill(mask, -inf)); no row is fully masked (PyTorch gives NaN there)")
    out = [
        _rowwise("softmax", "torch.softmax(x, dim=-1) over rows, incl. logits of +-1e4",
                 lambda t: torch.softmax(t, dim=-1), x, {"op": "softmax", "dim": -1, "rows": rows}),
        _rowwise("log_softmax", "torch.log_softmax(x, dim=-1) over rows, incl. logits of +-1e4",
                 lambda t: torch.log_softmax(t, dim=-1), x, {"op": "log_softmax", "dim": -1, "rows": rows}),
        _rowwise("softmax_temperature", "torch.softmax(x / T, dim=-1) with temperature T = 0.5",
                 lambda t: torch.softmax(t / 0.5, dim=-1), x,
                 {"op": "softmax", "temperature": 0.5, "formula": "y = softmax(x / temperature)", "rows": rows}),
        _rowwise("softmax_masked", "softmax over rows with an additive -inf mask (mask given as 0/1)",
                 lambda t, m: torch.softmax(t.masked_fill(m, NEG_INF), dim=-1), x,
                 {"op": "softmax", "mask": additive,
                  "note": "masked entries of output.y are exactly 0 and their gradient is exactly 0"},
                 mask=mask),
        _rowwise("log_softmax_masked", "log_softmax over rows with an additive -inf mask (mask given as 0/1)",
                 lambda t, m: torch.log_softmax(t.masked_fill(m, NEG_INF), dim=-1), x,
                 {"op": "log_softmax", "mask": additive,
                  "note": ("PyTorch's output is -inf where mask == 1; those entries are written as 0 "
                           "(compare only where mask == 0). input.upstream is 0 where mask == 1, so the "
                           "loss is finite; grad_input.x is then exactly 0 at masked entries"),
                  "loss": "sum over mask == 0 of output.y * input.upstream"},
                 mask=mask, hide_masked_output=True),
    ]
    # Self-checks: stable softmax by hand.
    m = x.max(dim=-1, keepdim=True).values
    e = torch.exp(x - m)
    assert_close("softmax by hand", e / e.sum(-1, keepdim=True), torch.softmax(x, -1), 1e-15)
    return out


def layer_norm_fixtures():
    name = "layer_norm"
    seed_for(name)
    ln = nn.LayerNorm(8, eps=1e-5)
    with torch.no_grad():
        ln.weight.copy_(1.0 + 0.3 * torch.randn(8))
        ln.bias.copy_(0.3 * torch.randn(8))
    x = randn(2, 3, 8, scale=1.5) + 0.7
    x[1, 2] = torch.linspace(-1e3, 1e3, 8)  # a row with a large spread
    fx = Fixture(name, "nn.LayerNorm(8, eps=1e-5) with non-trivial weight and bias, on a (batch 2, time 3, 8) input",
                 {"module": "nn.LayerNorm", "normalized_shape": 8, "eps": 1e-5, "elementwise_affine": True,
                  "formula": "y = (x - mean) / sqrt(var + eps) * weight + bias; mean and biased var (divide by 8) over the last dim",
                  "loss": "sum(output.y * input.upstream)"})
    fx.add_params(ln)
    xl = leaf(x)
    y = ln(xl)
    g = randn(*y.shape)
    (y * g).sum().backward()
    mu, var = x.mean(-1, keepdim=True), x.var(-1, unbiased=False, keepdim=True)
    assert_close("layer norm by hand", (x - mu) / torch.sqrt(var + 1e-5) * ln.weight + ln.bias, y, 1e-12)
    fx.add_io({"x": xl, "upstream": g}, {"y": y}, ["x"], ln)
    return [fx]


def _ce_by_hand(logits, target, eps, ignore_index):
    logp = torch.log_softmax(logits, dim=-1)
    keep = target != ignore_index
    c = logits.shape[1]
    safe = target.clamp(min=0)
    nll = -logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    smooth = -logp.sum(dim=1) / c
    per_row = (1 - eps) * nll + eps * smooth
    return per_row[keep].sum() / keep.sum()


def _cross_entropy(name, description, label_smoothing, ignore_index, target):
    seed_for(name)
    n, c = target.shape[0], 11
    logits = randn(n, c, scale=2.0)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=label_smoothing, ignore_index=ignore_index, reduction="mean")
    xl = leaf(logits)
    loss = loss_fn(xl, target)
    loss.backward()
    assert_close(name + " by hand", _ce_by_hand(logits, target, label_smoothing, ignore_index), loss, 1e-14)
    fx = Fixture(name, description, {
        "module": "nn.CrossEntropyLoss", "label_smoothing": label_smoothing, "ignore_index": ignore_index,
        "reduction": "mean", "classes": c,
        "formula": ("per row i with target y_i != ignore_index: (1 - eps) * (-log p[i, y_i]) + eps * mean_c(-log p[i, c]) "
                    "with p = softmax(logits[i]) and the mean over ALL classes c (the ignore_index class included); "
                    "loss = sum over kept rows / number of kept rows"),
        "loss": "output.loss itself (grad_input.logits = d loss / d logits)"})
    fx.add_io({"logits": xl, "target": target}, {"loss": loss}, ["logits"])
    return fx


def cross_entropy_fixtures():
    t_ignore = torch.tensor([3, 0, 5, 10, 0, 1, 7])
    t_all = torch.tensor([3, 0, 5, 10, 2, 1, 7])
    return [
        _cross_entropy("cross_entropy_smoothing_ignore",
                       "nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=0), mean over 5 of 7 rows (2 ignored)",
                       0.1, 0, t_ignore),
        _cross_entropy("cross_entropy_smoothing",
                       "nn.CrossEntropyLoss(label_smoothing=0.1), no ignored row (target 0 is a real class here)",
                       0.1, -100, t_all),
        _cross_entropy("cross_entropy_plain",
                       "nn.CrossEntropyLoss() (no smoothing, default ignore_index=-100 never hit), mean over 7 rows",
                       0.0, -100, t_all),
    ]


def gelu_fixtures():
    seed_for("gelu_inputs")
    x = (torch.linspace(-6.0, 6.0, 32) + 0.05 * torch.randn(32)).reshape(4, 8)
    exact = lambda t: F.gelu(t)
    approx = lambda t: F.gelu(t, approximate="tanh")
    assert_close("gelu by hand", 0.5 * x * (1 + torch.erf(x / math.sqrt(2))), F.gelu(x), 1e-15)
    assert_close("gelu tanh by hand",
                 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))), approx(x), 1e-15)
    return [
        _rowwise("gelu", "F.gelu(x) exact: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))", exact, x,
                 {"op": "gelu", "approximate": "none"}),
        _rowwise("gelu_tanh", "F.gelu(x, approximate='tanh'): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))",
                 approx, x, {"op": "gelu", "approximate": "tanh"}),
    ]


def linear_fixtures():
    name = "linear"
    seed_for(name)
    lin = nn.Linear(5, 4)
    x = randn(2, 3, 5)
    fx = Fixture(name, "nn.Linear(5, 4) on a (batch 2, time 3, 5) input",
                 {"module": "nn.Linear", "in_features": 5, "out_features": 4, "bias": True,
                  "formula": "y = x W^T + b, W is (out, in) = (4, 5)", "loss": "sum(output.y * input.upstream)"})
    fx.add_params(lin)
    xl = leaf(x)
    y = lin(xl)
    g = randn(*y.shape)
    (y * g).sum().backward()
    fx.add_io({"x": xl, "upstream": g}, {"y": y}, ["x"], lin)
    return [fx]


def _embedding(name, description, padding_idx, idx):
    seed_for(name)
    emb = nn.Embedding(11, 8, padding_idx=padding_idx)
    y = emb(idx)
    g = randn(*y.shape)
    (y * g).sum().backward()
    fx = Fixture(name, description, {
        "module": "nn.Embedding", "num_embeddings": 11, "embedding_dim": 8,
        "padding_idx": -1 if padding_idx is None else padding_idx,
        "note": ("padding_idx -1 means none. With a padding_idx PyTorch initialises that row to zeros and its "
                 "gradient is always 0. A repeated index accumulates (sums) its rows' gradients."),
        "loss": "sum(output.y * input.upstream)"})
    fx.add_params(emb)
    fx.add_io({"indices": idx, "upstream": g}, {"y": y}, module=emb)
    return fx


def embedding_fixtures():
    return [
        _embedding("embedding", "nn.Embedding(11, 8) lookup of (2, 4) indices with repeats (3 twice, 7 three times)",
                   None, torch.tensor([[3, 7, 3, 10], [0, 5, 7, 7]])),
        _embedding("embedding_padding", "nn.Embedding(11, 8, padding_idx=0): index 0 appears three times, grad row 0 stays 0",
                   0, torch.tensor([[4, 0, 4, 9], [2, 6, 0, 0]])),
    ]


# ---------------------------------------------------------------- optimisers

def _optimiser(name, description, make_opt, config, state_keys, by_hand):
    seed_for(name)
    lin = nn.Linear(4, 3)
    steps = 3
    grads = [{n: randn(*p.shape) for n, p in lin.named_parameters()} for _ in range(steps)]
    fx = Fixture(name, description, dict(config, steps=steps, parameters="nn.Linear(4, 3): weight (3, 4), bias (3)"))
    fx.add_params(lin)
    start = {n: p.detach().clone() for n, p in lin.named_parameters()}
    opt = make_opt(lin.parameters())
    for k in range(1, steps + 1):
        for n, p in lin.named_parameters():
            p.grad = grads[k - 1][n].clone()
            fx.add(f"grad.{n}.step{k}", p.grad)
        opt.step()
        for n, p in lin.named_parameters():
            fx.add(f"param.{n}.after_step{k}", p)
            for s in state_keys:
                fx.add(f"state.{n}.{s}.after_step{k}", opt.state[p][s])
    # Self-check against the update rule written out by hand.
    for n, p in lin.named_parameters():
        assert_close(f"{name} {n} by hand", by_hand(start[n], [g[n] for g in grads]), p, 1e-14)
    return fx


def _adam_by_hand(lr, b1, b2, eps, wd, decoupled):
    def run(p, grads):
        p = p.clone()
        m = torch.zeros_like(p)
        v = torch.zeros_like(p)
        for t, g in enumerate(grads, start=1):
            if decoupled:
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
            p = p - (lr / bc1) * m / (torch.sqrt(v) / math.sqrt(bc2) + eps)
        return p
    return run


def _sgd_by_hand(lr, mom, wd, dampening=0.0):
    def run(p, grads):
        p = p.clone()
        buf = None
        for g in grads:
            g = g + wd * p
            if buf is None:
                buf = g.clone()
            else:
                buf = mom * buf + g if dampening == 0.0 else mom * buf + (1 - dampening) * g
            p = p - lr * buf
        return p
    return run


def _optimiser_late(name, description, make_opt, config, state_keys, by_hand, steps=5, b_from=3):
    """Two free parameters: a gets a gradient at every step, b only from step b_from on (its .grad is None before,
    so PyTorch skips it and creates its state, step count and buffers, at its first step with a gradient)."""
    seed_for(name)
    params = {"a": nn.Parameter(randn(3, 4)), "b": nn.Parameter(randn(3))}
    first = {"a": 1, "b": b_from}
    grads = {n: [randn(*p.shape) for _ in range(steps)] for n, p in params.items()}
    fx = Fixture(name, description, dict(
        config, steps=steps, b_first_grad_step=b_from,
        parameters=f"a (3, 4) with a gradient at steps 1..{steps}; b (3) with .grad None before step {b_from}, "
                   f"a gradient at steps {b_from}..{steps}",
        keys="param.<n> = before step 1; grad.<n>.stepK = gradient given at step K (absent: .grad is None); "
             "param.<n>.after_stepK and state.<n>.<s>.after_stepK after step K; state.<n>.* is absent while "
             "PyTorch has no state for the parameter (before its first gradient)"))
    for n, p in params.items():
        fx.add(f"param.{n}", p)
    start = {n: p.detach().clone() for n, p in params.items()}
    opt = make_opt(list(params.values()))
    for k in range(1, steps + 1):
        for n, p in params.items():
            if k >= first[n]:
                p.grad = grads[n][k - 1].clone()
                fx.add(f"grad.{n}.step{k}", p.grad)
            elif p.grad is not None:
                raise AssertionError(f"{name}: {n} has a gradient before step {first[n]}")
        opt.step()
        for n, p in params.items():
            fx.add(f"param.{n}.after_step{k}", p)
            if p in opt.state:
                st = opt.state[p]
                if "step" in st:
                    fx.add(f"state.{n}.step.after_step{k}", torch.tensor(int(st["step"])))
                for s in state_keys:
                    fx.add(f"state.{n}.{s}.after_step{k}", st[s])
            elif k >= first[n]:
                raise AssertionError(f"{name}: {n} has no state after step {k}")
        if k < first["b"] and (params["b"] in opt.state or not torch.equal(params["b"].detach(), start["b"])):
            raise AssertionError(f"{name}: b changed or got state at step {k} without a gradient")
    # Self-check: each parameter follows the update rule from ITS first gradient on, as if that were step 1.
    for n, p in params.items():
        assert_close(f"{name} {n} by hand", by_hand(start[n], grads[n][first[n] - 1:]), p, 1e-14)
    return fx


def optimiser_fixtures():
    lr, betas, eps = 1e-2, (0.9, 0.98), 1e-9
    adam_rule = ("t = step; g = grad (+ weight_decay * p for Adam's L2); m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; "
                 "p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)   [eps added AFTER the bias-corrected sqrt]")
    adamw_rule = "p *= (1 - lr * weight_decay) first (decoupled), then the Adam update with g = grad (no L2 term). " + adam_rule
    common = {"lr": lr, "beta1": betas[0], "beta2": betas[1], "eps": eps, "amsgrad": False,
              "keys": "param.<n> = before step 1; grad.<n>.stepK = gradient given at step K; "
                      "param.<n>.after_stepK and state.<n>.<s>.after_stepK after step K"}
    sgd = {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "nesterov": False, "weight_decay": 0.01,
           "rule": "g = grad + weight_decay * p; buf = g at step 1, else momentum * buf + g; p -= lr * buf",
           "keys": common["keys"]}
    return [
        _optimiser("adam", "torch.optim.Adam(lr=1e-2, betas=(0.9, 0.98), eps=1e-9), three steps",
                   lambda ps: torch.optim.Adam(ps, lr=lr, betas=betas, eps=eps, foreach=False),
                   dict(common, optimizer="Adam", weight_decay=0.0, rule=adam_rule), ["exp_avg", "exp_avg_sq"],
                   _adam_by_hand(lr, *betas, eps, 0.0, False)),
        _optimiser("adam_l2", "torch.optim.Adam(..., weight_decay=0.1) (L2 added to the gradient), three steps",
                   lambda ps: torch.optim.Adam(ps, lr=lr, betas=betas, eps=eps, weight_decay=0.1, foreach=False),
                   dict(common, optimizer="Adam", weight_decay=0.1, rule=adam_rule), ["exp_avg", "exp_avg_sq"],
                   _adam_by_hand(lr, *betas, eps, 0.1, False)),
        _optimiser("adamw", "torch.optim.AdamW(lr=1e-2, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.1), three steps",
                   lambda ps: torch.optim.AdamW(ps, lr=lr, betas=betas, eps=eps, weight_decay=0.1, foreach=False),
                   dict(common, optimizer="AdamW", weight_decay=0.1, rule=adamw_rule), ["exp_avg", "exp_avg_sq"],
                   _adam_by_hand(lr, *betas, eps, 0.1, True)),
        _optimiser("sgd_momentum", "torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.01), three steps",
                   lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01, foreach=False),
                   dict(sgd, optimizer="SGD"), ["momentum_buffer"], _sgd_by_hand(0.1, 0.9, 0.01)),
    ] + late_parameter_fixtures(lr, betas, eps, adam_rule, adamw_rule, common)


def late_parameter_fixtures(lr, betas, eps, adam_rule, adamw_rule, common):
    """Parameter b first gets a gradient at step 3: its step count (bias correction) and buffers start there."""
    late = ("per parameter: t and the buffers start at the parameter's first step with a gradient; "
            "a parameter whose .grad is None is skipped (not changed, its state does not advance)")
    sgd = {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": False, "weight_decay": 0.01,
           "rule": "g = grad + weight_decay * p; buf = g at the parameter's first step, else "
                   "momentum * buf + (1 - dampening) * g; p -= lr * buf; " + late}
    adam = {k: v for k, v in common.items() if k != "keys"}
    return [
        _optimiser_late("adam_late_param",
                        "torch.optim.Adam(lr=1e-2, betas=(0.9, 0.98), eps=1e-9), five steps; b's grad is None "
                        "before step 3", lambda ps: torch.optim.Adam(ps, lr=lr, betas=betas, eps=eps, foreach=False),
                        dict(adam, optimizer="Adam", weight_decay=0.0, rule=adam_rule + "; " + late),
                        ["exp_avg", "exp_avg_sq"], _adam_by_hand(lr, *betas, eps, 0.0, False)),
        _optimiser_late("adamw_late_param",
                        "torch.optim.AdamW(lr=1e-2, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.1), five steps; "
                        "b's grad is None before step 3",
                        lambda ps: torch.optim.AdamW(ps, lr=lr, betas=betas, eps=eps, weight_decay=0.1, foreach=False),
                        dict(adam, optimizer="AdamW", weight_decay=0.1, rule=adamw_rule + "; " + late),
                        ["exp_avg", "exp_avg_sq"], _adam_by_hand(lr, *betas, eps, 0.1, True)),
        _optimiser_late("sgd_momentum_late_param",
                        "torch.optim.SGD(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), five steps; "
                        "b's grad is None before step 3",
                        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01,
                                                   foreach=False),
                        dict(sgd, optimizer="SGD"), ["momentum_buffer"], _sgd_by_hand(0.1, 0.9, 0.01, 0.1)),
    ]


def _clip(name, description, max_norm):
    seed_for(name)
    lin = nn.Linear(4, 3)
    for p in lin.parameters():
        p.grad = randn(*p.shape, scale=0.8)
    fx = Fixture(name, description, {
        "function": "torch.nn.utils.clip_grad_norm_", "max_norm": max_norm, "norm_type": 2.0,
        "formula": ("total_norm = 2-norm of the per-parameter 2-norms (= sqrt of the sum of squares of all gradient "
                    "entries); coef = max_norm / (total_norm + 1e-6); every gradient *= min(coef, 1)"),
        "keys": "grad.<n>.before and grad.<n>.after; output.total_norm is the norm BEFORE clipping"})
    fx.add_params(lin)
    for n, p in lin.named_parameters():
        fx.add(f"grad.{n}.before", p.grad)
    total = torch.nn.utils.clip_grad_norm_(lin.parameters(), max_norm)
    for n, p in lin.named_parameters():
        fx.add(f"grad.{n}.after", p.grad)
    fx.add("output.total_norm", total)
    fx.config["clipped"] = bool(total.item() > max_norm)
    return fx


def clip_fixtures():
    return [
        _clip("clip_grad_norm", "clip_grad_norm_(max_norm=1.0) over two parameters (weight 3x4, bias 3); clips", 1.0),
        _clip("clip_grad_norm_unclipped", "clip_grad_norm_(max_norm=100.0): norm below the limit, gradients unchanged", 100.0),
    ]


def warmup_fixtures():
    d_model, warmup = 512, 4000
    steps = [1, 2, 10, 100, 1000, 3999, 4000, 4001, 8000, 20000, 100000]
    lr = [d_model ** -0.5 * min(s ** -0.5, s * warmup ** -1.5) for s in steps]
    fx = Fixture("warmup_schedule", "The Transformer paper's warm-up schedule (hand formula in Python floats)",
                 {"d_model": d_model, "warmup": warmup,
                  "formula": "lr = d_model**-0.5 * min(step**-0.5, step * warmup**-1.5), step counted from 1",
                  "peak": "the two branches meet at step == warmup"})
    fx.add("input.step", torch.tensor(steps))
    fx.add("output.lr", torch.tensor(lr, dtype=torch.float64))
    return [fx]


MAKERS = [softmax_fixtures, layer_norm_fixtures, cross_entropy_fixtures, gelu_fixtures, linear_fixtures,
          embedding_fixtures, optimiser_fixtures, clip_fixtures, warmup_fixtures]
