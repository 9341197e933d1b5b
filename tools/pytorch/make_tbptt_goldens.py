#!/usr/bin/env python3
"""Writes Tests/RnnToolkit.Tests/Goldens/tbptt.json: truncated BPTT reference (PyTorch nn.LSTM + nn.Linear).

Each case: fixed weights, inputs x (N, T, I) and per-step targets y (N, T, 1), a batch size B and a truncation k.
The sequences are taken B at a time; each group runs in pieces of k steps (the last may be shorter), each piece from
the previous piece's final (h, c), detached (zeros at a group's first piece), with the MSE of head(lstm(piece)) against
the piece's targets. For every piece the file holds its loss, the gradients of every parameter (the weights never
change: the references are all at the case's weights) and the carried (h, c) after it. Also the loss over whole
sequences. Deterministic (same bytes every run).
"""
import torch

from goldens_common import init_params, run, scalar_json, seed_for, tensor_json, uniform

BASE_SEED = 18
SIZES = {"input": 2, "hidden": 6, "samples": 8, "steps": 12, "batch": 4}


def case(name, k):
    seed_for(BASE_SEED, name)
    I, H, N, T, B = (SIZES[s] for s in ("input", "hidden", "samples", "steps", "batch"))
    lstm = torch.nn.LSTM(I, H, batch_first=True)
    head = torch.nn.Linear(H, 1)
    init_params(lstm)
    init_params(head)
    params = [("lstm." + n, p) for n, p in lstm.named_parameters()] + [("head." + n, p) for n, p in head.named_parameters()]
    x = uniform(N, T, I)
    y = uniform(N, T, 1)
    steps = []
    for g in range(0, N, B):
        state = None
        for s in range(0, T, k):
            xp, yp = x[g:g + B, s:s + k], y[g:g + B, s:s + k]
            out, (h, c) = lstm(xp, state)
            loss = ((head(out) - yp) ** 2).mean()
            grads = torch.autograd.grad(loss, [p for _, p in params])
            steps.append({
                "loss": scalar_json(loss),
                "grads": {n: tensor_json(gr) for (n, _), gr in zip(params, grads)},
                "h": tensor_json(h), "c": tensor_json(c),
            })
            state = (h.detach(), c.detach())
    with torch.no_grad():
        whole = ((head(lstm(x)[0]) - y) ** 2).mean()
    return {
        "name": name, "k": k, "batch": B,
        "parameters": {n: tensor_json(p) for n, p in params},
        "x": tensor_json(x), "y": tensor_json(y),
        "steps": steps, "whole_loss": scalar_json(whole),
    }


def all_cases():
    return [case("tbptt k=5", 5), case("tbptt k=12", 12), case("tbptt k=40", 40)]


if __name__ == "__main__":
    run(__doc__, "tools/pytorch/make_tbptt_goldens.py", BASE_SEED, "tbptt.json",
        {"sizes": SIZES, "loss": "mean squared error per piece"}, all_cases)
