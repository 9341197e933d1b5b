#!/usr/bin/env python3
"""The Attention folder's survivors of the first run (main, 720d8ca) with what was done about each, as a markdown
table for docs/mutation.md. A later report (the re-run with the new tests) marks those it killed.

    python3 tools/mutation/attention_dispositions.py FIRST.json [RERUN.json ...]
"""
import json
import sys

C1 = "`AttentionContractTests` (round 1)"
C2 = "`AttentionMaskContractTests` (round 2)"
EQ = "equivalent"
# (file, line) -> {mutator prefix or "*": disposition}
D = {
    ("AdditiveAttention.cs", 65): {"*": C1 + ": one query (B, d) = a one-step query"},
    ("AdditiveAttention.cs", 66): {"*": EQ + ": `projectedKeys` is documented as `ProjectKeys(keys)`; recomputing it gives the same tensor (a cache only)"},
    ("AdditiveAttention.cs", 70): {"*": C1 + ": context = α · values with dv ≠ dk"},
    ("AdditiveAttention.cs", 71): {"*": C1 + ": shapes (B, dv), (B, Tk) of a single query"},
    ("AttentionChecks.cs", 19): {"*": C2 + ": an empty (B, 0, d) query is rejected"},
    ("AttentionMasks.cs", 19): {"*": C2 + ": `Causal(3, 5)` is (3, 5), bottom-right aligned"},
    ("AttentionMasks.cs", 48): {"*": C2 + ": without heads a 4-D mask is refused"},
    ("AttentionMasks.cs", 57): {"*": C2 + ": 4-D mask without heads and 1-D mask refused"},
    ("AttentionMasks.cs", 59): {"*": C2 + ": a (B', Tq, Tk) mask of another batch is refused"},
    ("AttentionMasks.cs", 60): {"*": C2 + ": a (B, h', Tq, Tk) mask of other heads is refused"},
    ("AttentionMasks.cs", 63): {"*": C2 + ": the message lists the shapes for heads / no heads"},
    ("AttentionMasks.cs", 66): {"*": C2 + ": without heads a (B, Tq, Tk) mask keeps rank 3"},
    ("Bahdanau000AsPrintedAttention.cs", 36): {"*": C1 + ": initial W_e, b_e, W_s fill ±1/√fan_in"},
    ("Bahdanau000AsPrintedAttention.cs", 37): {"*": C1 + ": initial W_e fills ±1/√(|h|+|x|) symmetrically"},
    ("Bahdanau000AsPrintedAttention.cs", 38): {"*": C1 + ": initial b_e fills ±1/√(|h|+|x|) symmetrically"},
    ("Bahdanau000AsPrintedAttention.cs", 39): {"*": C1 + ": initial W_s fills ±1/√d symmetrically"},
    ("Bahdanau000AsPrintedAttention.cs", 69): {"*": C1 + ": one state (B, |h|) = a one-step state"},
    ("Bahdanau000AsPrintedAttention.cs", 70): {"*": EQ + ": `projectedInputs` is documented as `ProjectInputs(inputs)` (a cache only)"},
    ("Bahdanau000AsPrintedAttention.cs", 76): {"*": C1 + ": shapes of a single state's result"},
    ("KerasAdditiveAttention.cs", 32): {"*": C1 + ": `dim = 0` is refused"},
    ("KerasAdditiveAttention.cs", 33): {"*": C1 + ": dropout 1.0 and −0.1 refused, 0.0 accepted"},
    ("KerasAdditiveAttention.cs", 37): {"*": C1 + ": initial scale fills ±√(6/2d)"},
    ("KerasAdditiveAttention.cs", 38): {"*": C1 + ": initial scale fills ±√(6/2d) symmetrically"},
    ("KerasAdditiveAttention.cs", 69): {"*": EQ + " in effect: with mixed ranks both branches throw ArgumentException (only the message differs)"},
    ("KerasAdditiveAttention.cs", 75): {"*": EQ + ": on this rank-3 path `unsqueeze(2)` is `unsqueeze(-2)`"},
    ("KerasAdditiveAttention.cs", 89): {"*": C2 + ": rank-2 inputs with `useScale: false` against Σ tanh(q_i + k_j) by hand"},
    ("KerasAttention.cs", 71): {"*": EQ + " in effect: with mixed ranks both branches throw ArgumentException (only the message differs)"},
    ("KerasAttention.cs", 83): {"*": EQ + ": on this rank-3 path `unsqueeze(2)` is `unsqueeze(-2)`"},
    ("KerasScores.cs", 46): {"Equality mutation|dropout >= 0": EQ + ": dropout with p = 0 is the identity", "*": C1 + ": Keras attentions drop weights only while training (rank 3)"},
    ("KerasScores.cs", 59): {"*": C2 + ": message 'masks need sequences'"},
    ("KerasScores.cs", 61): {"*": C2 + ": message 'expected rank-2 query …'"},
    ("KerasScores.cs", 67): {"*": EQ + ": scores are (B, B), so `softmax(1)` is `softmax(-1)`"},
    ("KerasScores.cs", 68): {"Equality mutation|dropout >= 0": EQ + ": dropout with p = 0 is the identity", "*": C1 + ": Keras attentions drop weights only while training (rank 2)"},
    ("LuongAttention.cs", 73): {"*": C1 + ": one query (B, d) = a one-step query"},
    ("LuongAttention.cs", 74): {"*": EQ + ": `projectedKeys` is documented as `ProjectKeys(keys)` (a cache only)"},
    ("LuongAttention.cs", 78): {"*": C1 + ": context = α · values with dv ≠ dk"},
    ("LuongAttention.cs", 79): {"*": C1 + ": shapes of a single query's result"},
    ("MultiHeadAttention.cs", 45): {"*": C1 + ": `embedDim = 0` refused"},
    ("MultiHeadAttention.cs", 46): {"*": C1 + ": `numHeads = 0` refused with ArgumentException (not a division by zero)"},
    ("MultiHeadAttention.cs", 48): {"*": C1 + ": dropout 1.0 and −0.1 refused, 0.0 accepted"},
    ("MultiHeadAttention.cs", 49): {"*": "open: only the text of the kdim message ('Expected kdim > 0 …'); the existing test checks the parameter name"},
    ("MultiHeadAttention.cs", 50): {"*": C1 + ": `vdim = 0` refused"},
    ("MultiHeadAttention.cs", 65): {"*": C1 + ": `bias: false` has no bias parameter"},
    ("MultiHeadAttention.cs", 67): {"*": C1 + ": biases start at zero; `bias: false` builds"},
    ("MultiHeadAttention.cs", 130): {"*": C1 + ": time-first cross-attention = batch-first"},
    ("MultiHeadAttention.cs", 131): {"*": C1 + ": time-first cross-attention = batch-first"},
    ("MultiHeadAttention.cs", 134): {
        "Logical mutation|FusedKernel || !needWeights": EQ + ": the fused kernel computes the same output as the explicit path (checked to 1e-5 by existing tests)",
        "LogicalNotExpression to un-LogicalNotExpression mutation|needWeights": C1 + ": asking for weights returns them with the fused kernel on",
        "Equality mutation|keyMask is not null": C1 + ": key mask with the fused kernel requested = explicit path",
        "Equality mutation|attentionMask is not null": C1 + ": attention mask with the fused kernel requested = explicit path",
        "Logical mutation|!causal && Tq == Tk": EQ + ": only moves unmasked square cases between two paths that agree",
        "LogicalNotExpression to un-LogicalNotExpression mutation|causal": EQ + ": only moves square causal/unmasked cases between two paths that agree",
        "Equality mutation|Tq != Tk": C2 + ": causal with 3 queries over 5 keys must not use the fused (top-left) causal mask",
    },
    ("MultiHeadAttention.cs", 135): {"*": EQ + ": the fused path ignores `mask`"},
    ("MultiHeadAttention.cs", 155): {"*": C2 + ": fused kernel in evaluation applies no dropout (the explicit path is gated again by `training`)"},
    ("MultiHeadAttention.cs", 174): {"Conditional (true)": C1 + ": time-first shape errors name (T, B, E)", "*": "open: empties the batch-first layout text of a message; existing tests check other parts of it"},
    ("MultiHeadAttention.cs", 175): {"*": C1 + ": time-first checks read the batch from dimension 1 (for `timeDim`: " + EQ + ", the variable is not used after)"},
    ("MultiHeadAttention.cs", 176): {"*": "open: empties the name in a shape message ('query'/'key'/'value'); tests check the shapes quoted, not the name"},
    ("MultiHeadAttention.cs", 179): {"*": C2 + ": only the keys' batch differs"},
    ("PositionalEncoding.cs", 24): {"*": C1 + ": `modelSize = 0` refused"},
    ("PositionalEncoding.cs", 27): {"*": C1 + ": its dropout is registered (evaluation is deterministic)"},
    ("QkvSelfAttention002.cs", 40): {"*": C1 + ": its parameters are registered"},
    ("QkvSelfAttention002.cs", 61): {"*": C1 + ": (B, 0, E) and wrong E refused"},
    ("ScaledDotProductAttention.cs", 30): {"*": C1 + ": an explicit scale replaces 1/√d"},
    ("ScaledDotProductAttention.cs", 33): {"*": EQ + ": dropout with p = 0 is the identity"},
    ("ScaledDotProductAttention.cs", 53): {"*": C1 + ": rank 2 accepted, rank 1 refused"},
    ("ScaledDotProductAttention.cs", 59): {"*": C1 + ": an empty query alone is refused"},
    ("ScaledDotProductAttention.cs", 61): {"*": C1 + ": leading (batch) dimensions compared"},
    ("ScaledDotProductAttention.cs", 62): {"*": C2 + ": only the keys' batch differs"},
}


def disposition(file, line, mutator, replacement):
    rules = D.get((file, line), {})
    for key, text in rules.items():
        if key == "*":
            continue
        name, _, repl = key.partition("|")
        if mutator.startswith(name) and repl in replacement:
            return text
    return rules.get("*", "open")


def key(m, name):
    return (name.split("/")[-1], m["location"]["start"]["line"], m["location"]["start"]["column"], m["mutatorName"], m.get("replacement", ""))


first = json.load(open(sys.argv[1]))
later = {}
for path in sys.argv[2:]:
    for name, f in json.load(open(path))["files"].items():
        for m in f["mutants"]:
            if m["status"] not in ("Ignored", "CompileError"):
                later[key(m, name)] = m["status"]

print("| file | line | mutation | first run | re-run | what was done |")
print("| --- | --- | --- | --- | --- | --- |")
for name, f in sorted(first["files"].items()):
    for m in sorted(f["mutants"], key=lambda m: (m["location"]["start"]["line"], m["location"]["start"]["column"])):
        if m["status"] not in ("Survived", "NoCoverage"):
            continue
        k = key(m, name)
        repl = m.get("replacement", "").replace("\n", " ").replace("|", "\\|")
        if len(repl) > 70:
            repl = repl[:67] + "…"
        d = disposition(k[0], k[1], m["mutatorName"], m.get("replacement", ""))
        if m["status"] == "NoCoverage" and d == "open":
            d = "no test reaches it (see below)"
        print(f"| {k[0]} | {k[1]} | {m['mutatorName']}: `{repl}` | {m['status']} | {later.get(k, '—')} | {d} |")
