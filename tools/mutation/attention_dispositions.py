#!/usr/bin/env python3
"""The Attention folder's surviving and uncovered mutants in a Stryker.NET JSON report (and those that survive a later
re-run), each with what was done about it, as a markdown table for docs/mutation.md; then, with --check, how the mutants
that each round of contract tests was written for fare, and any mutant called equivalent that a test detects.

    python3 tools/mutation/attention_dispositions.py [--check] REPORT.json [RERUN.json ...]   # later re-runs win

The dispositions (D) were written from the survivors of a first run on main at 720d8ca (rounds 1 and 2) and of the run
on 8de1164 (round 4, same lines) and are keyed by the line of Toolkit/Attention at 720d8ca. A report of another commit is matched to them by source text, not line number: the
stripped text of the mutant's line and which occurrence of that text in the file it is (ANCHOR gives both for every key
of D), so a shifted line keeps its disposition and an edited line loses it ("open"). A disposition that names a test
("... (round N)") while the mutant survives in REPORT is reported as killed only if a later report (a re-run with
FILES=... after the new tests) has it killed, as open until re-run for the round written from REPORT's survivors (C4),
and as open otherwise. Later reports fill the "re-run" column.
"""
import json
import sys

C1 = "`AttentionContractTests` (round 1)"
C2 = "`AttentionMaskContractTests` (round 2)"
C4 = "`AttentionMessageContractTests` (round 4)"
EQ = "equivalent"
MSG = "String mutation|"
# (file, line) -> {mutator prefix or "*": disposition}
D = {
    ("AdditiveAttention.cs", 65): {"*": C1 + ": one query (B, d) = a one-step query"},
    ("AdditiveAttention.cs", 66): {"*": EQ + ": `projectedKeys` is documented as `ProjectKeys(keys)`; recomputing it gives the same tensor (a cache only)"},
    ("AdditiveAttention.cs", 70): {"*": C1 + ": context = α · values with dv ≠ dk"},
    ("AdditiveAttention.cs", 71): {"*": C1 + ": shapes (B, dv), (B, Tk) of a single query"},
    ("AttentionChecks.cs", 19): {"*": C2 + ": an empty (B, 0, d) query is rejected"},
    ("AttentionMasks.cs", 19): {"*": C2 + ": `Causal(3, 5)` is (3, 5), bottom-right aligned"},
    ("AttentionMasks.cs", 48): {"Conditional (true)|true?4": C4 + ": without heads even a 4-D mask with an empty head dimension is refused",
                                "Equality mutation|heads >= 0": C4 + ": without heads even a 4-D mask with an empty head dimension is refused",
                                "*": C2 + ": without heads a 4-D mask is refused"},
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
    ("KerasAdditiveAttention.cs", 32): {MSG: C4 + ": the message says 'Expected dim > 0.'", "*": C1 + ": `dim = 0` is refused"},
    ("KerasAdditiveAttention.cs", 33): {MSG: C4 + ": the message says 'Expected dropout in [0, 1).'", "*": C1 + ": dropout 1.0 and −0.1 refused, 0.0 accepted"},
    ("KerasAdditiveAttention.cs", 37): {"*": C1 + ": initial scale fills ±√(6/2d)"},
    ("KerasAdditiveAttention.cs", 38): {"*": C1 + ": initial scale fills ±√(6/2d) symmetrically"},
    ("KerasAdditiveAttention.cs", 69): {"*": C4 + ": mixed ranks refused by the sequence form's check (with matching widths the rank-2 check would pass them)"},
    ("KerasAdditiveAttention.cs", 75): {"UnaryMinusExpression to UnaryPlusExpression mutation|+2": EQ + ": on this rank-3 path `unsqueeze(2)` is `unsqueeze(-2)`", "*": "open: no test named for it"},
    ("KerasAdditiveAttention.cs", 89): {"*": C2 + ": rank-2 inputs with `useScale: false` against Σ tanh(q_i + k_j) by hand"},
    ("KerasAttention.cs", 71): {"*": C4 + ": mixed ranks refused by the sequence form's check (with matching widths the rank-2 check would pass them)"},
    ("KerasAttention.cs", 83): {"UnaryMinusExpression to UnaryPlusExpression mutation|+2": EQ + ": on this rank-3 path `unsqueeze(2)` is `unsqueeze(-2)`", "*": "open: no test named for it"},
    ("KerasScores.cs", 46): {"Equality mutation|dropout >= 0": EQ + ": dropout with p = 0 is the identity", "*": C1 + ": Keras attentions drop weights only while training (rank 3)"},
    ("KerasScores.cs", 60): {"Logical mutation": C4 + ": a rank-2 query or key of another width than d alone is refused"},
    ("KerasScores.cs", 59): {"*": C2 + ": message 'masks need sequences'"},
    ("KerasScores.cs", 61): {"*": C2 + ": message 'expected rank-2 query …'"},
    ("KerasScores.cs", 67): {"*": EQ + ": scores are (B, B), so `softmax(1)` is `softmax(-1)`"},
    ("KerasScores.cs", 68): {"Equality mutation|dropout >= 0": EQ + ": dropout with p = 0 is the identity", "*": C1 + ": Keras attentions drop weights only while training (rank 2)"},
    ("LuongAttention.cs", 73): {"*": C1 + ": one query (B, d) = a one-step query"},
    ("LuongAttention.cs", 74): {"*": EQ + ": `projectedKeys` is documented as `ProjectKeys(keys)` (a cache only)"},
    ("LuongAttention.cs", 78): {"*": C1 + ": context = α · values with dv ≠ dk"},
    ("LuongAttention.cs", 79): {"*": C1 + ": shapes of a single query's result"},
    ("MultiHeadAttention.cs", 45): {MSG: C4 + ": the message says 'Expected embedDim > 0.'", "*": C1 + ": `embedDim = 0` refused"},
    ("MultiHeadAttention.cs", 46): {"*": C1 + ": `numHeads = 0` refused with ArgumentException (not a division by zero)"},
    ("MultiHeadAttention.cs", 48): {MSG: C4 + ": the message says 'Expected dropout in [0, 1).'", "*": C1 + ": dropout 1.0 and −0.1 refused, 0.0 accepted"},
    ("MultiHeadAttention.cs", 49): {MSG: C4 + ": the message says 'Expected kdim > 0 (or null for embedDim).'", "*": "open: no test for it"},
    ("MultiHeadAttention.cs", 50): {MSG: C4 + ": the message says 'Expected vdim > 0 (or null for embedDim).'", "*": C1 + ": `vdim = 0` refused"},
    ("MultiHeadAttention.cs", 106): {"Boolean mutation": EQ + ": `forward` returns only the output; asking for weights only stops the fused kernel (off by default), whose output equals the explicit path's"},
    ("MultiHeadAttention.cs", 65): {"*": C1 + ": `bias: false` has no bias parameter"},
    ("MultiHeadAttention.cs", 67): {"*": C1 + ": biases start at zero; `bias: false` builds"},
    ("MultiHeadAttention.cs", 130): {"Conditional (false)": EQ + ": with `self` the key is the query tensor, so `key.transpose(0, 1)` equals the transposed query", "*": C1 + ": time-first cross-attention = batch-first"},
    ("MultiHeadAttention.cs", 131): {"Conditional (false)": EQ + ": with `self` the value is the query tensor, so `value.transpose(0, 1)` equals the transposed query", "*": C1 + ": time-first cross-attention = batch-first"},
    ("MultiHeadAttention.cs", 134): {
        "Logical mutation|FusedKernel || !needWeights": C1 + ": without the fused kernel the weights are returned even when not asked for",
        "LogicalNotExpression to un-LogicalNotExpression mutation|needWeights": C1 + ": asking for weights returns them with the fused kernel on",
        "Equality mutation|keyMask is not null": C1 + ": key mask with the fused kernel requested = explicit path",
        "Equality mutation|attentionMask is not null": C1 + ": attention mask with the fused kernel requested = explicit path",
        "Logical mutation|!causal && Tq == Tk": C4 + ": the fused kernel (empty weights) runs for unmasked cross-attention and square causal attention",
        "LogicalNotExpression to un-LogicalNotExpression mutation|causal": C2 + ": causal with 3 queries over 5 keys must not use the fused (top-left) causal mask",
        "Equality mutation|Tq != Tk": C2 + ": causal with 3 queries over 5 keys must not use the fused (top-left) causal mask",
    },
    ("MultiHeadAttention.cs", 135): {"Conditional (false)": EQ + ": the fused path ignores `mask` (computing it is harmless: no mask given but causality)", "*": "open: no test named for it"},
    ("MultiHeadAttention.cs", 155): {"*": C2 + ": fused kernel in evaluation applies no dropout (the explicit path is gated again by `training`)"},
    ("MultiHeadAttention.cs", 174): {"Conditional (true)": C1 + ": time-first shape errors name (T, B, E)", "*": "open: empties the batch-first layout text of a message; existing tests check other parts of it"},
    ("MultiHeadAttention.cs", 175): {"Conditional (true)|(true?1": C4 + ": time-first checks read T from dimension 0 (4 values for 5 keys, no queries)",
                                     "*": C1 + ": time-first checks read the batch from dimension 1"},
    ("MultiHeadAttention.cs", 176): {MSG: C4 + ": shape messages name query, key, value (message and ParamName)", "*": "open: no test for it"},
    ("MultiHeadAttention.cs", 179): {"*": C2 + ": only the keys' batch differs"},
    ("PositionalEncoding.cs", 24): {MSG: C4 + ": the message says 'Expected modelSize > 0.'", "*": C1 + ": `modelSize = 0` refused"},
    ("PositionalEncoding.cs", 27): {"*": C1 + ": its dropout is registered (evaluation is deterministic)"},
    ("QkvSelfAttention002.cs", 40): {"*": C1 + ": its parameters are registered"},
    ("QkvSelfAttention002.cs", 61): {"*": C1 + ": (B, 0, E) and wrong E refused"},
    ("QkvSelfAttention002.cs", 62): {MSG: C4 + ": the message quotes (B, T ≥ 1, E) and the shape given"},
    ("ScaledDotProductAttention.cs", 30): {"*": C1 + ": an explicit scale replaces 1/√d"},
    ("ScaledDotProductAttention.cs", 33): {"Equality mutation|dropout >= 0": EQ + ": dropout with p = 0 is the identity", "*": "open: no test named for it"},
    ("ScaledDotProductAttention.cs", 53): {"*": C1 + ": rank 2 accepted, rank 1 refused"},
    ("ScaledDotProductAttention.cs", 54): {MSG: C4 + ": the rank message"},
    ("ScaledDotProductAttention.cs", 59): {"*": C1 + ": an empty query alone is refused"},
    ("ScaledDotProductAttention.cs", 60): {MSG: C4 + ": the empty-sequence message"},
    ("ScaledDotProductAttention.cs", 61): {"*": C1 + ": leading (batch) dimensions compared"},
    ("ScaledDotProductAttention.cs", 62): {"*": C2 + ": only the keys' batch differs"},
    ("ScaledDotProductAttention.cs", 63): {MSG: C4 + ": the leading-dimensions message"},
}


# (file, line at 720d8ca; the entries added from the 8de1164 run have the same line there) -> (stripped source text of that line, its occurrence among equal lines of the file, 1-based)
ANCHOR = {
    ("AdditiveAttention.cs", 65): ('var q = single ? query.unsqueeze(1) : query;', 1),
    ("AdditiveAttention.cs", 66): ('var pk = projectedKeys ?? key_proj.call(keys);', 1),
    ("AdditiveAttention.cs", 70): ('var c = matmul(alpha, values ?? keys);', 1),
    ("AdditiveAttention.cs", 71): ('return (single ? new AttentionResult(c.squeeze(1), alpha.squeeze(1)) : new AttentionResult(c, alpha)).MoveToOuter();', 1),
    ("AttentionChecks.cs", 19): ('if (query.dim() == 3 && query.shape[1] == 0)', 1),
    ("AttentionMasks.cs", 19): ('long tk = keys ?? queries;', 1),
    ("AttentionMasks.cs", 48): ('int rank = heads > 0 ? 4 : 3;', 1),
    ("AttentionMasks.cs", 57): ('bool ok = attentionMask.dtype == ScalarType.Bool && attentionMask.dim() >= 2 && attentionMask.dim() <= rank', 1),
    ("AttentionMasks.cs", 59): ('&& (attentionMask.dim() < 3 || attentionMask.shape[0] == batch)', 1),
    ("AttentionMasks.cs", 60): ('&& (attentionMask.dim() < 4 || attentionMask.shape[1] == heads);', 1),
    ("AttentionMasks.cs", 63): ('string expected = heads > 0 ? $"({queries}, {keys}), ({batch}, {queries}, {keys}) or ({batch}, {heads}, {queries}, {keys})" : $"({queries}, {keys}) or ({batch}, {queries}, {keys})";', 1),
    ("AttentionMasks.cs", 66): ('var m = heads > 0 && attentionMask.dim() == 3 ? attentionMask.unsqueeze(1) : attentionMask;', 1),
    ("Bahdanau000AsPrintedAttention.cs", 36): ('double k = 1 / Math.Sqrt(stateSize + inputSize), ks = 1 / Math.Sqrt(units);', 1),
    ("Bahdanau000AsPrintedAttention.cs", 37): ('W_e = new Parameter(empty(units, stateSize + inputSize).uniform_(-k, k));', 1),
    ("Bahdanau000AsPrintedAttention.cs", 38): ('b_e = new Parameter(empty(units).uniform_(-k, k));', 1),
    ("Bahdanau000AsPrintedAttention.cs", 39): ('W_s = new Parameter(empty(units).uniform_(-ks, ks));', 1),
    ("Bahdanau000AsPrintedAttention.cs", 69): ('var h = single ? state.unsqueeze(1) : state;', 1),
    ("Bahdanau000AsPrintedAttention.cs", 70): ('var px = projectedInputs ?? ProjectInputs(inputs);', 1),
    ("Bahdanau000AsPrintedAttention.cs", 76): ('return (single ? new AttentionResult(c.squeeze(1), alpha.squeeze(1)) : new AttentionResult(c, alpha)).MoveToOuter();', 1),
    ("KerasAdditiveAttention.cs", 32): ('if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "Expected dim > 0.");', 1),
    ("KerasAdditiveAttention.cs", 33): ('if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Expected dropout in [0, 1).");', 1),
    ("KerasAdditiveAttention.cs", 37): ('double limit = Math.Sqrt(6.0 / (dim + dim));                 // Keras glorot_uniform of a vector: fan_in = fan_out = d', 1),
    ("KerasAdditiveAttention.cs", 38): ('scale = useScale ? new Parameter(empty(dim).uniform_(-limit, limit)) : null;', 1),
    ("KerasAdditiveAttention.cs", 69): ('if (query.dim() == 2 && key.dim() == 2 && value.dim() == 2)', 1),
    ("KerasAdditiveAttention.cs", 75): ('var t = (query.unsqueeze(-2) + key.unsqueeze(-3)).tanh();                // tanh(q_i + k_j): (B, Tq, Tv, d)', 1),
    ("KerasAdditiveAttention.cs", 89): ('return KerasScores.ApplyAcrossBatch((scale is null ? t : t * scale).sum(dim: -1), value, Dropout, training).MoveToOuter();', 1),
    ("KerasAttention.cs", 71): ('if (query.dim() == 2 && key.dim() == 2 && value.dim() == 2)', 1),
    ("KerasAttention.cs", 83): ('var sum = query.unsqueeze(-2) + key.unsqueeze(-3);', 1),
    ("KerasScores.cs", 46): ('var used = dropout > 0 && training ? nn.functional.dropout(weights, dropout, true) : weights;', 1),
    ("KerasScores.cs", 59): ('throw new ArgumentException($"{who}: masks need sequences (B, T, d); got rank-2 query {S(query)}.", nameof(query));', 1),
    ("KerasScores.cs", 60): ('if (query.shape[1] != d || key.shape[1] != d || key.shape[0] != value.shape[0] || query.shape[0] != key.shape[0] || query.shape[0] == 0)', 1),
    ("KerasScores.cs", 61): ('throw new ArgumentException($"{who}: expected rank-2 query (B, d), value (B, dv) and key (B, d) with the same B ≥ 1 and d = {d}; got query {S(query)}, value {S(value)}, key {S(key)}.", nameof(query));', 1),
    ("KerasScores.cs", 67): ('var weights = scores.softmax(-1);', 2),
    ("KerasScores.cs", 68): ('var used = dropout > 0 && training ? nn.functional.dropout(weights, dropout, true) : weights;', 2),
    ("LuongAttention.cs", 73): ('var q = single ? query.unsqueeze(1) : query;', 1),
    ("LuongAttention.cs", 74): ('var pk = projectedKeys ?? ProjectKeys(keys);', 1),
    ("LuongAttention.cs", 78): ('var c = matmul(alpha, values ?? keys);', 1),
    ("LuongAttention.cs", 79): ('return (single ? new AttentionResult(c.squeeze(1), alpha.squeeze(1)) : new AttentionResult(c, alpha)).MoveToOuter();', 1),
    ("MultiHeadAttention.cs", 45): ('if (embedDim <= 0) throw new ArgumentOutOfRangeException(nameof(embedDim), embedDim, "Expected embedDim > 0.");', 1),
    ("MultiHeadAttention.cs", 46): ('if (numHeads <= 0 || embedDim % numHeads != 0)', 1),
    ("MultiHeadAttention.cs", 48): ('if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Expected dropout in [0, 1).");', 1),
    ("MultiHeadAttention.cs", 49): ('if (kdim <= 0) throw new ArgumentOutOfRangeException(nameof(kdim), kdim, "Expected kdim > 0 (or null for embedDim).");', 1),
    ("MultiHeadAttention.cs", 50): ('if (vdim <= 0) throw new ArgumentOutOfRangeException(nameof(vdim), vdim, "Expected vdim > 0 (or null for embedDim).");', 1),
    ("MultiHeadAttention.cs", 65): ('in_proj_bias = bias ? new Parameter(zeros(3 * embedDim)) : null;', 1),
    ("MultiHeadAttention.cs", 67): ('if (bias) using (no_grad()) out_proj.bias!.zero_();', 1),
    ("MultiHeadAttention.cs", 106): ('return Run(query, key, value, needWeights: false).Output.MoveToOuterDisposeScope();', 1),
    ("MultiHeadAttention.cs", 130): ('key = self ? query : key.transpose(0, 1);', 1),
    ("MultiHeadAttention.cs", 131): ('value = self ? query : value.transpose(0, 1);', 1),
    ("MultiHeadAttention.cs", 134): ('bool fused = FusedKernel && !needWeights && keyMask is null && attentionMask is null && (!causal || Tq == Tk);', 1),
    ("MultiHeadAttention.cs", 135): ('var mask = fused ? null : AttentionMasks.Combine(nameof(MultiHeadAttention), B, h, Tq, Tk, keyMask, attentionMask, causal, query.device);', 1),
    ("MultiHeadAttention.cs", 155): ('double p = training ? Dropout : 0;', 1),
    ("MultiHeadAttention.cs", 174): ('string layout = BatchFirst ? "(B, T, E)" : "(T, B, E)";', 1),
    ("MultiHeadAttention.cs", 175): ('int batchDim = BatchFirst ? 0 : 1, timeDim = BatchFirst ? 1 : 0;', 1),
    ("MultiHeadAttention.cs", 176): ('foreach (var (t, name, size, symbol) in new[] { (query, "query", EmbedDim, "E"), (key, "key", KeyDim, "kdim"), (value, "value", ValueDim, "vdim") })', 1),
    ("MultiHeadAttention.cs", 179): ('if (key.shape[batchDim] != query.shape[batchDim] || value.shape[batchDim] != query.shape[batchDim])', 1),
    ("PositionalEncoding.cs", 24): ('if (modelSize <= 0) throw new ArgumentOutOfRangeException(nameof(modelSize), modelSize, "Expected modelSize > 0.");', 1),
    ("PositionalEncoding.cs", 27): ('RegisterComponents();', 1),
    ("QkvSelfAttention002.cs", 40): ('RegisterComponents();', 1),
    ("QkvSelfAttention002.cs", 62): ('throw new ArgumentException($"QkvSelfAttention002: expected input of shape (B, T ≥ 1, {EmbeddingSize}); got [{string.Join(", ", x.shape)}].", nameof(x));', 1),
    ("QkvSelfAttention002.cs", 61): ('if (x.dim() != 3 || x.shape[2] != EmbeddingSize || x.shape[1] == 0)', 1),
    ("ScaledDotProductAttention.cs", 30): ('double s = scale ?? 1.0 / Math.Sqrt(query.shape[^1]);', 1),
    ("ScaledDotProductAttention.cs", 33): ('var used = dropout > 0 && training ? nn.functional.dropout(weights, dropout, true) : weights;', 1),
    ("ScaledDotProductAttention.cs", 53): ('if (query.dim() < 2 || key.dim() != query.dim() || value.dim() != query.dim())', 1),
    ("ScaledDotProductAttention.cs", 54): ('throw new ArgumentException($"{who}: expected query, key and value of the same rank ≥ 2, (…, T, d); got query {S(query)}, key {S(key)}, value {S(value)}.", nameof(query));', 1),
    ("ScaledDotProductAttention.cs", 59): ('if (query.shape[^2] == 0 || key.shape[^2] == 0)', 1),
    ("ScaledDotProductAttention.cs", 60): ('throw new ArgumentException($"{who}: expected at least one query and one key; got query {S(query)}, key {S(key)}.", nameof(query));', 1),
    ("ScaledDotProductAttention.cs", 61): ('for (int i = 0; i < query.dim() - 2; i++)', 1),
    ("ScaledDotProductAttention.cs", 63): ('throw new ArgumentException($"{who}: expected the same leading (batch) dimensions; got query {S(query)}, key {S(key)}, value {S(value)}.", nameof(key));', 1),
    ("ScaledDotProductAttention.cs", 62): ('if (query.shape[i] != key.shape[i] || query.shape[i] != value.shape[i])', 1),
}
assert set(ANCHOR) == set(D), set(ANCHOR) ^ set(D)
BY_TEXT = {(f, text, occ): (f, line) for (f, line), (text, occ) in ANCHOR.items()}
TESTED = (C1, C2, C4)
AFTER = (C4,)  # tests written from the survivors of REPORT itself


def anchor(file, source_lines, line):
    """(file, stripped text of the line, occurrence of that text up to the line) of a line in the report's source."""
    text = source_lines[line - 1].strip()
    return file, text, sum(1 for s in source_lines[:line] if s.strip() == text)


def rules_for(file, source_lines, line):
    return D.get(BY_TEXT.get(anchor(file, source_lines, line)), {})


def disposition(rules, mutator, replacement):
    for key, text in rules.items():
        if key == "*":
            continue
        name, _, repl = key.partition("|")
        if mutator.startswith(name) and repl in replacement:
            return text
    return rules.get("*", "open")


def key(m, name):
    return (name.split("/")[-1], m["location"]["start"]["line"], m["location"]["start"]["column"], m["mutatorName"], m.get("replacement", ""))


def short(text, n=70):
    text = text.replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= n else text[:n - 3] + "…"


args = [a for a in sys.argv[1:] if not a.startswith("--")]
check = "--check" in sys.argv
report = json.load(open(args[0]))
later = {}  # key -> status in the latest report that ran the mutant
alive_later = set()  # keys that survive some later report
for path in args[1:]:
    for name, f in json.load(open(path))["files"].items():
        for m in f["mutants"]:
            if m["status"] not in ("Ignored", "CompileError"):
                later[key(m, name)] = m["status"]
            if m["status"] in ("Survived", "NoCoverage"):
                alive_later.add(key(m, name))

ALIVE = ("Survived", "NoCoverage")
rerun = " re-run |" if later else ""
print(f"| file | line | mutation | status |{rerun} disposition |")
print("| --- | --- | --- | --- |" + (" --- |" if later else "") + " --- |")
contradicted = []  # "equivalent" dispositions of mutants that a test detects
tested = {}  # disposition naming a test -> [detected, not detected], by the latest report that ran the mutant
for name, f in sorted(report["files"].items()):
    file = name.split("/")[-1]
    source = f["source"].split("\n")
    for m in sorted(f["mutants"], key=lambda m: (m["location"]["start"]["line"], m["location"]["start"]["column"])):
        if m["status"] in ("Ignored", "CompileError"):
            continue
        line = m["location"]["start"]["line"]
        d = disposition(rules_for(file, source, line), m["mutatorName"], m.get("replacement", ""))
        again = later.get(key(m, name))
        if d.startswith(TESTED):
            tested.setdefault(d.split(":")[0], [0, 0])[1 if (again or m["status"]) in ALIVE else 0] += 1
        if d.startswith(EQ) and (again or m["status"]) not in ALIVE:
            contradicted.append(f"{file}:{line} {m['mutatorName']} `{short(m.get('replacement', ''), 50)}` is {again or m['status']}")
        # Every mutant that survives in REPORT or in any re-run (a timeout of REPORT may survive a re-run).
        if m["status"] not in ALIVE and key(m, name) not in alive_later:
            continue
        if d.startswith(TESTED):
            test = d.split(":")[0]
            if again == "Killed":
                d = "killed in the re-run by " + d
            elif again == "Timeout":
                d = "timeout in the re-run with " + d
            elif again is None and m["status"] in ALIVE and d.startswith(AFTER):
                d = "open until re-run: " + d + " (test added after this run)"
            else:
                d = "open: " + test + " was written for it, but it " + ("survives the re-run" if again else "survives here")
        elif d == "open" and "NoCoverage" in (m["status"], again):
            d = "open: no test reaches it"
        cell = f" {again or '—'} |" if later else ""
        print(f"| {file} | {line} | {m['mutatorName']}: `{short(m.get('replacement', ''))}` | {m['status']} |{cell} {d} |")
if check:
    print()
    for t, (detected, alive) in sorted(tested.items()):
        print(f"- {t}: {detected} of {detected + alive} mutants on the lines it was written for are killed or time out (in the re-run where it ran them)")
    print(f"- mutants called equivalent but detected: {len(contradicted)}" + "".join(f"\n  - {c}" for c in contradicted))
