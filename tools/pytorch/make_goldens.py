#!/usr/bin/python3
"""Reference ("golden") outputs and gradients of PyTorch recurrent layers.

Writes Tests/RnnToolkit.Tests/Goldens/recurrent.json: for fixed random weights
and inputs, the forward outputs of nn.RNN (tanh / relu), nn.LSTM, nn.GRU
(1 and 2 layers, uni/bidirectional, batch_first true/false, with and without an
initial state, full-length and packed variable-length batches) and of
nn.RNNCell / nn.LSTMCell / nn.GRUCell, plus the gradients of the scalar loss

    L = sum(output * r_out) + sum(h_n * r_h) [+ sum(c_n * r_c) for LSTM]
    (cells: L = sum(h1 * r_h) [+ sum(c1 * r_c)])

with respect to the input, the initial state and every parameter.
The JSON layout is documented in tools/pytorch/README.md.

Regenerate (from the repository root):

    /usr/bin/python3 tools/pytorch/make_goldens.py

Needs Debian's PyTorch (apt-get install python3-torch; see tools/pytorch/setup.sh).
Use /usr/bin/python3 explicitly: another python3 on PATH may lack torch.
The output is deterministic: every case is seeded from a fixed seed and its
name, all computation is float32 on the CPU, and every value is written as the
repr of the Python float (double) holding the exact float32 value, so parsing
it as float or as double-then-cast gives back the float32 bit-for-bit.
"""

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from goldens_common import init_params, run, scalar_json, seed_for, tensor_json, uniform

SCRIPT = "tools/pytorch/make_goldens.py"
BASE_SEED = 20240601
B, T, I, H = 3, 5, 4, 6


# Wide sizes for the toolkit's own AVX-512 product (whole 32-column panels: I = 32, H = 64 in two halves of 32 units),
# with a batch of 9 = one 8-row block and one single row, and enough steps for the weight gradients' sums to matter.
# Weights drawn from ±1/√H (PyTorch's own initial range): at ±0.5 a 64-unit ReLU RNN grows 2–3x a step and its
# outputs are too large for the 1e-5 comparison whatever the backend.
WIDE = (9, 7, 32, 64)

MODULES = {
    "rnn_tanh": lambda i, h, nl, bi, bf: nn.RNN(i, h, num_layers=nl, nonlinearity="tanh", bidirectional=bi, batch_first=bf),
    "rnn_relu": lambda i, h, nl, bi, bf: nn.RNN(i, h, num_layers=nl, nonlinearity="relu", bidirectional=bi, batch_first=bf),
    "lstm": lambda i, h, nl, bi, bf: nn.LSTM(i, h, num_layers=nl, bidirectional=bi, batch_first=bf),
    "gru": lambda i, h, nl, bi, bf: nn.GRU(i, h, num_layers=nl, bidirectional=bi, batch_first=bf),
}


def seq_case(name, mode, num_layers, bidirectional, batch_first, with_state, lengths=None, sizes=(B, T, I, H)):
    B, T, I, H = sizes
    seed_for(BASE_SEED, name)
    module = MODULES[mode](I, H, num_layers, bidirectional, batch_first).to(torch.float32)
    if sizes == WIDE:
        init_params(module, -H ** -0.5, H ** -0.5)
    else:
        init_params(module)
    is_lstm = mode == "lstm"
    d = 2 if bidirectional else 1

    x = uniform(*((B, T, I) if batch_first else (T, B, I))).requires_grad_(True)
    h0 = uniform(num_layers * d, B, H).requires_grad_(True) if with_state else None
    c0 = uniform(num_layers * d, B, H).requires_grad_(True) if (with_state and is_lstm) else None
    state = None
    if with_state:
        state = (h0, c0) if is_lstm else h0

    if lengths is None:
        out, st = module(x, state)
    else:
        lens = torch.tensor(lengths, dtype=torch.int64)
        packed = pack_padded_sequence(x, lens, batch_first=batch_first, enforce_sorted=False)
        out_packed, st = module(packed, state)
        out, out_lens = pad_packed_sequence(out_packed, batch_first=batch_first, total_length=T)
        assert out_lens.tolist() == list(lengths)
    h_n, c_n = st if is_lstm else (st, None)

    r_out = uniform(*out.shape)
    r_h = uniform(*h_n.shape)
    r_c = uniform(*c_n.shape) if is_lstm else None
    loss = (out * r_out).sum() + (h_n * r_h).sum()
    if is_lstm:
        loss = loss + (c_n * r_c).sum()
    module.zero_grad()
    loss.backward()

    names = list(module._flat_weights_names)
    params = dict(module.named_parameters())
    assert sorted(names) == sorted(params.keys())
    return {
        "name": name,
        "mode": mode,
        "num_layers": num_layers,
        "bidirectional": bidirectional,
        "batch_first": batch_first,
        "input_size": I,
        "hidden_size": H,
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


CELLS = {
    "rnn_cell": lambda: nn.RNNCell(I, H, nonlinearity="tanh"),
    "lstm_cell": lambda: nn.LSTMCell(I, H),
    "gru_cell": lambda: nn.GRUCell(I, H),
}


def cell_case(name, mode):
    seed_for(BASE_SEED, name)
    cell = CELLS[mode]().to(torch.float32)
    init_params(cell)
    is_lstm = mode == "lstm_cell"

    x = uniform(B, I).requires_grad_(True)
    h0 = uniform(B, H).requires_grad_(True)
    c0 = uniform(B, H).requires_grad_(True) if is_lstm else None
    if is_lstm:
        h1, c1 = cell(x, (h0, c0))
    else:
        h1, c1 = cell(x, h0), None

    r_h = uniform(B, H)
    r_c = uniform(B, H) if is_lstm else None
    loss = (h1 * r_h).sum()
    if is_lstm:
        loss = loss + (c1 * r_c).sum()
    cell.zero_grad()
    loss.backward()

    names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    params = dict(cell.named_parameters())
    assert sorted(names) == sorted(params.keys())
    return {
        "name": name,
        "mode": mode,
        "input_size": I,
        "hidden_size": H,
        "x": tensor_json(x),
        "h0": tensor_json(h0),
        "c0": tensor_json(c0),
        "params": {n: tensor_json(params[n]) for n in names},
        "h1": tensor_json(h1),
        "c1": tensor_json(c1),
        "r_h": tensor_json(r_h),
        "r_c": tensor_json(r_c),
        "loss": scalar_json(loss),
        "grad_x": tensor_json(x.grad),
        "grad_h0": tensor_json(h0.grad),
        "grad_c0": tensor_json(c0.grad) if c0 is not None else None,
        "grad_params": {n: tensor_json(params[n].grad) for n in names},
    }


def all_cases():
    cases = []
    # Full-length sequences: every mode x {1,2} layers x {uni,bi}.
    # batch_first alternates (covers both per mode), initial state given in
    # all four, plus one extra "noinit" case per mode with zero initial state.
    for mode in ["rnn_tanh", "rnn_relu", "lstm", "gru"]:
        for num_layers in (1, 2):
            for bi in (False, True):
                bf = bi != (num_layers == 2)
                name = "%s_l%d_%s_%s_init" % (mode, num_layers, "bi" if bi else "uni", "bf" if bf else "tf")
                cases.append(seq_case(name, mode, num_layers, bi, bf, True))
        cases.append(seq_case("%s_l1_uni_bf_noinit" % mode, mode, 1, False, True, False))
        cases.append(seq_case("%s_l2_bi_tf_noinit" % mode, mode, 2, True, False, False))
        cases.append(seq_case("%s_wide_l1_uni_tf_init" % mode, mode, 1, False, False, True, sizes=WIDE))
    # Variable-length (packed) batches, padded back to T with zeros.
    for mode in ["rnn_tanh", "lstm", "gru"]:
        cases.append(seq_case("%s_packed_sorted_l1_uni_tf_init" % mode, mode, 1, False, False, True, [5, 3, 1]))
        cases.append(seq_case("%s_packed_unsorted_l1_bi_bf_init" % mode, mode, 1, True, True, True, [3, 5, 2]))
        cases.append(seq_case("%s_packed_unsorted_l2_bi_tf_noinit" % mode, mode, 2, True, False, False, [2, 5, 4]))
        # Longest sequence shorter than T: output rows t >= 4 are all zero.
        cases.append(seq_case("%s_packed_short_l2_uni_bf_init" % mode, mode, 2, False, True, True, [4, 1, 3]))
    # Single-step cells.
    for mode in ["rnn_cell", "lstm_cell", "gru_cell"]:
        cases.append(cell_case(mode, mode))
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    return cases


def main():
    run(__doc__, SCRIPT, BASE_SEED, "recurrent.json",
        generator={
            "sizes": {"batch": B, "time": T, "input_size": I, "hidden_size": H},
            "loss": "sum(output*r_out) + sum(h_n*r_h) [+ sum(c_n*r_c) for lstm]; "
                    "cells: sum(h1*r_h) [+ sum(c1*r_c)]",
        },
        all_cases=all_cases)


if __name__ == "__main__":
    main()
