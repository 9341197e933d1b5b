// 002-rnn-variants-and-improvements: the notebook 002-rnn-variants-and-improvements.ipynb as a .NET file-based app, written by `dotnet run --project Runner -- export <notebook> --to app`
// (edit the notebook, then export again). Run: `dotnet run 002-rnn-variants-and-improvements.cs` (parameters: `dotnet run 002-rnn-variants-and-improvements.cs -- --name value`).
// Text goes to the console; 002-rnn-variants-and-improvements.html beside this file gets the report: markdown, code, tables and charts.
#:package RnnToolkit@0.1.0
#:package RnnToolkit.Formatters@0.1.0
#:property PublishAot=false

using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Models;
using RnnToolkit.Training;
using RnnToolkit.Data;
using RnnToolkit.Experiments;
using RnnToolkit.Attention;
using RnnToolkit.Formatting;
using RnnToolkit.Notebooks;
using TorchSharp;
using static TorchSharp.torch;
using Notebook = RnnToolkit.Formatting.NotebookApp;
using static RnnToolkit.Formatting.NotebookAppDisplay;

Notebook.Start("002-rnn-variants-and-improvements");

// ==== cell 0: markdown ====
// # 002 — RNN 的变种与改进 (RNN variants and improvements: LSTM, GRU, self-attention)
//
// Document 002, *RNN 的变种与改进* (source file `002_ba6f00a086465580.txt`; the five documents are not part of this repository) states the RNN, LSTM, GRU and self-attention equations (§2), walks
// through them gate by gate (§3), gives three Keras snippets (§4: LSTM and GRU with `return_sequences=True`, and a Q/K/V
// "self-attention" model) and a short FAQ (§6). This notebook follows it section by section: each equation in LaTeX (the
// canonical form, with 002's printed form beside it where they differ), C# that runs it with RnnToolkit, and a measured
// output. Two printed forms are wrong and both are run against the correct ones on the same data: the GRU of §2.3/§3.2.3
// and the self-attention code of §4.3.

// ==== cell 1: code ====
// The notebook adds the local package feed (artifacts/feed) to its kernel here; this app gets it from the NuGet.config beside it.

// ==== cell 2: code ====
Notebook.Cell(2);
// Set-up 2/2
// #r "nuget: RnnToolkit, 0.1.0"   (the app's #:package directive)
// #r "nuget: RnnToolkit.Formatters, 0.1.0"   (the app's #:package directive)

// ==== cell 3: code ====
Notebook.Cell(3);
// tags: parameters
var notebookParameters = Notebook.Parameters(args, "seed", "recallDelay", "recallEpochs", "recallLearningRates", "gruHidden", "copySymbols", "copyDelay", "kerasUnits", "kerasEpochs", "attentionSteps", "embeddingDim", "countSamples", "countEpochs", "rangeDistances", "rangeSamples", "rangeEpochs", "rangeWidth");
var seed = notebookParameters.Get("seed", 42);                 // seeds torch, the data generators and the trainers' shuffling
var recallDelay = notebookParameters.Get("recallDelay", 20);          // §3.2 GRU comparison: steps between the symbol and its recall
var recallEpochs = notebookParameters.Get("recallEpochs", 15);
var recallLearningRates = notebookParameters.Get("recallLearningRates", new[] { 0.003, 0.01, 0.03 });   // §3.2: Adam learning rates swept for each GRU (same seed, data and budget)
var gruHidden = notebookParameters.Get("gruHidden", 32);            // §3.2: the printed GRU needs input size = hidden size (an input projection feeds it)
var copySymbols = notebookParameters.Get("copySymbols", 3);           // §4.1/4.2: symbols to copy back (per-step classification, return_sequences=True)
var copyDelay = notebookParameters.Get("copyDelay", 2);
var kerasUnits = notebookParameters.Get("kerasUnits", 128);          // §4.1/4.2: LSTM/GRU(units=128) as printed
var kerasEpochs = notebookParameters.Get("kerasEpochs", 10);
var attentionSteps = notebookParameters.Get("attentionSteps", 8);        // §4.3: T (the printed model only runs when T = attention_units)
var embeddingDim = notebookParameters.Get("embeddingDim", 16);         // §4.3: embedding_dim
var countSamples = notebookParameters.Get("countSamples", 2000);       // §4.3 training: sequences of attentionSteps tokens (75 % train, 25 % validation)
var countEpochs = notebookParameters.Get("countEpochs", 15);
var rangeDistances = notebookParameters.Get("rangeDistances", new[] { 5, 10, 20, 40 });   // §2.4 long-range: steps from the marked symbol to the answer
var rangeSamples = notebookParameters.Get("rangeSamples", 1200);       // §2.4 long-range: sequences per distance (75 % train, 25 % validation)
var rangeEpochs = notebookParameters.Get("rangeEpochs", 12);
var rangeWidth = notebookParameters.Get("rangeWidth", 32);           // §2.4 long-range: hidden units of the RNNs = model size of the encoder

// ==== cell 4: code ====
Notebook.Cell(4);
var session = RnnToolkit.Notebook.Start(seed);   // loads TorchSharp's native library, registers the formatters, seeds torch, prints what it did
var checks = session.Checks;                     // the metrics this notebook promises, each with its rule where it is measured; the last cell verifies them

// ==== cell 5: markdown ====
// ## 1. 背景介绍 (Background)
//
// RNNs carry a hidden state through a sequence; plain RNNs have trouble with long-range dependencies (vanishing and
// exploding gradients — 002 writes "梯状错误", a typo for 梯度, *gradient*). LSTM, GRU and self-attention are the remedies
// 002 covers.
//
// ## 2. 核心概念与联系 (Core concepts and connections)
//
// ### 2.1 递归神经网络 (RNN)
//
// As printed (correct):
//
// $$h_t = \tanh(W_{hh}h_{t-1} + W_{xh}x_t + b_h), \qquad y_t = W_{hy}h_t + b_y$$
//
// `Models.ElmanNetwork` is these two lines; the cell runs it and recomputes $h_t$, $y_t$ by hand from its weights
// (PyTorch's layout splits $b_h$ into `bias_ih + bias_hh`).

// ==== cell 6: code ====
Notebook.Cell(6);
torch.random.manual_seed(seed);
var elman = new ElmanNetwork(3, 5, 2);
var xs = torch.randn(1, 6, 3);
var elmanOut = elman.call(xs);
var rnnCell = (RnnCell)elman.rnn.Cell;
var outLayer = elman.W_hy;
var h = torch.zeros(1, 5);
var handY = new List<Tensor>();
for (int t = 0; t < 6; t++)
{
    h = torch.tanh(h.matmul(rnnCell.weight_hh.t()) + xs[.., t].matmul(rnnCell.weight_ih.t()) + rnnCell.bias_ih! + rnnCell.bias_hh!);
    handY.Add(h.matmul(outLayer.weight.t()) + outLayer.bias!);
}
var elmanError = (torch.stack(handY, 1) - elmanOut).abs().max().ToDouble();
checks.Expect("RNN by hand vs ElmanNetwork", elmanError).Below(1e-5, "float32 agreement of two computations");
Console.WriteLine($"max |by hand − ElmanNetwork| = {elmanError:E2}");
display(elmanOut);

// ==== cell 7: markdown ====
// ### 2.2 长短期记忆网络 (LSTM) and 3.1 (its gates one by one)
//
// 002 prints the standard LSTM (no peepholes), correct apart from naming ($W_{ii}, W_{ff}, W_{oo}, W_{gg}$ are the input
// weights of each gate, usually $W_{xi}, W_{xf}, \dots$; $c_t$ is the *cell* state, not "the hidden state"):
//
// $$\begin{aligned}
// i_t &= \sigma(W_{ii}x_t + W_{hi}h_{t-1} + b_i) &&\text{3.1.1 input gate}\\
// f_t &= \sigma(W_{ff}x_t + W_{hf}h_{t-1} + b_f) &&\text{3.1.2 forget gate}\\
// o_t &= \sigma(W_{oo}x_t + W_{ho}h_{t-1} + b_o) &&\text{3.1.3 output gate}\\
// g_t &= \tanh(W_{gg}x_t + W_{hg}h_{t-1} + b_g) &&\text{3.1.4 candidate}\\
// c_t &= f_t \odot c_{t-1} + i_t \odot g_t &&\text{3.1.5 cell update}\\
// h_t &= o_t \odot \tanh(c_t) &&\text{3.1.6 output}
// \end{aligned}$$
//
// The cell computes each gate by hand from an `LstmCell`'s weights (PyTorch's gate order i, f, g, o) and compares the
// result with the toolkit's LSTM over a whole sequence; the table shows the gates' values at each step for one unit.

// ==== cell 8: code ====
Notebook.Cell(8);
torch.random.manual_seed(seed);
var lstmCell = new LstmCell(3, 4);
var lstmLayer = new Recurrent(lstmCell);
var lx = torch.randn(1, 6, 3);
var lstmOut = lstmLayer.Run(lx).Output;
Tensor W(Tensor w, int gate) => w.chunk(4, 0)[gate];                     // rows of gate: 0 i, 1 f, 2 g, 3 o
Tensor B(int gate) => lstmCell.bias_ih!.chunk(4, 0)[gate] + lstmCell.bias_hh!.chunk(4, 0)[gate];
Tensor Gate(int g, Tensor x, Tensor hPrev) => x.matmul(W(lstmCell.weight_ih, g).t()) + hPrev.matmul(W(lstmCell.weight_hh, g).t()) + B(g);
var (lh, lc) = (torch.zeros(1, 4), torch.zeros(1, 4));
var gateValues = new List<double[]>();                                    // unit 0's i, f, g, o, c, h at each step
var lstmHand = new List<Tensor>();
for (int t = 0; t < 6; t++)
{
    var x = lx[.., t];
    var i = Gate(0, x, lh).sigmoid();
    var f = Gate(1, x, lh).sigmoid();
    var g = Gate(2, x, lh).tanh();
    var o = Gate(3, x, lh).sigmoid();
    lc = f * lc + i * g;
    lh = o * lc.tanh();
    lstmHand.Add(lh);
    gateValues.Add(new[] { i, f, g, o, lc, lh }.Select(v => Math.Round(v[0, 0].ToDouble(), 3)).ToArray());
}
var lstmError = (torch.stack(lstmHand, 1) - lstmOut).abs().max().ToDouble();
checks.Expect("LSTM by hand vs LstmCell", lstmError).Below(1e-5, "float32 agreement of two computations");
Console.WriteLine($"max |gate-by-gate − LstmCell| over 6 steps = {lstmError:E2}; unit 0's gates:");
display(gateValues.Select((v, t) => new { t, i_t = v[0], f_t = v[1], g_t = v[2], o_t = v[3], c_t = v[4], h_t = v[5] }).ToTable());

// ==== cell 9: markdown ====
// ### 2.3 门控递归单元 (GRU) and 3.2 (its gates one by one)
//
// 002 calls $r_t$ the "merge gate" (合并门); it is the **reset** gate. Its update and reset gates (3.2.1, 3.2.2) are the
// standard ones; its state update (2.3 and 3.2.3) is not:
//
// As printed:
//
// $$h_t = (1 - z_t) \odot r_t \odot \tanh\big(W_{hh}x_t + (1 - z_t) \odot W_{hh}h_{t-1} + b_h\big) + z_t \odot h_{t-1}$$
//
// Canonical (Cho et al. 2014; $z$ multiplies the old state, as in PyTorch and Keras):
//
// $$\begin{aligned}
// z_t &= \sigma(W_{xz}x_t + W_{hz}h_{t-1} + b_z), \qquad r_t = \sigma(W_{xr}x_t + W_{hr}h_{t-1} + b_r)\\
// \tilde h_t &= \tanh\big(W_{xh}x_t + W_{hh}(r_t \odot h_{t-1}) + b_h\big), \qquad h_t = (1 - z_t) \odot \tilde h_t + z_t \odot h_{t-1}
// \end{aligned}$$
//
// Three differences: the reset gate scales the candidate's *output* instead of $h_{t-1}$ inside it; one matrix
// $W_{hh}$ multiplies both $x_t$ and $h_{t-1}$ (so the printed cell only type-checks when the input size equals the hidden
// size); and $(1 - z_t)$ appears twice. The printed form keeps the carry term $z_t \odot h_{t-1}$, so unlike 000's GRU it
// *can* hold a value. Measured on a delayed-recall task (one of 4 symbols, `recallDelay` blanks, a delimiter; output the
// symbol at the last step; chance 25 %), both behind the same input projection to `gruHidden` units (the printed cell
// needs input size = hidden size), same data, seed and budget. `Gru002AsPrintedCell` is 002's equation exactly.
//
// One learning rate can favour one cell, so each GRU gets the same small sweep of Adam learning rates
// (`recallLearningRates`), every run with the same seed, data and number of epochs; the table reports each model's best
// (chosen on the validation split it is scored on, so the best numbers are slightly optimistic for both alike).

// ==== cell 10: code ====
Notebook.Cell(10);
var recall = CopyTask.Generate(1200, symbols: 1, delay: recallDelay, alphabet: 4, seed: seed);
var (recTrain, recVal) = recall.Split(0.25);
long classes = recall.X.shape[2];
// Baseline: always answer the symbol most frequent at the recall step of the validation sequences (≈ chance, 1/4).
var recallLast = recVal.Y[.., -1];
var recallMajority = checks.Baseline("recall: majority class (validation)", (double)recallLast.bincount(null).max().ToInt64() / recallLast.numel());
double RecallAccuracy(nn.Module<Tensor, Tensor> model, SupervisedData d)
{
    using var _ = no_grad();
    model.eval();
    return model.call(d.X).argmax(-1)[.., -1].eq(d.Y[.., -1]).to_type(ScalarType.Float32).mean().ToDouble();
}
var recallModels = new Dictionary<string, nn.Module<Tensor, Tensor>>();
Func<nn.Module<Tensor, Tensor>> Keep(string name, Func<nn.Module<Tensor, Tensor>> make) => () => recallModels[name] = make();
var sweep = new List<(string Model, double Lr, double Recall, ComparisonRow Row, History History)>();
foreach (var lr in recallLearningRates)
{
    var runs = Comparison.Run(new[]
    {
        new Variant("GRU canonical (GruCell)", Keep("GRU canonical (GruCell)", () => nn.Sequential(nn.Linear(classes, gruHidden), new Recurrent(new GruCell(gruHidden, gruHidden)), nn.Linear(gruHidden, classes)))),
        new Variant("GRU as printed in 002", Keep("GRU as printed in 002", () => nn.Sequential(nn.Linear(classes, gruHidden), new Recurrent(new Gru002AsPrintedCell(gruHidden, gruHidden)), nn.Linear(gruHidden, classes)))),
    }, recTrain, recVal, Losses.SparseCategoricalCrossEntropy(fromLogits: true), Optimizers.Adam(lr), null, epochs: recallEpochs, batchSize: 32, seed: seed);
    foreach (var r in runs.Rows) sweep.Add((r.Name, lr, RecallAccuracy(recallModels[r.Name], recVal), r, runs.Histories[r.Name]));
}
var best = sweep.GroupBy(r => r.Model).Select(g => g.OrderByDescending(r => r.Recall).ThenBy(r => r.Row.Final["val_loss"]).First()).ToList();
var gruTable = best.Select(b => new
{
    model = b.Model, parameters = b.Row.Parameters, seconds_per_epoch = Math.Round(b.Row.SecondsPerEpoch, 2), best_learning_rate = b.Lr,
    best_recall_accuracy = Math.Round(b.Recall, 3), best_val_loss = Math.Round(b.Row.Final["val_loss"], 4),
    recall_accuracy_per_learning_rate = string.Join("  ", sweep.Where(r => r.Model == b.Model).Select(r => $"{r.Lr}: {r.Recall:F3}")),
}).ToList();
// The canonical GRU learns (its best run well above the majority class); the printed one learns at every learning rate
// tried, and even its worst run stays clearly above the canonical GRU's best (the gap no learning rate closes).
checks.Expect("GRU canonical best recall accuracy", best[0].Recall).AtLeast(recallMajority, 0.3);
var canonicalBest = checks.Baseline("GRU canonical best recall accuracy");
checks.Expect("GRU 002 worst recall accuracy in the sweep", sweep.Where(r => r.Model == best[1].Model).Min(r => r.Recall))
    .AtLeast(recallMajority, 0.6).AtLeast(canonicalBest, 0.15);
Console.WriteLine($"majority class at the recall step (validation): {recallMajority.Value:F3}");
display(gruTable.ToTable());
display(Charts.XY(best.Select(b => (b.Model, (IReadOnlyList<double>)recallLearningRates.Select(Math.Log10).ToList(), (IReadOnlyList<double>)sweep.Where(r => r.Model == b.Model).Select(r => r.Recall).ToList())),
    $"delayed recall over {recallDelay} steps: accuracy after {recallEpochs} epochs", "log10 of Adam's learning rate", "recall accuracy (chance 0.25)"));

// ==== cell 11: code ====
Notebook.Cell(11);
// The best run of each: training (solid) and validation (dashed) loss per epoch.
display(Charts.ComparisonCurves(new ComparisonResult(best.Select(b => b.Row with { Name = $"{b.Model}, lr {b.Lr}" }).ToList(),
    best.ToDictionary(b => $"{b.Model}, lr {b.Lr}", b => b.History))));

// ==== cell 12: markdown ====
// The result is not the one the audit expected, and the learning-rate sweep does not reverse it: **002's printed GRU
// recalls perfectly at every learning rate tried** (accuracy 1.000 at 0.003, 0.01 and 0.03), while the canonical GRU,
// behind the same input projection, improves with the learning rate — 0.277, 0.493, 0.727 — and is best at the largest
// value tried, so its optimum may lie beyond the sweep and after 15 epochs it has not converged (its best validation loss
// is 0.0179 against the printed cell's 1E-4, the table's `best_val_loss`). What the evidence shows: the canonical cell's
// accuracy depends strongly on the learning rate (0.277 at 0.003, 0.727 at 0.03), but no setting in the sweep closes the
// gap; on this hold-and-recall task, seed and budget the printed cell is the easier one to optimise and the less sensitive
// to the learning rate. A plausible
// reason: it keeps the carry term $z_t \odot h_{t-1}$, which is what holding a value needs, and its extra factors ($r_t$
// on the candidate, $(1 - z_t)$ twice) shrink the candidate so the state changes less per step. What it does not show:
// that the printed form is a better GRU in general — it is one task and one seed, and the printed cell is still not the
// GRU of Cho et al. or of any library (one shared $W_{hh}$, input size forced to equal hidden size), so the toolkit's GRU
// layers implement the canonical form. The checks compare with always answering the most frequent symbol at the recall
// step of the validation sequences (printed above the table): the canonical GRU's best run must exceed it by 0.3, and the
// printed GRU's *worst* run must exceed it by 0.6 and the canonical GRU's best by 0.15.
//
// ### 2.4 自注意力机制 (Self-attention) and 3.3 (weights, output)
//
// As printed (3.3.1, 3.3.2), with a generic score function $a$:
//
// $$e_{ij} = \frac{\exp\big(a(Q_i \cdot K_j)\big)}{\sum_{j'=1}^{N} \exp\big(a(Q_i \cdot K_{j'})\big)}, \qquad a_i = \sum_{j=1}^{N} e_{ij} V_j$$
//
// This is correct as a definition. With $a(s) = s/\sqrt{d_k}$ it is the scaled dot-product attention of Vaswani et al.
// (2017), $\mathrm{softmax}(QK^\top/\sqrt{d_k})V$, where $Q = XW_Q$, $K = XW_K$, $V = XW_V$ come from the same sequence
// $X$. The cell computes it by hand and with `ScaledDotProductAttention.Compute`; every row of weights sums to 1.

// ==== cell 13: code ====
Notebook.Cell(13);
torch.random.manual_seed(seed);
var sx = torch.randn(1, 5, 8);
var (wq, wk, wv) = (torch.randn(8, 4), torch.randn(8, 4), torch.randn(8, 4));
var (q, k, v) = (sx.matmul(wq), sx.matmul(wk), sx.matmul(wv));
var e = (q.matmul(k.transpose(1, 2)) / Math.Sqrt(4)).softmax(-1);      // e_ij
var aHand = e.matmul(v);                                                  // a_i = Σ_j e_ij V_j
var sdpa = ScaledDotProductAttention.Compute(q, k, v);
var attentionError = (aHand - sdpa.Output).abs().max().ToDouble();
checks.Expect("self-attention by hand vs toolkit", attentionError).Below(1e-5, "float32 agreement of two computations");
Console.WriteLine($"max |by hand − ScaledDotProductAttention| = {attentionError:E2}; row sums of e: {string.Join(" ", e.sum(-1).flatten().data<float>().ToArray().Select(s => s.ToString("F3")))}");
display(new RnnToolkit.Formatting.AttentionMap(sdpa.Weights, Enumerable.Range(1, 5).Select(i => $"x{i}").ToList(), Enumerable.Range(1, 5).Select(i => $"x{i}").ToList()) { Title = "e_ij (random projections)" });

// ==== cell 14: markdown ====
// #### Long-range dependencies, measured: Elman RNN, LSTM, GRU and self-attention against distance
//
// 002 (§2.4, §6 FAQ 2–3) says self-attention "captures long-range dependencies better" than LSTM and GRU, and §1 that
// plain RNNs have trouble with them. Measured on one task at growing distances: `MarkedRecall` — every step holds one of
// 8 random symbols (distractors everywhere), one step carries a marker, and at the last step the model must name the
// marked symbol, which lies exactly $d$ steps back ($d$ in `rangeDistances`; chance $1/8$). Four models of the same width
// (`rangeWidth`): an Elman RNN (`Rnn`, tanh), an `Lstm`, a `Gru` (each → its last output → Dense), and a one-block
// Transformer encoder (Dense → sinusoidal `PositionalEncoding` → `TransformerEncoderBlock`, 2 heads → the last position →
// Dense). Same data, seed (`seed`), optimizer (Adam 0.01), batch 64 and budget (`rangeEpochs` epochs on
// 0.75 × `rangeSamples` sequences) for all; the accuracy is the final epoch's on the validation quarter. The cost side of
// self-attention — time and memory growing as $T^2$ — is measured in [001 §3 (Transformer)](001-rnn-in-depth.ipynb);
// the encoder–decoder version of the same question (a Seq2Seq with and without attention, against input length) in
// [004 §2.3](004-rnn-core.ipynb).

// ==== cell 15: code ====
Notebook.Cell(15);
const int rangeAlphabet = 8;
long rangeInputs = rangeAlphabet + 1;                       // one-hot symbol + the marker channel
var rangeChance = MarkedRecall.ChanceAccuracy(rangeAlphabet);
var rangeModels = new[] { "Elman RNN", "LSTM", "GRU", "Transformer encoder" };
var rangeRuns = new List<(int Distance, ComparisonResult Runs)>();
var rangeMajority = new Dictionary<int, double>();          // per distance: always answer the most frequent marked symbol of the validation sequences
var rangeWatch = System.Diagnostics.Stopwatch.StartNew();
foreach (var d in rangeDistances)
{
    var (rangeTrain, rangeVal) = MarkedRecall.Generate(rangeSamples, d, rangeAlphabet, seed: seed).Split(0.25);
    rangeMajority[d] = (double)rangeVal.Y.bincount(null).max().ToInt64() / rangeVal.Y.numel();
    rangeRuns.Add((d, Comparison.Run(new[]
    {
        new Variant(rangeModels[0], () => nn.Sequential(new Rnn(rangeInputs, rangeWidth, returnSequences: false), nn.Linear(rangeWidth, rangeAlphabet))),
        new Variant(rangeModels[1], () => nn.Sequential(new Lstm(rangeInputs, rangeWidth, returnSequences: false), nn.Linear(rangeWidth, rangeAlphabet))),
        new Variant(rangeModels[2], () => nn.Sequential(new Gru(rangeInputs, rangeWidth, returnSequences: false), nn.Linear(rangeWidth, rangeAlphabet))),
        new Variant(rangeModels[3], () => new RecallEncoder(rangeInputs, rangeWidth, 2, rangeAlphabet)),
    }, rangeTrain, rangeVal, Losses.SparseCategoricalCrossEntropy(fromLogits: true), Optimizers.Adam(0.01), [Metrics.Accuracy()], epochs: rangeEpochs, batchSize: 64, seed: seed)));
}
double RangeAccuracy(string model, int distance) => rangeRuns.Single(r => r.Distance == distance).Runs.Rows.Single(r => r.Name == model).Final["val_accuracy"];
var rangeTable = rangeModels.Select(m => new
{
    model = m,
    parameters = rangeRuns[0].Runs.Rows.Single(r => r.Name == m).Parameters,
    accuracy_by_distance = string.Join("   ", rangeDistances.Select(d => $"d={d}: {RangeAccuracy(m, d):F3}")),
    longest_distance_at_0_9 = rangeDistances.Where(d => RangeAccuracy(m, d) >= 0.9).Select(d => (int?)d).LastOrDefault(),
    mean_seconds_per_epoch = Math.Round(rangeRuns.Average(r => r.Runs.Rows.Single(x => x.Name == m).SecondsPerEpoch), 3),
}).ToList();
int dShort = rangeDistances[0], dMid = rangeDistances[1], dLong = rangeDistances[^1];
var majorityShort = checks.Baseline($"long range: majority class at d = {dShort}", rangeMajority[dShort]);
var majorityMid = checks.Baseline($"long range: majority class at d = {dMid}", rangeMajority[dMid]);
var majorityLong = checks.Baseline($"long range: majority class at d = {dLong}", rangeMajority[dLong]);
// What learns: the encoder at every distance, the gated cells at the short ones, the Elman RNN the shortest in part.
checks.Expect($"long range: Transformer encoder accuracy at d = {dShort}", RangeAccuracy("Transformer encoder", dShort)).AtLeast(majorityShort, 0.6);
checks.Expect($"long range: Transformer encoder accuracy at d = {dLong}", RangeAccuracy("Transformer encoder", dLong)).AtLeast(majorityLong, 0.6);
checks.Expect($"long range: LSTM accuracy at d = {dMid}", RangeAccuracy("LSTM", dMid)).AtLeast(majorityMid, 0.6);
checks.Expect($"long range: GRU accuracy at d = {dMid}", RangeAccuracy("GRU", dMid)).AtLeast(majorityMid, 0.6);
checks.Expect($"long range: Elman RNN accuracy at d = {dShort}", RangeAccuracy("Elman RNN", dShort)).AtLeast(majorityShort, 0.3);
// What fails, in the same runs as the positive checks above: the Elman RNN far below the gated cells from dMid on,
// and all three RNNs far below the encoder and near the majority class at the longest distance.
checks.Expect($"long range: Elman RNN accuracy at d = {dMid}", RangeAccuracy("Elman RNN", dMid)).AtMost(checks.Baseline($"long range: LSTM accuracy at d = {dMid}"), 0.4);
foreach (var m in rangeModels.Take(3))
    checks.Expect($"long range: {m} accuracy at d = {dLong}", RangeAccuracy(m, dLong))
        .AtMost(checks.Baseline($"long range: Transformer encoder accuracy at d = {dLong}"), 0.5).NotAbove(majorityLong, 0.15);
Console.WriteLine($"{rangeDistances.Length} distances × {rangeModels.Length} models in {rangeWatch.Elapsed.TotalSeconds:F0} s; chance {rangeChance:F3}; " +
    $"majority class of the validation labels {string.Join(", ", rangeDistances.Select(d => $"d={d}: {rangeMajority[d]:F3}"))}; accuracy = final epoch, validation; longest_distance_at_0_9 = the longest d with accuracy ≥ 0.9 (empty: none)");
display(rangeTable.ToTable());
var rangeX = (IReadOnlyList<double>)rangeDistances.Select(d => (double)d).ToList();
display(Charts.XY(rangeModels.Select(m => (m, rangeX, (IReadOnlyList<double>)rangeDistances.Select(d => RangeAccuracy(m, d)).ToList()))
        .Append(("chance (1/8)", rangeX, (IReadOnlyList<double>)rangeDistances.Select(_ => rangeChance).ToList())),
    $"marked recall: validation accuracy after {rangeEpochs} epochs against the distance d", "distance d (steps from the marked symbol to the answer)", "accuracy"));

// ==== cell 16: markdown ====
// What the table and chart show (seed 42, this budget). The checks hold each statement to the printed values against
// the majority class of the validation labels at each distance (printed above the table, about chance 1/8): the encoder
// ≥ it + 0.6 at the shortest and the longest distance, LSTM and GRU ≥ it + 0.6 at $d = 10$, the Elman RNN ≥ it + 0.3 at
// $d = 5$; the Elman RNN at $d = 10$ at least 0.4 below the LSTM; and each RNN at $d = 40$ at least 0.5 below the encoder
// and at most 0.15 above the majority class.
//
// - **Elman RNN**: the first to fail. It learns the shortest distance only partly, is far below the gated cells from
//   $d = 10$ on and near chance at the longest distance — "plain RNNs fail on long dependencies" holds here, and at a
//   shorter distance than for the gated cells.
// - **LSTM and GRU**: solve $d = 5$ and $d = 10$, then drop far below the encoder and are near chance at the longest
//   distance *within this budget*.
//   That is a limit of the budget as much as of the cells (with more sequences and epochs gated RNNs are known to bridge
//   hundreds of steps; Hochreiter & Schmidhuber 1997); what the table shows is that the distance they learn within a
//   fixed budget is limited, and the gradient that has to cross $d$ steps is why (003 §5).
// - **Transformer encoder**: the only model that solves every distance tried — the marked step is one attention hop away
//   from the last position however far back it lies. Where it does *not* win: cost — compare its `mean_seconds_per_epoch` with
//   the RNNs' in the table (at these short lengths the difference is small and depends on the machine's load), and its
//   time and memory grow with the square of the sequence length (001 §3); and this task (find the marked step by its content) is exactly the look-up that attention does; a task that needs a
//   running computation over the steps would favour recurrence more.
//
// So 002's claim holds on this task: self-attention captures the long-range dependency where LSTM and GRU (and, much
// earlier, the plain RNN) stop learning at the same budget.

// ==== cell 17: markdown ====
// ## 3. 核心算法原理和具体操作步骤以及数学模型公式详细讲解 (Algorithms, steps and equations)
//
// 002's §3 repeats §2.2–2.4 one equation per subsection. Each is computed by hand above, next to the §2 equation it
// repeats, and checked against the toolkit there; this section maps the document's subsections to those cells.
//
// ### 3.1 长短期记忆网络 (LSTM)
//
// 002 says the LSTM's three gates (input, forget, output) control the state's update and output; the equations are the
// standard LSTM's, with the naming caveats of §2.2. Computed gate by gate in §2.2 (the table's columns are unit 0's
// values of each quantity at each step; the cell checks the whole sequence against `LstmCell`):
//
// #### 3.1.1 输入门 (Input gate)
// $i_t = \sigma(W_{ii}x_t + W_{hi}h_{t-1} + b_i)$ — column `i_t`.
//
// #### 3.1.2 遗忘门 (Forget gate)
// $f_t = \sigma(W_{ff}x_t + W_{hf}h_{t-1} + b_f)$ — column `f_t`.
//
// #### 3.1.3 输出门 (Output gate)
// $o_t = \sigma(W_{oo}x_t + W_{ho}h_{t-1} + b_o)$ — column `o_t`.
//
// #### 3.1.4 候选门 (Cell candidate)
// $g_t = \tanh(W_{gg}x_t + W_{hg}h_{t-1} + b_g)$ — column `g_t` (a candidate value, not a gate: tanh, not σ).
//
// #### 3.1.5 隐藏状态更新 (State update)
// $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ — column `c_t`; 002 calls $c_t$ the hidden state, it is the *cell* state.
//
// #### 3.1.6 隐藏状态输出 (State output)
// $h_t = o_t \odot \tanh(c_t)$ — column `h_t`, the layer's output at step $t$.
//
// ### 3.2 门控递归单元 (GRU)
//
// 002 calls the GRU a simplified LSTM with two gates; §2.3 measures both the printed and the canonical forms.
//
// #### 3.2.1 更新门 (Update gate)
// $z_t = \sigma(W_{zz}x_t + W_{zh}h_{t-1} + b_z)$ — the standard update gate (`GruCell`'s `z`).
//
// #### 3.2.2 合并门 ("Merge" gate)
// $r_t = \sigma(W_{rr}x_t + W_{rh}h_{t-1} + b_r)$ — the standard **reset** gate, whatever its printed name.
//
// #### 3.2.3 隐藏状态更新 (State update)
// $h_t = (1 - z_t) \odot r_t \odot \tanh(W_{hh}x_t + (1 - z_t) \odot W_{hh}h_{t-1} + b_h) + z_t \odot h_{t-1}$ — not the
// GRU's update (three differences, listed in §2.3). `Gru002AsPrintedCell` implements it exactly; §2.3 trains it beside
// the canonical GRU on the delayed-recall task.
//
// ### 3.3 自注意力机制 (Self-attention)
//
// #### 3.3.1 关注权重计算 (Attention weights)
// $e_{ij} = \exp(a(Q_i \cdot K_j)) / \sum_{j'} \exp(a(Q_i \cdot K_{j'}))$ — a softmax over the keys, computed by hand in §2.4
// with $a(s) = s/\sqrt{d_k}$ (the heatmap there) and checked against `ScaledDotProductAttention`.
//
// #### 3.3.2 输出计算 (Output)
// $a_i = \sum_j e_{ij} V_j$ — the same cell's output. Note that 002's §4.3 code does *not* compute this (§4.3 below).
//
// ## 4. 具体代码实例和详细解释说明 (Code examples)
//
// ### 4.1 长短期记忆网络 (LSTM) and 4.2 门控递归单元 (GRU)
//
// 002's Keras models, `LSTM(units=128, return_sequences=True) → Dense(64, relu) → Dense(output_shape, softmax)` and the
// same with `GRU`, trained with Adam and categorical cross-entropy. `return_sequences=True` means one output **per step**,
// so the task must label every step: here a copy task (`copySymbols` symbols, a delay, then the model must reproduce the
// symbols; every other step is "blank"). In C# (the softmax is folded into the loss, `fromLogits: true`):
//
// ```csharp
// nn.Sequential(new LSTM(inputSize, 128, returnSequences: true), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, classes))
// ```
//
// The same run measures 002's FAQ claim (问题1) that the GRU has fewer parameters and trains faster.

// ==== cell 18: code ====
Notebook.Cell(18);
var copy = CopyTask.Generate(3000, symbols: copySymbols, delay: copyDelay, alphabet: 4, seed: seed);
var (copyTrain, copyVal) = copy.Split(0.2);
long copyClasses = copy.X.shape[2];
// Baseline: always answer the symbol most frequent on the recall steps of the validation sequences (≈ chance, 1/4).
var copyRecallLabels = copyVal.Y.narrow(1, copyVal.Y.shape[1] - copySymbols, copySymbols);
var copyMajority = checks.Baseline("copy: majority class on the recall steps", (double)copyRecallLabels.flatten().bincount(null).max().ToInt64() / copyRecallLabels.numel());
double CopyAccuracy(nn.Module<Tensor, Tensor> model, SupervisedData d)                 // accuracy on the recall steps only
{
    using var _ = no_grad();
    model.eval();
    long steps = d.Y.shape[1];
    var recallSteps = d.Y.narrow(1, steps - copySymbols, copySymbols);
    return model.call(d.X).narrow(1, steps - copySymbols, copySymbols).argmax(-1).eq(recallSteps).to_type(ScalarType.Float32).mean().ToDouble();
}
var kerasModels = new Dictionary<string, nn.Module<Tensor, Tensor>>();
Func<nn.Module<Tensor, Tensor>> KeepK(string name, Func<nn.Module<Tensor, Tensor>> make) => () => kerasModels[name] = make();
var kerasRuns = Comparison.Run(new[]
{
    new Variant("§4.1 LSTM(128, return_sequences) → Dense(64, relu) → Dense(softmax)", KeepK("LSTM", () => nn.Sequential(new Lstm(copyClasses, kerasUnits, returnSequences: true), nn.Linear(kerasUnits, 64), nn.ReLU(), nn.Linear(64, copyClasses)))),
    new Variant("§4.2 GRU(128, return_sequences) → Dense(64, relu) → Dense(softmax)", KeepK("GRU", () => nn.Sequential(new Gru(copyClasses, kerasUnits, returnSequences: true), nn.Linear(kerasUnits, 64), nn.ReLU(), nn.Linear(64, copyClasses)))),
}, copyTrain, copyVal, Losses.SparseCategoricalCrossEntropy(fromLogits: true), Optimizers.Adam(0.005), null, epochs: kerasEpochs, batchSize: 32, seed: seed);
var kerasTable = kerasRuns.Rows.Zip(new[] { "LSTM", "GRU" }, (r, key) => new
{
    model = r.Name, parameters = r.Parameters, seconds_per_epoch = Math.Round(r.SecondsPerEpoch, 2),
    val_loss = Math.Round(r.Final["val_loss"], 4), recall_step_accuracy = Math.Round(CopyAccuracy(kerasModels[key], copyVal), 3),
}).ToList();
checks.Expect("LSTM copy accuracy", kerasTable[0].recall_step_accuracy).AtLeast(copyMajority, 0.15);   // part of the way
checks.Expect("GRU copy accuracy", kerasTable[1].recall_step_accuracy).AtLeast(copyMajority, 0.6);     // learns the copy
// The recurrent layers alone: PyTorch's layout has 3 (GRU) and 4 (LSTM) blocks of H(I + H) weights and 2H biases.
checks.Expect("GRU / LSTM recurrent-layer parameters", (double)ParameterCounts.PyTorch(new Gru(copyClasses, kerasUnits)) / ParameterCounts.PyTorch(new Lstm(copyClasses, kerasUnits)))
    .Equal(0.75, "3 gate blocks against 4");
Console.WriteLine($"memoryless baseline loss {CopyTask.BaselineCrossEntropy(copySymbols, copyDelay, 4):F3}; majority class on the recall steps {copyMajority.Value:F3} (chance 0.25)");
Console.WriteLine($"GRU / LSTM time per epoch: {kerasRuns.Rows[1].SecondsPerEpoch / kerasRuns.Rows[0].SecondsPerEpoch:F2}");
display(kerasTable.ToTable());

// ==== cell 19: markdown ====
// The GRU's recurrent layer has exactly ¾ of the LSTM's parameters (three weight blocks instead of four; the whole
// models above also share the Dense layers): 002's claim holds for the parameter count. For speed, the time per epoch
// (ratio printed above the table) is measured on a shared machine and moves with its load from run to run, so one run
// does not rank them; both train on the toolkit's sequence kernels, where a step is mostly its recurrent product and the
// GRU's product is ¾ the size of the LSTM's, and `docs/benchmarks.md` has the controlled figures (default path: GRU
// 33.8, LSTM 42.2 ms per training batch of 64 × 100 steps, 128 units). On this task and budget the GRU learns the copy
// and the LSTM is only part of the way there (the checks require the GRU ≥ the majority class on the recall steps + 0.6
// and the LSTM ≥ it + 0.15); which of the two learns a given task faster depends on the task and budget (Chung et al.
// 2014, 002's reference [2], found no consistent winner).
//
// ### 4.3 自注意力机制 (The Q/K/V self-attention code)
//
// 002's Keras model:
//
// ```python
// Q = Dense(attention_units, activation='tanh')(inputs)    # (B, T, u)
// K = Dense(attention_units, activation='tanh')(inputs)    # (B, T, u)
// V = Dense(embedding_dim, activation='tanh')(inputs)      # (B, T, e)
// a = Dot(axes=1)([Q, K])                                  # (B, u, u): sums over TIME, a = QᵀK
// outputs = Dot(axes=1)([a, V])                            # contracts a's u axis with V's time axis: needs u = T
// ```
//
// As printed, $a = Q^\top K$ is a $u \times u$ matrix of **feature–feature** correlations summed over time, with no
// softmax; no position attends to any other, and the second `Dot` only runs when `attention_units` happens to equal the
// sequence length. What §2.4 describes, and the corrected model computes, is
//
// $$\alpha = \mathrm{softmax}\big(QK^\top/\sqrt{u}\big) \in \mathbb{R}^{T \times T}, \qquad \text{out} = \alpha V \in \mathbb{R}^{T \times e}$$
//
// `QkvSelfAttention002(asPrinted: true/false)` runs both on the **same** weights. The input is a sequence with repeated
// tokens (`A B A C B A C B`), embedded at random, so the corrected weights show which positions hold the same token.

// ==== cell 20: code ====
Notebook.Cell(20);
torch.random.manual_seed(seed);
var tokens = "ABACBACB".Take(attentionSteps).Select(c => c.ToString()).ToList();
var embedTable = torch.randn(3, embeddingDim);
var ax = torch.stack(tokens.Select(t => embedTable[t[0] - 'A']).ToArray()).unsqueeze(0);   // (1, T, e)
var qkv = new QkvSelfAttention002(embeddingDim, attentionSteps, asPrinted: false);
var corrected = qkv.Run(ax);
qkv.AsPrinted = true;
var printed = qkv.Run(ax);
string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
var correctedRowSumError = (corrected.Weights.sum(-1) - 1).abs().max().ToDouble();   // shown, not checked: a softmax's rows sum to 1 by construction
var printedRowSumError = (printed.Weights.sum(-1) - 1).abs().max().ToDouble();
checks.Expect("printed a max |row sum − 1|", printedRowSumError).Above(0.1, "the printed a = QᵀK has no softmax, so nothing normalizes it");
// Permuting the time steps: self-attention is permutation-equivariant (outputs permute with the inputs); the printed a = QᵀK is unchanged.
var perm = torch.randperm(attentionSteps);
qkv.AsPrinted = false;
var correctedPerm = qkv.Run(ax.index_select(1, perm));
qkv.AsPrinted = true;
var printedPerm = qkv.Run(ax.index_select(1, perm));
var printedPermChange = (printedPerm.Weights - printed.Weights).abs().max().ToDouble();
var correctedPermError = (correctedPerm.Output - corrected.Output.index_select(1, perm)).abs().max().ToDouble();
// Two computations that must agree: the corrected output of the permuted input against the permuted output, and the
// printed weights of the permuted input against those of the original (a sum over time ignores the order).
checks.Expect("corrected: permuted input vs permuted output", correctedPermError).Below(1e-5, "float32 agreement: attention is permutation-equivariant");
checks.Expect("printed: a of the permuted input vs a", printedPermChange).Below(1e-5, "float32 agreement: a = QᵀK sums the order away");
string printedError;
try { qkv.Run(torch.randn(1, attentionSteps + 2, embeddingDim)); printedError = "ran"; }
catch (ArgumentException ex) { printedError = ex.Message; }
display(new[]
{
    new { quantity = "weights shape", as_printed = Shape(printed.Weights) + " feature × feature", corrected = Shape(corrected.Weights) + " position × position" },
    new { quantity = "output shape", as_printed = Shape(printed.Output), corrected = Shape(corrected.Output) },
    new { quantity = "weights in [0, 1], rows sum to 1?", as_printed = $"no: min {printed.Weights.min().ToDouble():F2}, max {printed.Weights.max().ToDouble():F2}, max |row sum − 1| {printedRowSumError:F2}", corrected = $"yes: max |row sum − 1| {correctedRowSumError:E1}" },
    new { quantity = "time steps permuted", as_printed = $"weights change by {printedPermChange:E1} (order is summed away)", corrected = $"outputs permute with the inputs (max error {correctedPermError:E1})" },
    new { quantity = $"T = {attentionSteps + 2} ≠ attention_units", as_printed = printedError, corrected = "runs for any T" },
}.ToTable());

// ==== cell 21: code ====
Notebook.Cell(21);
display(new RnnToolkit.Formatting.AttentionMap(corrected.Weights, tokens, tokens) { Title = "corrected: α = softmax(QKᵀ/√u) over positions" });

// ==== cell 22: code ====
Notebook.Cell(22);
display(new RnnToolkit.Formatting.AttentionMap(printed.Weights, Enumerable.Range(0, attentionSteps).Select(i => $"u{i}").ToList(), Enumerable.Range(0, attentionSteps).Select(i => $"u{i}").ToList()) { Title = "as printed: a = QᵀK over features (no softmax)" });

// ==== cell 23: markdown ====
// In the corrected map, positions holding the same token have identical rows and columns (same query, same key); in the
// printed "map" the axes are feature units, not positions, so it cannot show which words attend to which. (The untrained
// projections are random; training makes the pattern task-specific, as in the Seq2Seq alignment of notebook 004.)
//
// #### Trained: a task that needs each position to compare itself with all the others
//
// Random weights only show the shapes. To see what each form can *learn*, both are trained on a per-step task in the
// spirit of 002's model (its outputs go straight into a per-step categorical cross-entropy): a sequence of
// `attentionSteps` random tokens from {A, B, C, D}; at every position the target is how many **other** positions hold
// the same token (0, 1, 2 or 3+). Each position must compare its token with every other one — pairwise matching, which is
// what $QK^\top$ scores. Model: one-hot tokens → Dense(`embeddingDim`) (the embedding) → 002's Q/K/V block, as printed
// or corrected → Dense(4) at each step; the same parameter count (the `parameters` column below; the checks compare them), same data, seed (`seed`), optimizer (Adam 0.01) and
// budget (`countEpochs` epochs). As printed, row $i$ of the output belongs to feature unit $i$, not to position $i$ (the
// shapes only agree because $u = T$), so it can only fit the per-step targets by accident of that alignment.

// ==== cell 24: code ====
Notebook.Cell(24);
// The data: tokens 0..3 (A..D); label at each position = min(3, number of other positions with the same token).
var countRandom = new Random(seed);
var countIds = new long[countSamples, attentionSteps];
var countLabels = new long[countSamples, attentionSteps];
for (int i = 0; i < countSamples; i++)
{
    for (int t = 0; t < attentionSteps; t++) countIds[i, t] = countRandom.Next(4);
    for (int t = 0; t < attentionSteps; t++)
        countLabels[i, t] = Math.Min(3, Enumerable.Range(0, attentionSteps).Count(j => j != t && countIds[i, j] == countIds[i, t]));
}
var countData = new SupervisedData(nn.functional.one_hot(torch.tensor(countIds), 4).to_type(ScalarType.Float32), torch.tensor(countLabels));
var (countTrain, countVal) = countData.Split(0.25);
// Baseline: always answer the count most frequent among the validation labels.
var countMajority = checks.Baseline("count task: majority class (validation)", (double)countVal.Y.flatten().bincount(null).max().ToInt64() / countVal.Y.numel());
var taggers = new Dictionary<string, QkvTagger>();
var countRuns = Comparison.Run(new[]
{
    new Variant("as printed: a = QᵀK, out = aᵀV", () => taggers["printed"] = new QkvTagger(4, embeddingDim, attentionSteps, 4, asPrinted: true)),
    new Variant("corrected: softmax(QKᵀ/√u) V", () => taggers["corrected"] = new QkvTagger(4, embeddingDim, attentionSteps, 4, asPrinted: false)),
}, countTrain, countVal, Losses.SparseCategoricalCrossEntropy(fromLogits: true), Optimizers.Adam(0.01), [Metrics.Accuracy()], epochs: countEpochs, batchSize: 32, seed: seed);
double BestEpoch(int row) => countRuns.Histories[countRuns.Rows[row].Name]["val_accuracy"].Max();       // the validation accuracy is noisy from epoch to epoch
// The printed model stays near the majority class; in the same runs the corrected one clears both the majority class
// and the printed model by a margin (the best epoch of each, chosen the same way for both).
checks.Expect("Q/K/V as printed: best-epoch count accuracy", BestEpoch(0)).NotAbove(countMajority, 0.1);
checks.Expect("Q/K/V corrected: best-epoch count accuracy", BestEpoch(1))
    .AtLeast(countMajority, 0.12).AtLeast(checks.Baseline("Q/K/V as printed: best-epoch count accuracy"), 0.06);
checks.Expect("Q/K/V corrected: parameters", countRuns.Rows[1].Parameters).Equal(countRuns.Rows[0].Parameters, "the printed model's: same budget");
display(countRuns.Rows.Select((r, i) => new { model = r.Name, parameters = r.Parameters, final_val_accuracy = Math.Round(r.Final["val_accuracy"], 3),
    best_epoch_val_accuracy = Math.Round(BestEpoch(i), 3), majority_class = Math.Round(countMajority.Value, 3) }).ToTable());
display(Charts.ComparisonCurves(countRuns, "accuracy"));              // training (solid) and validation (dashed) accuracy per epoch

// ==== cell 25: code ====
Notebook.Cell(25);
// The trained corrected model's α on one validation sequence.
Tensor countAlpha;
using (no_grad())
{
    var tagger = taggers["corrected"];
    tagger.eval();
    countAlpha = tagger.attention.Run(tagger.embed.call(countVal.X.narrow(0, 0, 1))).Weights;
}
var countTokens = Enumerable.Range(0, attentionSteps).Select(t => $"{t}:{(char)('A' + countVal.X[0, t].argmax().ToInt64())}").ToList();
display(new AttentionMap(countAlpha, countTokens, countTokens) { Title = "trained corrected model: α = softmax(QKᵀ/√u)" });

// ==== cell 26: markdown ====
// Measured (seed 42, 15 epochs; the table above): always answering the most frequent count scores 0.331. The printed model
// never gets far from that (best epoch 0.394, final 0.374): with $a = Q^\top K$ no position is compared with any other, so
// it can only fit the counts' overall frequencies and what the sums over the sequence carry. The corrected model does
// better (best epoch 0.52, final 0.395) but is far from solving the task, and its validation accuracy swings by several
// points from epoch to epoch (the curves): at the final epoch it is only about 0.02 above the printed model, so the
// comparison is made on each model's best epoch, chosen the same way for both. The checks require the printed model's best
// epoch to stay within 0.1 of the majority class, and the corrected model's to exceed the majority class by 0.12 and the
// printed model's best epoch by 0.06. The map shows what it learned (the values below are its cells' values, rounded): on
// the sequence `D A D C A A D A` every query puts equal weight on the positions holding its own token (0.14 on each D for
// a D, 0.12 on each A for an A, ≈ 0.01 elsewhere) and most of the rest on the one C (0.49–0.56; 0.91 for the C itself) — C
// serves as a "sink", so the share on the query's own token grows with how often it occurs.
// That is pairwise matching, which the printed code cannot express; it works only partly because a softmax normalises
// the weights (a count must be read from shares) and the sink is a token that may be absent. So the evidence supports
// "the printed code is not attention and cannot learn pairwise matching", and only modestly "the corrected single layer
// learns it"; a real model adds positional information, several heads and layers (notebook 004's Transformer).
//
// ## 5. 未来发展趋势与挑战 (Future trends and challenges)
//
// 002 lists four expectations: more efficient training for long sequences, stronger models, wider applications (images,
// bioinformatics), simpler and more interpretable models. All four came true mostly through attention: the Transformer
// replaced recurrence in most sequence tasks, while gated RNNs remain the cheap choice for streaming and small models.
//
// ## 6. 附录问答 (FAQ)
//
// | question | 002's answer | measured / corrected |
// | --- | --- | --- |
// | 1. Main difference between LSTM and GRU? | LSTM has four "gates", GRU two; GRU has fewer parameters and trains faster; LSTM may be better on long dependencies | LSTM has three gates plus a candidate; the GRU's recurrent layer has exactly ¾ of the LSTM's parameters (§4.1/4.2, checked); its time per epoch relative to the LSTM's is printed in §4.1/4.2 and varies from run to run on a shared machine (`docs/benchmarks.md`: GRU 33.8, LSTM 42.2 ms per training batch); task-dependent accuracy |
// | 2. Self-attention vs LSTM/GRU? | attention weights between all positions vs gates on a state | yes; attention connects any two positions in one step, an RNN needs as many steps as the distance. Measured in §2.4 (long-range recall against distance): at the same budget the Transformer encoder solves every distance tried, LSTM and GRU only the short ones, the Elman RNN fails first |
// | 3. Pros and cons of each? | LSTM expressive but slow; GRU simple and fast; attention long-range but costly | long-range: §2.4's measurement; cost: attention's time and weight memory grow as $T^2$, an LSTM's as $T$ (measured in [001 §3](001-rnn-in-depth.ipynb)), though an RNN's $T$ steps cannot run in parallel |
//
// ## 7. 参考文献 (References)
//
// 002 cites three papers; checked against the literature:
//
// | 002 cites | status |
// | --- | --- |
// | Hochreiter & Schmidhuber (1997), Long short-term memory, Neural Computation 9(8), 1735–1780 | exists |
// | Chung, Gulcehre, Cho & Bengio (2014), "Empirical evaluation of gated recurrent neural network architectures on sequence tasks", arXiv:1412.3555 | exists, as "Empirical evaluation of gated recurrent neural networks on sequence modeling"; the first author is Junyoung Chung (not "J. H.") |
// | Vaswani, Shazeer, Parmar, Jones, Gomez, Kaiser & Shen (2017), Attention is all you need, arXiv:1706.03762 | exists; the authors are Vaswani, Shazeer, Parmar, Uszkoreit, Jones, Gomez, Kaiser and Polosukhin — "Shen" is not among them |
//
// ## Checks
//
// The metrics this notebook promises, at the default parameters, each declared with its rule in the cell that measures
// it; a regression fails the run. Every claim that a model learned is compared with a baseline computed here from the
// same validation data — the majority class at the recall step, on the copy task's recall steps, of the counts, and at
// each distance of the long-range task — and passes only by the margin shown; every claim that a model fails is paired
// with a positive check from the same runs (the corrected Q/K/V model, the gated cells at short distances, the
// Transformer encoder at the longest), so it cannot pass merely because nothing was learned. The hand computations are
// compared with the toolkit's (float32 agreement), and the parameter counts exactly.

// ==== cell 27: code ====
Notebook.Cell(27);
display(checks.Verify());

Notebook.Finish();

// ==== cell 15: types ====
sealed class RecallEncoder : nn.Module<Tensor, Tensor>     // one-hot symbols → Dense → + positions → one encoder block → last position → Dense
{
    public readonly TorchSharp.Modules.Linear project;
    public readonly PositionalEncoding positions;
    public readonly TransformerEncoderBlock block;
    public readonly TorchSharp.Modules.Linear dense;
    public RecallEncoder(long inputs, long width, long heads, long classes) : base(nameof(RecallEncoder))
    {
        project = nn.Linear(inputs, width);
        positions = new PositionalEncoding(width);
        block = new TransformerEncoderBlock(width, heads, feedForwardSize: 2 * width, dropout: 0);
        dense = nn.Linear(width, classes);
        RegisterComponents();
    }
    public override Tensor forward(Tensor x) => dense.call(block.call(positions.call(project.call(x)))[.., -1]);
}

// ==== cell 24: types ====
sealed class QkvTagger : nn.Module<Tensor, Tensor>          // one-hot tokens → Dense embedding → 002's Q/K/V block → Dense per step
{
    public readonly TorchSharp.Modules.Linear embed;
    public readonly QkvSelfAttention002 attention;
    public readonly TorchSharp.Modules.Linear dense;
    public QkvTagger(long vocabulary, long embedding, long steps, long classes, bool asPrinted) : base(nameof(QkvTagger))
    {
        embed = nn.Linear(vocabulary, embedding);
        attention = new QkvSelfAttention002(embedding, steps, asPrinted);
        dense = nn.Linear(embedding, classes);
        RegisterComponents();
    }
    public override Tensor forward(Tensor x) => dense.call(attention.call(embed.call(x)));
}
