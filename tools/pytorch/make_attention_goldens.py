#!/usr/bin/python3
"""Reference ("golden") outputs and gradients of attention and Transformer layers.

Writes Tests/RnnToolkit.Tests/Goldens/attention.json: for fixed random weights
and inputs, the outputs, attention weights and gradients of

  * scaled dot-product attention (from the equations; torch 1.13 has no F.scaled_dot_product_attention),
  * nn.MultiheadAttention(batch_first=True) with per-head weights (average_attn_weights=False), and with
    kdim != vdim != embed_dim (separate q/k/v_proj_weight) giving both averaged and per-head weights,
  * additive (Bahdanau) attention, 000's printed form, Luong dot/general, Keras's Attention and AdditiveAttention
    layers (from the equations; there is no TensorFlow here, see KerasAdditive for what Keras computes),
  * nn.TransformerEncoderLayer / nn.TransformerDecoderLayer (batch_first, post- and pre-norm, dropout 0),
  * the sinusoidal positional-encoding table.

Loss: L = sum(output * r_output) [+ sum(weights * r_weights)], gradients of L with respect to every input and parameter.
Masks use the toolkit's convention (1 = may attend / real, 0 = masked) and are stored as float tensors of 0/1.

Regenerate (from the repository root):

    /usr/bin/python3 tools/pytorch/make_attention_goldens.py

Deterministic: every case is seeded from a fixed seed and its name, float32 on the CPU.
"""

import math

import torch
import torch.nn as nn

from goldens_common import init_params, run, scalar_json, seed_for, tensor_json, uniform

SCRIPT = "tools/pytorch/make_attention_goldens.py"
BASE_SEED = 20240603


def length_mask(lengths, t):
    return torch.arange(t).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)


def masked_softmax(scores, allowed):
    if allowed is None:
        return scores.softmax(-1)
    return scores.masked_fill(~allowed, float("-inf")).softmax(-1).masked_fill(~allowed, 0.0)


def finish(name, kind, config, inputs, masks, module, outputs):
    """Backpropagates L = sum(out * r) over the outputs and packs the case."""
    rs = {k: uniform(*v.shape) for k, v in outputs.items()}
    loss = sum((v * rs[k]).sum() for k, v in outputs.items())
    params = dict(module.named_parameters()) if module is not None else {}
    for p in params.values():
        p.grad = None
    loss.backward()
    return {
        "name": name, "kind": kind, "config": config,
        "inputs": {k: tensor_json(v) for k, v in inputs.items()},
        "masks": {k: tensor_json(v.float()) for k, v in masks.items()},
        "params": {k: tensor_json(v) for k, v in params.items()},
        "outputs": {k: tensor_json(v) for k, v in outputs.items()},
        "r": {k: tensor_json(v) for k, v in rs.items()},
        "loss": scalar_json(loss),
        "grads": dict({k: tensor_json(v.grad) for k, v in inputs.items()},
                      **{k: tensor_json(v.grad) for k, v in params.items()}),
    }


def sdpa_case(name, tq, tk, lengths=None, causal=False):
    seed_for(BASE_SEED, name)
    b, d, dv = 2, 5, 3
    q, k, v = uniform(b, tq, d).requires_grad_(), uniform(b, tk, d).requires_grad_(), uniform(b, tk, dv).requires_grad_()
    allowed = None
    masks = {}
    if lengths is not None:
        km = length_mask(lengths, tk)
        masks["key_mask"] = km
        allowed = km.unsqueeze(1)
    if causal:
        c = torch.ones(tq, tk, dtype=torch.bool).tril(tk - tq)
        allowed = c if allowed is None else allowed & c
    w = masked_softmax(q @ k.transpose(1, 2) / math.sqrt(d), allowed)
    out = w @ v
    return finish(name, "sdpa", {"causal": causal}, {"query": q, "key": k, "value": v}, masks, None, {"output": out, "weights": w})


def mha_case(name, tq, tk, self_attn, lengths=None, causal=False, e=8, h=2):
    seed_for(BASE_SEED, name)
    b = 2
    m = nn.MultiheadAttention(e, h, batch_first=True)
    init_params(m)
    q = uniform(b, tq, e).requires_grad_()
    if self_attn:
        k = v = q
        inputs = {"query": q}
    else:
        k, v = uniform(b, tk, e).requires_grad_(), uniform(b, tk, e).requires_grad_()
        inputs = {"query": q, "key": k, "value": v}
    masks = {}
    kpm = None
    am = None
    if lengths is not None:
        km = length_mask(lengths, tk)
        masks["key_mask"] = km
        kpm = ~km
    if causal:
        am = ~torch.ones(tq, tk, dtype=torch.bool).tril()
    out, w = m(q, k, v, key_padding_mask=kpm, attn_mask=am, need_weights=True, average_attn_weights=False)
    return finish(name, "mha", {"embed_dim": e, "heads": h, "self": self_attn, "causal": causal}, inputs, masks, m, {"output": out, "weights": w})


def mha_kv_case(name, tq, tk, e, h, kdim, vdim, lengths):
    """nn.MultiheadAttention with kdim/vdim != embed_dim: q_proj_weight (E, E), k_proj_weight (E, kdim),
    v_proj_weight (E, vdim) instead of in_proj_weight. Returns per-head weights (average_attn_weights=False)
    and, from a second call, the head-averaged weights (PyTorch's default)."""
    seed_for(BASE_SEED, name)
    b = 2
    m = nn.MultiheadAttention(e, h, batch_first=True, kdim=kdim, vdim=vdim)
    assert not m._qkv_same_embed_dim and m.in_proj_weight is None
    init_params(m)
    q, k, v = uniform(b, tq, e).requires_grad_(), uniform(b, tk, kdim).requires_grad_(), uniform(b, tk, vdim).requires_grad_()
    km = length_mask(lengths, tk)
    out, w = m(q, k, v, key_padding_mask=~km, need_weights=True, average_attn_weights=False)
    out2, wa = m(q, k, v, key_padding_mask=~km, need_weights=True, average_attn_weights=True)
    assert torch.equal(out, out2)
    return finish(name, "mha_kv", {"embed_dim": e, "heads": h, "kdim": kdim, "vdim": vdim}, {"query": q, "key": k, "value": v},
                  {"key_mask": km}, m, {"output": out, "weights": w, "weights_avg": wa})


class Additive(nn.Module):
    def __init__(self, dq, dk, units):
        super().__init__()
        self.query_proj = nn.Linear(dq, units, bias=False)
        self.key_proj = nn.Linear(dk, units)
        self.v = nn.Linear(units, 1, bias=False)

    def forward(self, q, k, allowed):
        e = self.v(torch.tanh(self.query_proj(q).unsqueeze(2) + self.key_proj(k).unsqueeze(1))).squeeze(-1)
        a = masked_softmax(e, allowed)
        return a @ k, a


class Printed000(nn.Module):
    def __init__(self, dh, dx, units):
        super().__init__()
        self.W_e = nn.Parameter(torch.empty(units, dh + dx))
        self.b_e = nn.Parameter(torch.empty(units))
        self.W_s = nn.Parameter(torch.empty(units))
        self.units = units

    def forward(self, h, x, allowed):
        tq, tx = h.shape[1], x.shape[1]
        cat = torch.cat([h.unsqueeze(2).expand(-1, -1, tx, -1), x.unsqueeze(1).expand(-1, tq, -1, -1)], -1)   # [h_{t-1}; x_i]
        e = (1 / math.sqrt(self.units)) * torch.tanh(cat @ self.W_e.t() + self.b_e) @ self.W_s
        a = masked_softmax(e, allowed)
        return a @ x, a


class Luong(nn.Module):
    def __init__(self, dq, dk, general):
        super().__init__()
        self.W_a = nn.Linear(dk, dq, bias=False) if general else None

    def forward(self, q, k, allowed):
        pk = self.W_a(k) if self.W_a is not None else k
        a = masked_softmax(q @ pk.transpose(1, 2), allowed)
        return a @ k, a


def query_key_case(name, kind, make, dq, dk, tq=3, tk=5, lengths=(5, 3)):
    seed_for(BASE_SEED, name)
    b = 2
    m = make()
    init_params(m)
    q, k = uniform(b, tq, dq).requires_grad_(), uniform(b, tk, dk).requires_grad_()
    km = length_mask(list(lengths), tk)
    out, a = m(q, k, km.unsqueeze(1))
    return finish(name, kind, {"query_size": dq, "key_size": dk}, {"query": q, "keys": k}, {"key_mask": km}, m, {"output": out, "weights": a})


class Keras(nn.Module):
    def __init__(self, use_scale, score_mode):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1)) if use_scale else None
        self.concat_score_weight = nn.Parameter(torch.ones(1)) if score_mode == "concat" else None
        self.score_mode = score_mode

    def forward(self, q, v, k, qm, vm, causal):
        if self.score_mode == "dot":
            s = q @ k.transpose(1, 2)
            if self.scale is not None:
                s = s * self.scale
        else:
            t = q.unsqueeze(-2) + k.unsqueeze(-3)
            if self.scale is not None:
                t = t * self.scale
            s = self.concat_score_weight * torch.tanh(t).sum(-1)
        allowed = vm.unsqueeze(-2)
        if causal:
            allowed = allowed & torch.ones(q.shape[1], k.shape[1], dtype=torch.bool).tril()
        s = s - 1e9 * (~allowed).float()
        w = s.softmax(-1)
        out = (w @ v) * qm.unsqueeze(-1).float()
        return out, w


def keras_case(name, use_scale, score_mode, causal):
    seed_for(BASE_SEED, name)
    b, tq, tv, d, dv = 2, 4, 4, 6, 3
    m = Keras(use_scale, score_mode)
    init_params(m, 0.5, 1.5)
    q, v, k = uniform(b, tq, d).requires_grad_(), uniform(b, tv, dv).requires_grad_(), uniform(b, tv, d).requires_grad_()
    qm, vm = length_mask([4, 3], tq), length_mask([4, 2], tv)
    out, w = m(q, v, k, qm, vm, causal)
    return finish(name, "keras", {"use_scale": use_scale, "score_mode": score_mode, "causal": causal},
                  {"query": q, "value": v, "key": k}, {"query_mask": qm, "value_mask": vm}, m, {"output": out, "weights": w})


class KerasAdditive(nn.Module):
    """keras.layers.AdditiveAttention(use_scale) as Keras 3 computes it (keras/src/layers/attention/additive_attention.py
    and its base class attention.py), written independently in PyTorch:

      build:   scale = weight of shape (dim,) (dim = query's last axis), glorot_uniform, only if use_scale
      scores = sum over the last axis of scale * tanh(query[:, :, None, :] + key[:, None, :, :])   (B, Tq, Tv)
               (scale = 1.0 without use_scale)
      scores_mask = value_mask[:, None, :]  (and, with use_causal_mask, & (row index >= column index), i.e. j <= i)
      scores -= 1e9 * (not scores_mask)              (float16: 65504)
      weights = softmax(scores, -1)                  (returned by return_attention_scores, before dropout)
      output = dropout(weights) @ value;  output *= query_mask[:, :, None]
      key defaults to value: layer([query, value]).
    """

    def __init__(self, dim, use_scale):
        super().__init__()
        self.scale = nn.Parameter(torch.empty(dim)) if use_scale else None

    def forward(self, q, v, k, qm, vm, causal):
        t = torch.tanh(q.unsqueeze(-2) + k.unsqueeze(-3))
        s = (t * self.scale if self.scale is not None else t).sum(-1)
        allowed = vm.unsqueeze(-2)
        if causal:
            ones = torch.ones(1, q.shape[1], k.shape[1], dtype=torch.int32)
            allowed = allowed & (ones.cumsum(-2) >= ones.cumsum(-1))
        s = s - 1e9 * (~allowed).float()
        w = s.softmax(-1)
        out = (w @ v) * qm.unsqueeze(-1).float()
        return out, w


def keras_additive_case(name, use_scale, causal, with_key):
    seed_for(BASE_SEED, name)
    b, tq, tv, d = 2, 4, 5, 6
    dv = 3 if with_key else d
    m = KerasAdditive(d, use_scale)
    init_params(m, -1.0, 1.0)
    q, v = uniform(b, tq, d).requires_grad_(), uniform(b, tv, dv).requires_grad_()
    inputs = {"query": q, "value": v}
    if with_key:
        k = uniform(b, tv, d).requires_grad_()
        inputs["key"] = k
    else:
        k = v
    qm, vm = length_mask([4, 3], tq), length_mask([5, 2], tv)
    out, w = m(q, v, k, qm, vm, causal)
    return finish(name, "keras_additive", {"use_scale": use_scale, "causal": causal, "dim": d},
                  inputs, {"query_mask": qm, "value_mask": vm}, m, {"output": out, "weights": w})


def encoder_case(name, norm_first, activation="relu"):
    seed_for(BASE_SEED, name)
    b, t, e, h, ff = 2, 5, 8, 2, 16
    m = nn.TransformerEncoderLayer(e, h, ff, dropout=0.0, activation=activation, batch_first=True, norm_first=norm_first)
    init_params(m)
    m.train()
    x = uniform(b, t, e).requires_grad_()
    km = length_mask([5, 3], t)
    y = m(x, src_key_padding_mask=~km)
    return finish(name, "encoder_layer", {"d_model": e, "heads": h, "ff": ff, "norm_first": norm_first, "activation": activation},
                  {"x": x}, {"key_mask": km}, m, {"output": y})


def decoder_case(name, norm_first):
    seed_for(BASE_SEED, name)
    b, tt, ts, e, h, ff = 2, 4, 5, 8, 2, 16
    m = nn.TransformerDecoderLayer(e, h, ff, dropout=0.0, batch_first=True, norm_first=norm_first)
    init_params(m)
    m.train()
    y, mem = uniform(b, tt, e).requires_grad_(), uniform(b, ts, e).requires_grad_()
    mk = length_mask([5, 2], ts)
    causal = ~torch.ones(tt, tt, dtype=torch.bool).tril()
    out = m(y, mem, tgt_mask=causal, memory_key_padding_mask=~mk)
    return finish(name, "decoder_layer", {"d_model": e, "heads": h, "ff": ff, "norm_first": norm_first},
                  {"target": y, "memory": mem}, {"memory_key_mask": mk}, m, {"output": out})


def positional_case(name, t=7, d=8):
    pos = torch.arange(t, dtype=torch.float64).unsqueeze(1)
    i2 = torch.arange(0, d, 2, dtype=torch.float64)
    ang = pos / torch.pow(10000.0, i2 / d)
    pe = torch.zeros(t, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(ang)
    pe[:, 1::2] = torch.cos(ang)
    return {"name": name, "kind": "positional", "config": {"steps": t, "d_model": d}, "outputs": {"table": tensor_json(pe)}}


def all_cases():
    return [
        sdpa_case("sdpa_plain", 3, 4),
        sdpa_case("sdpa_key_mask", 3, 4, lengths=[4, 2]),
        sdpa_case("sdpa_causal", 4, 4, causal=True),
        sdpa_case("sdpa_causal_key_mask", 4, 4, lengths=[3, 4], causal=True),
        mha_case("mha_self", 4, 4, True),
        mha_case("mha_self_key_mask", 4, 4, True, lengths=[4, 2]),
        mha_case("mha_self_causal", 4, 4, True, causal=True),
        mha_case("mha_cross_key_mask", 3, 5, False, lengths=[5, 3]),
        mha_case("mha_cross_4heads", 3, 5, False, e=12, h=4),
        mha_kv_case("mha_kdim_vdim_key_mask", 3, 5, 8, 2, 6, 4, [5, 3]),
        mha_kv_case("mha_kdim_only_4heads", 4, 3, 8, 4, 5, 8, [2, 3]),
        query_key_case("additive", "additive", lambda: Additive(4, 6, 5), 4, 6),
        query_key_case("bahdanau_000_printed", "bahdanau000", lambda: Printed000(4, 6, 5), 4, 6),
        query_key_case("luong_dot", "luong_dot", lambda: Luong(6, 6, False), 6, 6),
        query_key_case("luong_general", "luong_general", lambda: Luong(4, 6, True), 4, 6),
        keras_case("keras_dot", False, "dot", False),
        keras_case("keras_dot_scale_causal", True, "dot", True),
        keras_case("keras_concat", False, "concat", False),
        keras_case("keras_concat_scale_causal", True, "concat", True),
        keras_additive_case("keras_additive_scale_key", True, False, True),
        keras_additive_case("keras_additive_scale_causal_key", True, True, True),
        keras_additive_case("keras_additive_noscale_value_as_key", False, False, False),
        encoder_case("encoder_post_norm", False),
        encoder_case("encoder_pre_norm", True),
        encoder_case("encoder_post_norm_gelu", False, "gelu"),
        decoder_case("decoder_post_norm", False),
        decoder_case("decoder_pre_norm", True),
        positional_case("positional_7x8"),
    ]


def main():
    run(__doc__, SCRIPT, BASE_SEED, "attention.json",
        generator={"loss": "sum over outputs o of sum(o * r[o]); grads of every input and parameter"},
        all_cases=all_cases)


if __name__ == "__main__":
    main()
