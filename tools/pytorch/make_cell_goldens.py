#!/usr/bin/python3
"""Reference ("golden") outputs and gradients of the toolkit's custom recurrent cells.

Writes Tests/RnnToolkit.Tests/Goldens/cells.json: independent PyTorch
implementations, written directly from the cells' equations with plain tensor
ops (matmul, conv1d, sigmoid, tanh) and autograd, of the peephole LSTM
(diagonal / matrix peepholes), the three "as printed" GRUs (000, 002, 003), the
reset-before GRU of Cho et al. 2014 (as a cell, and as multi-layer / bidirectional /
variable-length layers in nn.GRU's names and make_goldens.py's layout), the
sigmoid RNN, the convolutional RNN, the 1-D ConvLSTM, the 2-D ConvLSTM (with and
without Shi et al.'s per-position peepholes) and the Elman network
with output layer (and 001's input skip). Each case runs the cell over T steps
of a batch-first input from an initial state and records the outputs, the
final state and the gradients of the scalar loss

    L = sum(outputs * r_out) + sum(h_T * r_h) [+ sum(c_T * r_c) with a memory cell]
    (elman_network: L = sum(y * r_out))

with respect to the input, the initial state and every parameter.
The JSON layout is documented in tools/pytorch/README.md.

Regenerate (from the repository root):

    /usr/bin/python3 tools/pytorch/make_cell_goldens.py

Needs Debian's PyTorch (apt-get install python3-torch; see tools/pytorch/setup.sh).
Use /usr/bin/python3 explicitly: another python3 on PATH may lack torch.
The output is deterministic: every case is seeded from a fixed seed and its
name, all computation is float32 on the CPU, and every value is written as the
repr of the Python float (double) holding the exact float32 value, so parsing
it as float or as double-then-cast gives back the float32 bit-for-bit.
"""

import torch
import torch.nn.functional as F

from goldens_common import run, scalar_json, seed_for, tensor_json, uniform

SCRIPT = "tools/pytorch/make_cell_goldens.py"
BASE_SEED = 20240602
B, T, I, H = 3, 5, 4, 6
CONV_C_IN, CONV_C_H, CONV_L = 2, 3, 7
CONV_MAP = (4, 5)          # ConvLSTM2D frames: height, width (not square, so a swapped axis shows)
ELMAN_O = 2


def make_params(spec):
    """Ordered dict name -> leaf tensor drawn from uniform(-0.5, 0.5), in spec order."""
    return {n: uniform(*shape, lo=-0.5, hi=0.5).requires_grad_(True) for n, shape in spec}


def linear(x, w, b=None):
    """x @ w.T (+ b), w of shape (out, in)."""
    y = x @ w.t()
    return y if b is None else y + b


# ---------------------------------------------------------------------------
# Cells: spec(opts) -> [(param name, shape)], step(p, opts, x_t, h, c) -> (h_t, c_t)
# ---------------------------------------------------------------------------

def peephole_spec(o):
    i, h = o["input_size"], o["hidden_size"]
    pshape = (h,) if o["form"] == "diagonal" else (h, h)
    return [("weight_ih", (4 * h, i)), ("weight_hh", (4 * h, h)), ("bias_ih", (4 * h,)), ("bias_hh", (4 * h,)),
            ("w_ci", pshape), ("w_cf", pshape), ("w_co", pshape)]


def peephole_step(p, o, x, h, c):
    def peep(w, cc):
        return w * cc if o["form"] == "diagonal" else cc @ w.t()

    a = linear(x, p["weight_ih"], p["bias_ih"]) + linear(h, p["weight_hh"], p["bias_hh"])
    a_i, a_f, a_g, a_o = a.chunk(4, dim=1)
    i = torch.sigmoid(a_i + peep(p["w_ci"], c))
    f = torch.sigmoid(a_f + peep(p["w_cf"], c))
    c_t = f * c + i * torch.tanh(a_g)
    o_ = torch.sigmoid(a_o + peep(p["w_co"], c_t))
    return o_ * torch.tanh(c_t), c_t


def zr_spec(o):
    i, h = o["input_size"], o["hidden_size"]
    return [("W_x_zr", (2 * h, i)), ("W_h_zr", (2 * h, h)), ("b_zr", (2 * h,))]


def zr_gates(p, x, h):
    z, r = torch.sigmoid(linear(x, p["W_x_zr"], p["b_zr"]) + linear(h, p["W_h_zr"])).chunk(2, dim=1)
    return z, r


def gru000_spec(o):
    i, h = o["input_size"], o["hidden_size"]
    return zr_spec(o) + [("W_xh", (h, i)), ("W_hh", (h, h)), ("b_h", (h,))]


def gru000_step(p, o, x, h, c):
    z, r = zr_gates(p, x, h)
    cand = torch.tanh(linear(x, p["W_xh"], p["b_h"]) + linear(r * h, p["W_hh"]))
    return (1 - z) * r * cand, None


def gru002_spec(o):
    assert o["input_size"] == o["hidden_size"], "gru_002_as_printed needs input_size == hidden_size"
    h = o["hidden_size"]
    return zr_spec(o) + [("W_hh", (h, h)), ("b_h", (h,))]


def gru002_step(p, o, x, h, c):
    z, r = zr_gates(p, x, h)
    cand = torch.tanh(linear(x, p["W_hh"], p["b_h"]) + (1 - z) * linear(h, p["W_hh"]))
    return (1 - z) * r * cand + z * h, None


def gru003_spec(o):
    return gru000_spec(o)


def gru003_step(p, o, x, h, c):
    z, r = zr_gates(p, x, h)
    cand = torch.tanh(linear(x, p["W_xh"]) * r + linear(h, p["W_hh"]) * (1 - z) + p["b_h"])
    return (1 - z) * h + z * cand, None


def gru_spec(o):
    i, h = o["input_size"], o["hidden_size"]
    return [("weight_ih", (3 * h, i)), ("weight_hh", (3 * h, h)), ("bias_ih", (3 * h,)), ("bias_hh", (3 * h,))]


def gru_reset_before_step(p, o, x, h, c):
    """Cho et al. 2014 (Keras reset_after=False) in PyTorch's layout, row blocks r, z, n:
    the reset gate scales h before the recurrent product of the candidate."""
    W_ir, W_iz, W_in = p["weight_ih"].chunk(3, dim=0)
    W_hr, W_hz, W_hn = p["weight_hh"].chunk(3, dim=0)
    b_ir, b_iz, b_in = p["bias_ih"].chunk(3)
    b_hr, b_hz, b_hn = p["bias_hh"].chunk(3)
    r = torch.sigmoid(linear(x, W_ir, b_ir) + linear(h, W_hr, b_hr))
    z = torch.sigmoid(linear(x, W_iz, b_iz) + linear(h, W_hz, b_hz))
    n = torch.tanh(linear(x, W_in, b_in) + linear(r * h, W_hn, b_hn))
    return (1 - z) * n + z * h, None


def rnn_spec(o):
    i, h = o["input_size"], o["hidden_size"]
    return [("weight_ih", (h, i)), ("weight_hh", (h, h)), ("bias_ih", (h,)), ("bias_hh", (h,))]


def rnn_sigmoid_step(p, o, x, h, c):
    return torch.sigmoid(linear(x, p["weight_ih"], p["bias_ih"]) + linear(h, p["weight_hh"], p["bias_hh"])), None


ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}


def conv_rnn_spec(o):
    ci, ch, k = o["input_size"], o["hidden_size"], o["kernel_size"]
    return [("W_xh", (ch, ci, k)), ("W_hh", (ch, ch, k)), ("b_h", (ch,))]


def conv_rnn_step(p, o, x, h, c):
    pad = o["kernel_size"] // 2
    pre = F.conv1d(h, p["W_hh"], padding=pad) + F.conv1d(x, p["W_xh"], bias=p["b_h"], padding=pad)
    return ACTIVATIONS[o["activation"]](pre), None


def conv_lstm_spec(o):
    ci, ch, k = o["input_size"], o["hidden_size"], o["kernel_size"]
    return [("W_x", (4 * ch, ci, k)), ("W_h", (4 * ch, ch, k)), ("b", (4 * ch,))]


def conv_lstm_step(p, o, x, h, c):
    pad = o["kernel_size"] // 2
    a = F.conv1d(x, p["W_x"], p["b"], padding=pad) + F.conv1d(h, p["W_h"], padding=pad)
    i, f, g, o_ = a.chunk(4, dim=1)
    c_t = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o_) * torch.tanh(c_t), c_t


def conv_lstm2d_spec(o):
    ci, ch, k = o["input_size"], o["hidden_size"], o["kernel_size"]
    spec = [("W_x", (4 * ch, ci, k, k)), ("W_h", (4 * ch, ch, k, k)), ("b", (4 * ch,))]
    if o["peepholes"]:
        spec += [(n, (ch,) + CONV_MAP) for n in ("W_ci", "W_cf", "W_co")]
    return spec


def conv_lstm2d_step(p, o, x, h, c):
    """Shi et al. 2015, eq. 3: convolutions of x_t and h_{t-1}; peepholes W_c* (.) c per channel and position."""
    pad = o["kernel_size"] // 2
    a = F.conv2d(x, p["W_x"], p["b"], padding=pad) + F.conv2d(h, p["W_h"], padding=pad)
    a_i, a_f, a_c, a_o = a.chunk(4, dim=1)
    peep = o["peepholes"]
    i = torch.sigmoid(a_i + p["W_ci"] * c if peep else a_i)
    f = torch.sigmoid(a_f + p["W_cf"] * c if peep else a_f)
    c_t = f * c + i * torch.tanh(a_c)
    o_ = torch.sigmoid(a_o + p["W_co"] * c_t if peep else a_o)
    return o_ * torch.tanh(c_t), c_t


CELLS = {
    # cell: (spec, step, has memory cell, conv)
    "peephole_lstm": (peephole_spec, peephole_step, True, False),
    "gru_000_as_printed": (gru000_spec, gru000_step, False, False),
    "gru_002_as_printed": (gru002_spec, gru002_step, False, False),
    "gru_003_as_printed": (gru003_spec, gru003_step, False, False),
    "gru_reset_before": (gru_spec, gru_reset_before_step, False, False),
    "rnn_sigmoid": (rnn_spec, rnn_sigmoid_step, False, False),
    "conv_rnn": (conv_rnn_spec, conv_rnn_step, False, True),
    "conv_lstm1d": (conv_lstm_spec, conv_lstm_step, True, True),
    "conv_lstm2d": (conv_lstm2d_spec, conv_lstm2d_step, True, True),
}


def map_shape(cell):
    """A convolutional cell's map after the channels: (L,) for the 1-D cells, (height, width) for conv_lstm2d."""
    return CONV_MAP if cell == "conv_lstm2d" else (CONV_L,)


def cell_options(cell, conv, opts):
    """The case's options with the default sizes filled in (and the map's size for a convolutional cell)."""
    sizes = {"input_size": opts.pop("input_size", CONV_C_IN if conv else I),
             "hidden_size": opts.pop("hidden_size", CONV_C_H if conv else H)}
    opts = dict(sizes, **opts)
    if cell == "conv_lstm2d":
        opts["height"], opts["width"] = CONV_MAP
    elif conv:
        opts["length"] = CONV_L
    return opts


def cell_case(name, cell, zero_init, **opts):
    """One cell unrolled over T steps from a given (or zero) initial state."""
    spec_fn, step, has_c, conv = CELLS[cell]
    opts = cell_options(cell, conv, opts)
    isz, hsz = opts["input_size"], opts["hidden_size"]

    seed_for(BASE_SEED, name)
    spec = spec_fn(opts)
    params = make_params(spec)
    x_shape = (B, T, isz) + map_shape(cell) if conv else (B, T, isz)
    s_shape = (B, hsz) + map_shape(cell) if conv else (B, hsz)
    x = uniform(*x_shape).requires_grad_(True)
    if zero_init:
        h0 = torch.zeros(*s_shape, dtype=torch.float32).requires_grad_(True)
        c0 = torch.zeros(*s_shape, dtype=torch.float32).requires_grad_(True) if has_c else None
    else:
        h0 = uniform(*s_shape).requires_grad_(True)
        c0 = uniform(*s_shape).requires_grad_(True) if has_c else None

    h, c = h0, c0
    hs = []
    for t in range(T):
        h, c = step(params, opts, x[:, t], h, c)
        hs.append(h)
    outputs = torch.stack(hs, dim=1)
    h_T, c_T = h, c

    r_out = uniform(*outputs.shape)
    r_h = uniform(*h_T.shape)
    r_c = uniform(*c_T.shape) if has_c else None
    loss = (outputs * r_out).sum() + (h_T * r_h).sum()
    if has_c:
        loss = loss + (c_T * r_c).sum()
    loss.backward()

    case = {"name": name, "cell": cell}
    case.update(opts)
    case.update({
        "x": tensor_json(x),
        "h0": tensor_json(h0),
        "c0": tensor_json(c0),
        "params": {n: tensor_json(params[n]) for n, _ in spec},
        "outputs": tensor_json(outputs),
        "h_T": tensor_json(h_T),
        "c_T": tensor_json(c_T),
        "r_out": tensor_json(r_out),
        "r_h": tensor_json(r_h),
        "r_c": tensor_json(r_c),
        "loss": scalar_json(loss),
        "grad_x": tensor_json(x.grad),
        "grad_h0": tensor_json(h0.grad),
        "grad_c0": tensor_json(c0.grad) if has_c else None,
        "grad_params": {n: tensor_json(params[n].grad) for n, _ in spec},
    })
    return case


def gru_reset_before_layer_case(name, num_layers, bidirectional, batch_first, init, lengths=None):
    """A multi-layer, optionally bidirectional reset-before GRU in nn.GRU's parameter names and recurrent.json's layout,
    unrolled here from gru_reset_before_step: layer l reads layer l-1's outputs (directions concatenated); with lengths,
    padded steps keep the state and output 0, and the reverse direction starts at each sequence's last real step."""
    seed_for(BASE_SEED, name)
    D = 2 if bidirectional else 1
    opts = {"input_size": I, "hidden_size": H}
    spec = []
    for l in range(num_layers):
        in_l = I if l == 0 else D * H
        for suffix in ("", "_reverse")[:D]:
            spec += [("weight_ih_l%d%s" % (l, suffix), (3 * H, in_l)), ("weight_hh_l%d%s" % (l, suffix), (3 * H, H)),
                     ("bias_ih_l%d%s" % (l, suffix), (3 * H,)), ("bias_hh_l%d%s" % (l, suffix), (3 * H,))]
    params = make_params(spec)
    x = uniform(*((B, T, I) if batch_first else (T, B, I))).requires_grad_(True)
    h0 = uniform(num_layers * D, B, H).requires_grad_(True) if init else None

    xs = x.transpose(0, 1) if batch_first else x                                      # (T, B, I)
    valid = torch.ones(T, B, 1, dtype=torch.bool) if lengths is None else \
        (torch.arange(T).unsqueeze(1) < torch.tensor(lengths).unsqueeze(0)).unsqueeze(2)
    h_n = []
    for l in range(num_layers):
        directions = []
        for d, suffix in enumerate(("", "_reverse")[:D]):
            p = {k: params["%s_l%d%s" % (k, l, suffix)] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
            h = h0[l * D + d] if init else torch.zeros(B, H, dtype=torch.float32)
            out = [None] * T
            for t in (range(T) if d == 0 else reversed(range(T))):
                step_h, _ = gru_reset_before_step(p, opts, xs[t], h, None)
                h = torch.where(valid[t], step_h, h)
                out[t] = step_h * valid[t]
            directions.append(torch.stack(out))
            h_n.append(h)
        xs = torch.cat(directions, dim=2)
    output = xs.transpose(0, 1) if batch_first else xs
    h_n = torch.stack(h_n)

    r_out = uniform(*output.shape)
    r_h = uniform(*h_n.shape)
    loss = (output * r_out).sum() + (h_n * r_h).sum()
    loss.backward()
    return {
        "name": name, "cell": "gru_reset_before_layer", "mode": "gru_reset_before",
        "num_layers": num_layers, "bidirectional": bidirectional, "batch_first": batch_first,
        "input_size": I, "hidden_size": H, "lengths": lengths,
        "x": tensor_json(x), "h0": tensor_json(h0), "c0": None,
        "params": {n: tensor_json(params[n]) for n, _ in spec},
        "output": tensor_json(output), "h_n": tensor_json(h_n), "c_n": None,
        "r_out": tensor_json(r_out), "r_h": tensor_json(r_h), "r_c": None,
        "loss": scalar_json(loss),
        "grad_x": tensor_json(x.grad), "grad_h0": tensor_json(h0.grad) if init else None, "grad_c0": None,
        "grad_params": {n: tensor_json(params[n].grad) for n, _ in spec},
    }


def elman_case(name, input_skip):
    """ElmanNetwork(I, H, O, tanh, inputSkip): y_t = W_hy h_t + b_y (+ V x_t), h from zeros."""
    seed_for(BASE_SEED, name)
    spec = [("rnn.Cell.weight_ih", (H, I)), ("rnn.Cell.weight_hh", (H, H)),
            ("rnn.Cell.bias_ih", (H,)), ("rnn.Cell.bias_hh", (H,)),
            ("W_hy.weight", (ELMAN_O, H)), ("W_hy.bias", (ELMAN_O,))]
    if input_skip:
        spec.append(("V.weight", (ELMAN_O, I)))
    p = make_params(spec)
    x = uniform(B, T, I).requires_grad_(True)

    h = torch.zeros(B, H, dtype=torch.float32)
    hs, ys = [], []
    for t in range(T):
        xt = x[:, t]
        h = torch.tanh(linear(xt, p["rnn.Cell.weight_ih"], p["rnn.Cell.bias_ih"])
                       + linear(h, p["rnn.Cell.weight_hh"], p["rnn.Cell.bias_hh"]))
        y = linear(h, p["W_hy.weight"], p["W_hy.bias"])
        if input_skip:
            y = y + linear(xt, p["V.weight"])
        hs.append(h)
        ys.append(y)
    hidden = torch.stack(hs, dim=1)
    outputs = torch.stack(ys, dim=1)

    r_out = uniform(*outputs.shape)
    loss = (outputs * r_out).sum()
    loss.backward()

    return {
        "name": name,
        "cell": "elman_network",
        "input_size": I,
        "hidden_size": H,
        "output_size": ELMAN_O,
        "activation": "tanh",
        "input_skip": input_skip,
        "x": tensor_json(x),
        "h0": None,
        "c0": None,
        "params": {n: tensor_json(p[n]) for n, _ in spec},
        "outputs": tensor_json(outputs),
        "hidden": tensor_json(hidden),
        "h_T": tensor_json(h),
        "c_T": None,
        "r_out": tensor_json(r_out),
        "r_h": None,
        "r_c": None,
        "loss": scalar_json(loss),
        "grad_x": tensor_json(x.grad),
        "grad_h0": None,
        "grad_c0": None,
        "grad_params": {n: tensor_json(p[n].grad) for n, _ in spec},
    }


def gradcheck_cell(cell, **opts):
    """torch.autograd.gradcheck in float64 of the cell's reference implementation unrolled over 3 steps (batch 2),
    with respect to the input, the initial state and every parameter: the goldens' gradients come from autograd over
    this code, so the code's own derivatives are checked against finite differences each time the goldens are written."""
    spec_fn, step, has_c, conv = CELLS[cell]
    opts = cell_options(cell, conv, opts)
    isz, hsz = opts["input_size"], opts["hidden_size"]
    g = torch.Generator().manual_seed(7)
    def rand(*shape):
        return (torch.rand(*shape, generator=g, dtype=torch.float64) - 0.5).requires_grad_(True)
    spec = spec_fn(opts)
    names = [n for n, _ in spec]
    params = [rand(*shape) for _, shape in spec]
    b, t = 2, 3
    x = rand(*((b, t, isz) + map_shape(cell) if conv else (b, t, isz)))
    s_shape = (b, hsz) + map_shape(cell) if conv else (b, hsz)
    h0 = rand(*s_shape)
    c0 = rand(*s_shape) if has_c else None

    states = [h0, c0] if has_c else [h0]

    def unrolled(x, *rest):
        h, c = rest[0], (rest[1] if has_c else None)
        p = dict(zip(names, rest[len(states):]))
        hs = []
        for k in range(t):
            h, c = step(p, opts, x[:, k], h, c)
            hs.append(h)
        return (torch.stack(hs, dim=1), h) + ((c,) if has_c else ())

    ok = torch.autograd.gradcheck(unrolled, (x, *states, *params), eps=1e-6, atol=1e-6, rtol=1e-4)
    assert ok, "gradcheck failed for %s %s" % (cell, opts)


def gradcheck_all():
    for form in ("diagonal", "matrix"):
        gradcheck_cell("peephole_lstm", form=form)
    for cell in ("gru_000_as_printed", "gru_003_as_printed"):
        gradcheck_cell(cell)
    gradcheck_cell("gru_002_as_printed", input_size=H)
    gradcheck_cell("gru_reset_before")
    gradcheck_cell("rnn_sigmoid", activation="sigmoid")
    for act in ("sigmoid", "tanh"):
        gradcheck_cell("conv_rnn", activation=act, kernel_size=3)
    gradcheck_cell("conv_lstm1d", kernel_size=3)
    for peepholes in (False, True):
        gradcheck_cell("conv_lstm2d", kernel_size=3, peepholes=peepholes)


# Hidden sizes around the sequence kernels' eight-lane chunks: one full chunk, a partial one, three full ones.
KERNEL_HIDDEN_SIZES = (8, 13, 24)


def all_cases():
    cases = []
    for form in ("diagonal", "matrix"):
        for zero in (False, True):
            cases.append(cell_case("peephole_lstm_%s_%s" % (form, "zero_init" if zero else "init"),
                                   "peephole_lstm", zero, form=form))
    for cell in ("gru_000_as_printed", "gru_002_as_printed", "gru_003_as_printed"):
        extra = {"input_size": H} if cell == "gru_002_as_printed" else {}
        cases.append(cell_case(cell + "_init", cell, False, **extra))
        cases.append(cell_case(cell + "_zero_init", cell, True, **extra))
    cases.append(cell_case("gru_reset_before_init", "gru_reset_before", False))
    cases.append(cell_case("gru_reset_before_zero_init", "gru_reset_before", True))
    cases.append(cell_case("rnn_sigmoid_init", "rnn_sigmoid", False, activation="sigmoid"))
    cases.append(cell_case("rnn_sigmoid_zero_init", "rnn_sigmoid", True, activation="sigmoid"))
    cases.append(cell_case("conv_rnn_sigmoid_k3_init", "conv_rnn", False, activation="sigmoid", kernel_size=3))
    cases.append(cell_case("conv_rnn_tanh_k3_zero_init", "conv_rnn", True, activation="tanh", kernel_size=3))
    cases.append(cell_case("conv_rnn_tanh_k5_init", "conv_rnn", False, activation="tanh", kernel_size=5))
    cases.append(cell_case("conv_lstm1d_k3_init", "conv_lstm1d", False, kernel_size=3))
    cases.append(cell_case("conv_lstm1d_k3_zero_init", "conv_lstm1d", True, kernel_size=3))
    cases.append(cell_case("conv_lstm1d_k5_init", "conv_lstm1d", False, kernel_size=5))
    cases.append(cell_case("conv_lstm2d_k3_init", "conv_lstm2d", False, kernel_size=3, peepholes=False))
    cases.append(cell_case("conv_lstm2d_k3_zero_init", "conv_lstm2d", True, kernel_size=3, peepholes=False))
    cases.append(cell_case("conv_lstm2d_peephole_k3_init", "conv_lstm2d", False, kernel_size=3, peepholes=True))
    cases.append(cell_case("conv_lstm2d_peephole_k5_zero_init", "conv_lstm2d", True, kernel_size=5, peepholes=True))
    for hsz in KERNEL_HIDDEN_SIZES:
        for form in ("diagonal", "matrix"):
            cases.append(cell_case("peephole_lstm_%s_h%d_init" % (form, hsz), "peephole_lstm", False, form=form, hidden_size=hsz))
        for cell in ("gru_000_as_printed", "gru_002_as_printed", "gru_003_as_printed"):
            extra = {"input_size": hsz} if cell == "gru_002_as_printed" else {}
            cases.append(cell_case("%s_h%d_init" % (cell, hsz), cell, False, hidden_size=hsz, **extra))
        cases.append(cell_case("gru_reset_before_h%d_init" % hsz, "gru_reset_before", False, hidden_size=hsz))
    # The diagonal peephole LSTM on the toolkit's own AVX-512 product (H = 64: two halves of 32 units; I = 32: whole panels).
    cases.append(cell_case("peephole_lstm_diagonal_wide_init", "peephole_lstm", False, form="diagonal", hidden_size=64, input_size=32))
    for layers, bi, bf, init, lengths in ((1, False, True, True, None), (1, True, False, True, None),
                                          (2, False, False, False, None), (2, True, True, True, None),
                                          (1, True, True, True, [3, 5, 2]), (2, True, False, False, [4, 1, 3])):
        name = "gru_reset_before_layer_l%d_%s_%s_%s%s" % (layers, "bi" if bi else "uni", "bf" if bf else "tf",
                                                          "init" if init else "noinit", "" if lengths is None else "_lengths")
        cases.append(gru_reset_before_layer_case(name, layers, bi, bf, init, lengths))
    cases.append(elman_case("elman_network", False))
    cases.append(elman_case("elman_network_input_skip", True))
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    gradcheck_all()         # after the cases: float64 convolutions first would change how later float32 ones round
    return cases


def main():
    run(__doc__, SCRIPT, BASE_SEED, "cells.json",
        generator={
            "sizes": {"batch": B, "time": T, "input_size": I, "hidden_size": H,
                      "conv_in_channels": CONV_C_IN, "conv_hidden_channels": CONV_C_H, "conv_length": CONV_L,
                      "conv_height": CONV_MAP[0], "conv_width": CONV_MAP[1],
                      "elman_output_size": ELMAN_O},
            "loss": "sum(outputs*r_out) + sum(h_T*r_h) [+ sum(c_T*r_c) for peephole_lstm, conv_lstm1d, conv_lstm2d]; "
                    "elman_network: sum(outputs*r_out)",
        },
        all_cases=all_cases)


if __name__ == "__main__":
    main()
