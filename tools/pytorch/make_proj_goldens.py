#!/usr/bin/python3
"""Reference ("golden") outputs and gradients of PyTorch's nn.LSTM with proj_size.

Writes Tests/RnnToolkit.Tests/Goldens/lstm_proj.json: for fixed random weights
and inputs, the outputs, h_n and c_n of nn.LSTM(proj_size=P) (1 and 2 layers,
uni- and bidirectional, batch_first true/false, with and without an initial
state, one packed variable-length batch), plus the gradients of

    L = sum(output * r_out) + sum(h_n * r_h) + sum(c_n * r_c)

with respect to the input, the initial state and every parameter (weight_hr_l{k}
included), and the parameter count PyTorch reports. TorchSharp's LSTM has no
proj_size; the toolkit's LSTM(projSize: P) runs on its cells and is checked
against this file. Same conventions as make_goldens.py (tools/pytorch/README.md).

Regenerate (from the repository root):

    /usr/bin/python3 tools/pytorch/make_proj_goldens.py
"""

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from goldens_common import init_params, run, scalar_json, seed_for, tensor_json, uniform

SCRIPT = "tools/pytorch/make_proj_goldens.py"
BASE_SEED = 20261123
B, T, I, H, P = 3, 5, 4, 6, 3


def case(name, num_layers, bidirectional, batch_first, with_state, lengths=None):
    seed_for(BASE_SEED, name)
    module = nn.LSTM(I, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, proj_size=P)
    init_params(module)
    d = 2 if bidirectional else 1

    x = uniform(*((B, T, I) if batch_first else (T, B, I))).requires_grad_(True)
    h0 = uniform(num_layers * d, B, P).requires_grad_(True) if with_state else None
    c0 = uniform(num_layers * d, B, H).requires_grad_(True) if with_state else None
    state = (h0, c0) if with_state else None

    if lengths is None:
        out, (h_n, c_n) = module(x, state)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths, dtype=torch.int64), batch_first=batch_first, enforce_sorted=False)
        out_packed, (h_n, c_n) = module(packed, state)
        out, _ = pad_packed_sequence(out_packed, batch_first=batch_first, total_length=T)
    assert out.shape[-1] == d * P and h_n.shape == (num_layers * d, B, P) and c_n.shape == (num_layers * d, B, H)

    r_out, r_h, r_c = uniform(*out.shape), uniform(*h_n.shape), uniform(*c_n.shape)
    loss = (out * r_out).sum() + (h_n * r_h).sum() + (c_n * r_c).sum()
    module.zero_grad()
    loss.backward()

    names = list(module._flat_weights_names)
    params = dict(module.named_parameters())
    assert sorted(names) == sorted(params.keys())
    return {
        "name": name,
        "mode": "lstm",
        "num_layers": num_layers,
        "bidirectional": bidirectional,
        "batch_first": batch_first,
        "input_size": I,
        "hidden_size": H,
        "proj_size": P,
        "num_params": sum(p.numel() for p in module.parameters()),
        "param_names": [n for n, _ in module.named_parameters()],
        "lengths": list(lengths) if lengths is not None else None,
        "x": tensor_json(x),
        "h0": tensor_json(h0),
        "c0": tensor_json(c0),
        "params": {n: tensor_json(params[n]) for n in names},
        "output": tensor_json(out),
        "h_n": tensor_json(h_n),
        "c_n": tensor_json(c_n),
        "r_out": tensor_json(r_out),
        "r_h": tensor_json(r_h),
        "r_c": tensor_json(r_c),
        "loss": scalar_json(loss),
        "grad_x": tensor_json(x.grad),
        "grad_h0": tensor_json(h0.grad) if h0 is not None else None,
        "grad_c0": tensor_json(c0.grad) if c0 is not None else None,
        "grad_params": {n: tensor_json(params[n].grad) for n in names},
    }


def all_cases():
    return [
        case("proj_l1", 1, False, True, True),
        case("proj_l2", 2, False, True, False),
        case("proj_l2_time_first", 2, False, False, True),
        case("proj_bi_l2", 2, True, True, True),
        case("proj_bi_l1_lengths", 1, True, True, False, lengths=(5, 2, 4)),
    ]


if __name__ == "__main__":
    run(__doc__, SCRIPT, BASE_SEED, "lstm_proj.json",
        {"sizes": {"B": B, "T": T, "I": I, "H": H, "P": P},
         "loss": "sum(output * r_out) + sum(h_n * r_h) + sum(c_n * r_c)"},
        all_cases)
