// 003-recurrent-layer-extensions: the notebook 003-recurrent-layer-extensions.ipynb as a .NET file-based app, written by `dotnet run --project Runner -- export <notebook> --to app`
// (edit the notebook, then export again). Run: `dotnet run 003-recurrent-layer-extensions.cs` (parameters: `dotnet run 003-recurrent-layer-extensions.cs -- --name value`).
// Text goes to the console; 003-recurrent-layer-extensions.html beside this file gets the report: markdown, code, tables and charts.
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
using RnnToolkit.Formatting;
using RnnToolkit.Notebooks;
using TorchSharp;
using static TorchSharp.torch;
using Notebook = RnnToolkit.Formatting.NotebookApp;
using static RnnToolkit.Formatting.NotebookAppDisplay;

Notebook.Start("003-recurrent-layer-extensions");

// ==== cell 0: markdown ====
// # 003 — 循环层的拓展与创新 (Extensions and innovations of recurrent layers)
//
// Document 003, *循环层的拓展与创新* (source file `003_febf753213423b84.txt`; the five documents are not part of this repository) walks from the plain recurrent layer to the peephole LSTM, a GRU,
// a "1-D CNN" and the Transformer, then gives a Keras LSTM binary classifier. This notebook follows it section by section:
// each equation in LaTeX (the canonical form, with the form 003 prints beside it where they differ), C# that runs it with
// RnnToolkit, and a measured output. Where 003 prints a formula that differs from the canonical one, both are trained on
// the same data.
//
// Series (training curves, gradient norms per step) are drawn as charts by `RnnToolkit.Formatters`, registered in the
// set-up (each chart also carries a static image, so it shows on GitHub too); compact tables give the final numbers.

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
var notebookParameters = Notebook.Parameters(args, "seed", "classifierEpochs", "reviews", "peepholeDelay", "peepholeEpochs", "peepholeSeeds", "timingInterval", "timingSteps", "timingEpochs", "timingSeeds", "recallDelay", "recallEpochs", "flowLength", "flowTrainSteps");
var seed = notebookParameters.Get("seed", 42);                 // seeds torch, the data generators and the trainers' shuffling
var classifierEpochs = notebookParameters.Get("classifierEpochs", 6);      // §4: the Keras classifier (003 uses 10; 6 reach the same accuracy here)
var reviews = notebookParameters.Get("reviews", 2400);            // §4: synthetic reviews (80 % train, 20 % validation)
var peepholeDelay = notebookParameters.Get("peepholeDelay", 12);        // §3.4 peephole comparison: delayed recall over this many steps
var peepholeEpochs = notebookParameters.Get("peepholeEpochs", 10);
var peepholeSeeds = notebookParameters.Get("peepholeSeeds", 3);         // §3.4 peephole comparison: seeds seed, seed + 1, ...
var timingInterval = notebookParameters.Get("timingInterval", 10);       // §3.4 timing task: emit a spike this many steps after the cue
var timingSteps = notebookParameters.Get("timingSteps", 20);
var timingEpochs = notebookParameters.Get("timingEpochs", 15);
var timingSeeds = notebookParameters.Get("timingSeeds", 8);           // §3.4 timing task: seeds seed, seed + 1, ...
var recallDelay = notebookParameters.Get("recallDelay", 20);          // §3.4 GRU comparison: steps between the symbol and its recall
var recallEpochs = notebookParameters.Get("recallEpochs", 12);
var flowLength = notebookParameters.Get("flowLength", 50);           // §5: sequence length of the gradient-flow measurement
var flowTrainSteps = notebookParameters.Get("flowTrainSteps", 150);      // §5: Adam steps before the second gradient-flow measurement

// ==== cell 4: code ====
Notebook.Cell(4);
var session = RnnToolkit.Notebook.Start(seed);   // loads TorchSharp's native library, registers the formatters, seeds torch, prints what it did
var checks = session.Checks;                     // the metrics this notebook promises, each with its rule where it is measured; the last cell verifies them

// ==== cell 5: markdown ====
// ## 1. 背景介绍 (Background)
//
// RNNs process sequences by carrying a hidden state from step to step; plain RNNs struggle with long sequences
// ("long-term dependencies"), which motivates the extensions below. §5 measures that claim (gradient flow).
//
// ## 2. 核心概念与联系 (Core concepts and connections)
//
// 003 lists the recurrent layer, the hidden layer, the vanishing-gradient problem, and four extensions: LSTM, GRU, 1-D
// CNN and Transformer. Two statements need correcting:
//
// - "The hidden layer's neurons usually use ReLU": recurrent layers usually use **tanh** (PyTorch's and Keras's
//   default); a ReLU recurrence is unbounded and explodes easily (§5 shows it).
// - "A 1-D CNN is a special RNN": a 1-D convolutional network has **no recurrence** at all; §3.4 runs both the
//   convolutional *recurrence* 003 prints and the plain 1-D CNN its prose describes.
//
// ## 3. 核心算法原理和具体操作步骤以及数学模型公式详细讲解 (Algorithms, steps and equations)
//
// ### 3.1 循环层神经网络的基本结构 (Basic structure)
//
// `input -> hidden layer -> output`, with the hidden layer feeding itself at the next step.
//
// ### 3.2 循环层神经网络的数学模型 (The mathematical model)
//
// As printed (with σ "an activation function"):
//
// $$h_t = \sigma(W_{hh} h_{t-1} + W_{xh} x_t + b_h), \qquad y_t = W_{hy} h_t + b_y$$
//
// This is the Elman network; the usual activation is $\tanh$, and with $\sigma$ the logistic sigmoid (003's notation
// elsewhere) the state lies in $(0, 1)$ and is not zero-centred. `Models.ElmanNetwork` implements both lines; the cell
// below recomputes $h_t$ and $y_t$ by hand from the network's own weights to show they are exactly the equations.

// ==== cell 6: code ====
Notebook.Cell(6);
torch.random.manual_seed(seed);
var elman = new ElmanNetwork(inputSize: 3, hiddenSize: 4, outputSize: 2, activation: RnnActivation.Sigmoid);
var xs = torch.randn(1, 5, 3);                       // one sequence, 5 steps, 3 features
var yModel = elman.call(xs);                         // (1, 5, 2)

// The same by hand: h_t = σ(W_hh h_{t-1} + W_xh x_t + b_h), y_t = W_hy h_t + b_y
var cell = (RnnCell)elman.rnn.Cell;
var h = torch.zeros(1, 4);
var byHandSteps = new List<(string H, string Y)>();
double maxDiff = 0;
for (int t = 0; t < 5; t++)
{
    var xt = xs[.., t, ..];
    h = torch.sigmoid(h.matmul(cell.weight_hh.t()) + xt.matmul(cell.weight_ih.t()) + cell.bias_ih! + cell.bias_hh!);
    var yt = elman.W_hy.call(h);
    maxDiff = Math.Max(maxDiff, (yt - yModel[.., t, ..]).abs().max().ToDouble());
    byHandSteps.Add((string.Join(", ", h.data<float>().ToArray().Select(v => v.ToString("F3"))), string.Join(", ", yt.data<float>().ToArray().Select(v => v.ToString("F3")))));
}
checks.Expect("Elman (σ) by hand vs ElmanNetwork", maxDiff).Below(1e-5, "float32 agreement of two computations");
Console.WriteLine($"max |y_model - y_by_hand| = {maxDiff:E1}; with σ every h_t lies in (0, 1)");
display(byHandSteps.Select((step, t) => new { t, h_t = step.H, y_t = step.Y }).ToTable());

// ==== cell 7: markdown ====
// (PyTorch's layout has two bias vectors, `bias_ih + bias_hh`; their sum is the printed $b_h$.)
//
// ### 3.3 循环层神经网络的训练过程 (Training)
//
// 003's five steps — 1. initialise the parameters, 2. forward pass, 3. loss, 4. backpropagation (through time) and update,
// 5. iterate until a stopping condition — are exactly what `Trainer.Fit` does per batch. The cell shows one step by hand,
// then `Fit` for the iteration, on the documents' regression shape (1000, 10, 1) (target: the mean of the sequence). It
// trains the recurrence both with σ as printed and with tanh, same seed and budget.

// ==== cell 8: code ====
Notebook.Cell(8);
var reg = SequenceRegression.Generate(1000, 10, 1, seed: seed);
var (regTrain, regVal) = reg.Split(0.2);

nn.Module<Tensor, Tensor> Elman(RnnActivation act) =>
    nn.Sequential(new Recurrent(new RnnCell(1, 16, act), returnSequences: false), nn.Linear(16, 1));

// Steps 1-4 once, by hand.
torch.random.manual_seed(seed);
var byHand = Elman(RnnActivation.Sigmoid);                                   // 1. initialise
var opt = torch.optim.Adam(byHand.parameters(), 0.01);
var pred = byHand.call(regTrain.X.narrow(0, 0, 32));                          // 2. forward
var lossBefore = (pred - regTrain.Y.narrow(0, 0, 32)).square().mean();       // 3. loss (MSE)
lossBefore.backward(); opt.step();                                           // 4. backpropagation + update
var lossAfter = (byHand.call(regTrain.X.narrow(0, 0, 32)) - regTrain.Y.narrow(0, 0, 32)).square().mean();
Console.WriteLine($"one step by hand: batch MSE {lossBefore.ToDouble():F4} -> {lossAfter.ToDouble():F4}");

// Step 5: iterate with Fit, σ (as printed) and tanh.
var elmanRuns = Comparison.Run(new[]
{
    new Variant("Elman, σ (as printed)", () => Elman(RnnActivation.Sigmoid)),
    new Variant("Elman, tanh", () => Elman(RnnActivation.Tanh)),
}, regTrain, regVal, Losses.MeanSquaredError(), Optimizers.Adam(0.01), [Metrics.MeanAbsoluteError()], epochs: 10, batchSize: 32, seed: seed);
// Baseline: predict the training targets' mean for every validation sequence.
var meanPredictor = checks.Baseline("regression: mean predictor's val MSE", (regVal.Y - regTrain.Y.mean()).square().mean().ToDouble());
checks.Expect("Elman tanh val MSE", elmanRuns.Rows[1].Final["val_loss"]).AtMostTimes(meanPredictor, 0.05);
// σ as printed: still at the mean predictor's level after the same budget (the tanh run above shows the budget suffices).
checks.Expect("Elman σ val MSE", elmanRuns.Rows[0].Final["val_loss"]).AtLeastTimes(meanPredictor, 0.8);
Console.WriteLine($"mean predictor's validation MSE: {meanPredictor.Value:F4}");
display(elmanRuns);                                                    // the final values, and each variant's loss curves

// ==== cell 9: markdown ====
// The target (the mean of 10 uniform values) has variance 1/120 ≈ 0.0083, so a constant predictor scores about that MSE;
// on this validation split the training mean scores 0.0093 (printed above the table), the baseline the checks use. With
// tanh the recurrence learns the mean (the checks require at most 5 % of the mean predictor's MSE); with σ as printed it
// is still at the constant predictor's level after the same 10 epochs (the checks require at least 80 % of it): a state
// confined to (0, 1), never zero-centred, with a derivative of at most 1/4, learns much more slowly. That is why the
// equation is written with tanh in practice.
//
// ### 3.4 循环层神经网络的拓展与创新 (Extensions and innovations)
//
// #### LSTM — the peephole LSTM 003 prints
//
// $$
// \begin{aligned}
// i_t &= \sigma(W_{xi}x_t + W_{hi}h_{t-1} + W_{ci}c_{t-1} + b_i)\\
// f_t &= \sigma(W_{xf}x_t + W_{hf}h_{t-1} + W_{cf}c_{t-1} + b_f)\\
// c_t &= f_t \odot c_{t-1} + i_t \odot \tanh(W_{xc}x_t + W_{hc}h_{t-1} + b_c)\\
// o_t &= \sigma(W_{xo}x_t + W_{ho}h_{t-1} + W_{co}c_t + b_o)\\
// h_t &= o_t \odot \tanh(c_t)
// \end{aligned}
// $$
//
// This is the **peephole** LSTM (the cell state feeds the gates). 003 calls $W_{ci}, W_{cf}, W_{co}$ weight matrices; in
// Gers & Schmidhuber's peephole LSTM (and Graves 2013) they are **diagonal**: $w_{ci} \odot c_{t-1}$, $w_{cf} \odot c_{t-1}$,
// $w_{co} \odot c_t$ — $H$ weights per gate instead of $H^2$. (003 also names a fourth "new state gate" and omits $b_c$
// from its list; the candidate $\tanh(\cdot)$ is not a gate.) The standard LSTM (PyTorch, Keras, 001, 002) has no
// peepholes. `PeepholeLstmCell` has both forms.

// ==== cell 10: code ====
Notebook.Cell(10);
var counts = new[] { (2L, 32L), (32L, 128L) }.SelectMany(s => new (string, nn.Module)[]
{
    ("LSTM (no peepholes)", new LstmCell(s.Item1, s.Item2)),
    ("peephole, diagonal (canonical)", new PeepholeLstmCell(s.Item1, s.Item2, PeepholeForm.Diagonal)),
    ("peephole, matrix (as printed)", new PeepholeLstmCell(s.Item1, s.Item2, PeepholeForm.Matrix)),
}.Select(m => new { inputs = s.Item1, hidden = s.Item2, cell = m.Item1, parameters = ParameterCounts.PyTorch(m.Item2),
                    peephole_parameters = ParameterCounts.PyTorch(m.Item2) - ParameterCounts.PyTorch(new LstmCell(s.Item1, s.Item2)) })).ToList();
checks.Expect("peephole diagonal extra (32->128)", counts.Single(c => c.hidden == 128 && c.cell.StartsWith("peephole, diag")).peephole_parameters).Equal(3 * 128, "3H");
checks.Expect("peephole matrix extra (32->128)", counts.Single(c => c.hidden == 128 && c.cell.StartsWith("peephole, matrix")).peephole_parameters).Equal(3 * 128 * 128, "3H²");
display(counts.ToTable());

// ==== cell 11: markdown ====
// The extra parameters are $3H$ (diagonal) versus $3H^2$ (matrix). The three trained on a delayed-recall task (one of 4
// symbols, then `peepholeDelay` blanks and a delimiter; the model must output the symbol at the last step; chance 25 %),
// same data and budget, over `peepholeSeeds` seeds (initialisation and shuffling):

// ==== cell 12: code ====
Notebook.Cell(12);
// Accuracy at the recall step only (the blanks elsewhere are trivial). Also used for the GRU below.
double RecallAccuracy(nn.Module<Tensor, Tensor> model, SupervisedData d)
{
    using var _ = no_grad();
    model.eval();
    var predicted = model.call(d.X).argmax(-1)[.., -1];
    return predicted.eq(d.Y[.., -1]).to_type(ScalarType.Float32).mean().ToDouble();
}

var peepData = CopyTask.Generate(1000, symbols: 1, delay: peepholeDelay, alphabet: 4, seed: seed);
var (peepTrain, peepVal) = peepData.Split(0.25);
long peepClasses = peepData.X.shape[2];
// Baseline: always answer the symbol most frequent at the recall step of the validation sequences (≈ chance, 1/4).
var peepLast = peepVal.Y[.., -1];
var peepMajority = checks.Baseline("peephole recall: majority class (validation)", (double)peepLast.bincount(null).max().ToInt64() / peepLast.numel());
var peepRows = new List<(string Model, int Seed, long Parameters, double SecondsPerEpoch, double Recall)>();
for (int s = seed; s < seed + peepholeSeeds; s++)
{
    var built = new Dictionary<string, nn.Module<Tensor, Tensor>>();
    Func<nn.Module<Tensor, Tensor>> Build(string name, RecurrentLayer layer) => () => built[name] = nn.Sequential(layer, nn.Linear(32, peepClasses));
    var run = Comparison.Run(new[]
    {
        new Variant("LSTM (no peepholes)", () => Build("LSTM (no peepholes)", new Lstm(peepClasses, 32))()),
        new Variant("peephole, diagonal", () => Build("peephole, diagonal", new Recurrent(new PeepholeLstmCell(peepClasses, 32, PeepholeForm.Diagonal)))()),
        new Variant("peephole, matrix (as printed)", () => Build("peephole, matrix (as printed)", new Recurrent(new PeepholeLstmCell(peepClasses, 32, PeepholeForm.Matrix)))()),
    }, peepTrain, peepVal, Losses.SparseCategoricalCrossEntropy(fromLogits: true), Optimizers.Adam(0.01), null, epochs: peepholeEpochs, batchSize: 32, seed: s);
    foreach (var r in run.Rows) peepRows.Add((r.Name, s, r.Parameters, r.SecondsPerEpoch, RecallAccuracy(built[r.Name], peepVal)));
}
var peepTable = peepRows.GroupBy(r => r.Model).Select(g => new
{
    model = g.Key, parameters = g.First().Parameters, seconds_per_epoch = Math.Round(g.Average(r => r.SecondsPerEpoch), 3),
    recall_accuracy_per_seed = string.Join("  ", g.Select(r => r.Recall.ToString("F3"))),
    mean_recall_accuracy = Math.Round(g.Average(r => r.Recall), 3),
}).ToList();
checks.Expect("peephole diagonal mean recall", peepRows.Where(r => r.Model == "peephole, diagonal").Average(r => r.Recall)).AtLeast(peepMajority, 0.2);
Console.WriteLine($"majority class at the recall step (validation): {peepMajority.Value:F3}");
display(peepTable.ToTable());

// ==== cell 13: markdown ====
// Read the accuracy columns per seed: on a budget this small, whether a model "finds" the memory solution within 10
// epochs varies from seed to seed — a run recalls every symbol, or about three quarters of them, or stays at or below the
// majority class (0 means it never named the right symbol: it answered a class that is not a symbol) — so a single run
// is not a ranking. The means over the seeds differ (at the default parameters the diagonal form's is the highest and the
// printed matrix form's the lowest), but the plain LSTM's and the diagonal form's means each rest on one or two runs that
// found the solution (fully or in part), the matrix form found it on none of the three, and three seeds of an
// all-or-nothing outcome cannot rank the forms: no accuracy advantage of either peephole form is established on this
// task. The check requires only that the task is learnable at this budget: the diagonal form's mean over the seeds at
// least 0.2 above the majority class at the recall step (printed above the table). What holds regardless: the peepholes
// give the gates direct access to the cell state (useful for counting and timing, Gers et al.'s motivation), the diagonal form adds $3H$
// weights at almost no cost, while the matrices printed in 003 add $3H^2$ weights and $3H^2$ multiply-adds per step (three
// more matrix products per step, one of which, $W_{co} c_t$, must wait for $c_t$); all three forms run on the toolkit's
// sequence kernels.
//
// #### Do peepholes help with precise timing?
//
// Gers, Schraudolph & Schmidhuber (2002) introduced the peepholes for tasks where the *time* of an event matters: the
// output gate can see the cell state, so a cell that counts steps can open its output at exactly the right one. A small
// version of their "generate timed spikes" task (`TimingTask`): two input channels; at a random step a cue spike arrives
// (with the interval on the second channel), and the target is a single spike exactly `timingInterval` steps after the
// cue, 0 at every other step of `timingSteps`. Nothing in the input marks the answer's step — the model must count. The
// model emits one logit per step (binary cross-entropy); it is scored by whether its strongest step is exactly the target
// step (chance $1/T$ = 5 %) and within ±1 step. LSTM vs diagonal peephole LSTM, 16 units, both unrolled by `Recurrent` on
// the same sequence kernel (the peephole terms are the only difference), same data, budget (`timingEpochs` epochs, Adam
// 0.01) and seeds (`timingSeeds` of them).

// ==== cell 14: code ====
Notebook.Cell(14);
var timing = TimingTask.Generate(1000, timingSteps, [timingInterval], seed: seed);
var (timeTrain, timeVal) = timing.Split(0.25);
// Baseline: ignore the input and always put the spike at the step where it is most often due in the validation
// sequences (the cue comes at a random step, so this beats 1/T only a little).
var targetSteps = timeVal.Y.reshape(timeVal.Y.shape[0], -1).argmax(1);
var timingMostFrequentStep = checks.Baseline("timing: most frequent target step (validation)", (double)targetSteps.bincount(null).max().ToInt64() / targetSteps.numel());
var timingRows = new List<(string Model, int Seed, double Exact, double WithinOne)>();
ComparisonResult firstTimingRun = null!;
Dictionary<string, nn.Module<Tensor, Tensor>> firstTimingModels = null!;
for (int s = seed; s < seed + timingSeeds; s++)
{
    var models = new Dictionary<string, nn.Module<Tensor, Tensor>>();
    var run = Comparison.Run(new[]
    {
        new Variant("LSTM (no peepholes)", () => models["LSTM (no peepholes)"] = nn.Sequential(new Recurrent(new LstmCell(2, 16)), nn.Linear(16, 1))),
        new Variant("peephole LSTM, diagonal", () => models["peephole LSTM, diagonal"] = nn.Sequential(new Recurrent(new PeepholeLstmCell(2, 16, PeepholeForm.Diagonal)), nn.Linear(16, 1))),
    }, timeTrain, timeVal, Losses.BinaryCrossEntropy(fromLogits: true), Optimizers.Adam(0.01), null, epochs: timingEpochs, batchSize: 32, seed: s);
    if (s == seed) (firstTimingRun, firstTimingModels) = (run, models);
    foreach (var (name, model) in models)
    {
        using (no_grad())
        {
            model.eval();
            var spikes = model.call(timeVal.X);
            timingRows.Add((name, s, TimingTask.SpikeAccuracy(spikes, timeVal.Y), TimingTask.SpikeAccuracy(spikes, timeVal.Y, tolerance: 1)));
        }
    }
}
var timingTable = timingRows.GroupBy(r => r.Model).Select(g => new
{
    model = g.Key, exact_step_accuracy_per_seed = string.Join("  ", g.Select(r => r.Exact.ToString("F3"))),
    mean_exact = Math.Round(g.Average(r => r.Exact), 3), mean_within_one_step = Math.Round(g.Average(r => r.WithinOne), 3),
    seeds_exact = g.Count(r => r.Exact >= 0.99),
}).ToList();
checks.Expect("timing: LSTM mean exact accuracy", timingRows.Where(r => r.Model == timingTable[0].model).Average(r => r.Exact)).AtLeast(timingMostFrequentStep, 0.25);
checks.Expect("timing: peephole mean exact accuracy", timingRows.Where(r => r.Model == timingTable[1].model).Average(r => r.Exact)).AtLeast(timingMostFrequentStep, 0.25);
checks.Expect("timing: LSTM seeds timing exactly", timingTable[0].seeds_exact).Above(0, "some seed reaches exact-step accuracy ≥ 0.99; the input-blind baseline reaches none");
checks.Expect("timing: peephole seeds timing exactly", timingTable[1].seeds_exact).Above(0, "some seed reaches exact-step accuracy ≥ 0.99; the input-blind baseline reaches none");
Console.WriteLine($"chance 1/T = {1.0 / timingSteps:F3}; always the most frequent target step (validation): {timingMostFrequentStep.Value:F3}");
display(timingTable.ToTable());
display(Charts.ComparisonCurves(firstTimingRun));                      // seed `seed`: training (solid) and validation (dashed) loss

// ==== cell 15: code ====
Notebook.Cell(15);
// What the seed-`seed` models emit on three validation sequences: σ(output) at every step; the target is 1 at one step.
var shown = timeVal.X.narrow(0, 0, 3);
var series = new List<(string, IReadOnlyList<double>)>();
using (no_grad())
{
    var target = timeVal.Y.narrow(0, 0, 3).flatten().data<float>().Select(v => (double)v).ToList();
    series.Add(("target", target));
    foreach (var (name, model) in firstTimingModels)
        series.Add((name, model.call(shown).sigmoid().flatten().data<float>().Select(v => (double)v).ToList()));
}
display(Charts.Lines(series, $"three validation sequences back to back ({timingSteps} steps each): spike probability per step"));

// ==== cell 16: markdown ====
// What the table shows at the default parameters: both forms learn the task far above chance (the checks require each
// form's mean exact-step accuracy over the seeds to exceed the input-blind baseline above — always the most frequent
// target step — by 0.25, and at least one seed of each to time every validation spike), and each times the spike
// exactly (`seeds_exact`: exact-step accuracy ≥ 0.99) on some seeds and one or more steps off on others — for both forms
// the outcome depends on the seed more than on the peepholes. It is also fragile at the level of rounding: an earlier
// version of this notebook ran the same toolkit code with three seeds in a different host process (so only floating-point
// details can have differed) and concluded from them that peepholes sharpen timing; in this run the first three seeds (the
// first three entries of each row of `exact_step_accuracy_per_seed`) rank the two the other way round (the plain LSTM
// exact on all three, the peephole form on two), and over all `timingSeeds` seeds no advantage of the peepholes is visible
// at this budget (16 units, 15 epochs, one interval; `seeds_exact` in the table). This small task therefore does not
// reproduce Gers et al.'s finding; it shows that a plain LSTM can learn to count steps too, and that conclusions from
// three seeds of a task with an all-or-nothing outcome per seed do not hold. (On the delayed-recall
// task above, where nothing depends on timing, the peepholes showed no advantage either.)
//
// #### GRU — as 003 prints it, and the canonical GRU
//
// Canonical (Cho et al. 2014, with $z$ multiplying the *old* state as in PyTorch and Keras):
//
// $$
// \begin{aligned}
// r_t &= \sigma(W_{xr}x_t + W_{hr}h_{t-1} + b_r), \qquad z_t = \sigma(W_{xz}x_t + W_{hz}h_{t-1} + b_z)\\
// \tilde h_t &= \tanh\big(W_{xh}x_t + W_{hh}(r_t \odot h_{t-1}) + b_h\big)\\
// h_t &= (1 - z_t)\odot \tilde h_t + z_t \odot h_{t-1}
// \end{aligned}
// $$
//
// This is the toolkit's `GruCell(…, resetAfter: false)` (Keras's `reset_after=False`, TF1's `GRUCell`). By default
// `GruCell` is PyTorch's GRU, which applies the reset gate *after* the recurrent product,
// $\tilde h_t = \tanh\big(W_{xh}x_t + b_{xh} + r_t \odot (W_{hh}h_{t-1} + b_{hh})\big)$ (Keras's `reset_after=True`, cuDNN's
// form, the only one libtorch's fused GRU runs); both are standard, same weights, and they differ only in where $r_t$ enters.
//
// 003 §3.4 prints (same $z_t$, $r_t$):
//
// $$
// \tilde h_t = \tanh\big((W_{x\tilde h}x_t) \odot r_t + (W_{h\tilde h}h_{t-1}) \odot (1-z_t) + b_{\tilde h}\big), \qquad
// h_t = (1-z_t)\odot h_{t-1} + z_t \odot \tilde h_t
// $$
//
// Two changes: the reset gate scales the **input** projection instead of $h_{t-1}$, and $(1-z_t)$ reappears inside the
// candidate. The final interpolation is the mirror image of PyTorch's (Chung et al. 2014 write it this way), which is only
// a relabelling of $z$. It keeps a carry path $(1-z_t)\odot h_{t-1}$, so it can still remember. `Gru003AsPrintedCell`
// implements it exactly. The canonical GRU in both placements of the reset gate, 003's, and an LSTM for 003's "GRU is
// simpler" claim, on a delayed-recall task: one of 4 symbols, then `recallDelay` blanks and a delimiter; the model must
// output the symbol at the last step (chance: 25 %). Same data, seed, size and budget for all four.

// ==== cell 17: code ====
Notebook.Cell(17);
var recall = CopyTask.Generate(1200, symbols: 1, delay: recallDelay, alphabet: 4, seed: seed);
var (recTrain, recVal) = recall.Split(0.25);
long recallClasses = recall.X.shape[2];                 // blank, 4 symbols, delimiter
// Baseline: always answer the symbol most frequent at the recall step of the validation sequences (≈ chance, 1/4).
var recallLast = recVal.Y[.., -1];
var recallMajority = checks.Baseline("GRU recall: majority class (validation)", (double)recallLast.bincount(null).max().ToInt64() / recallLast.numel());

var recallModels = new Dictionary<string, nn.Module<Tensor, Tensor>>();
Func<nn.Module<Tensor, Tensor>> Keep(string name, Func<nn.Module<Tensor, Tensor>> make) => () => recallModels[name] = make();
var gru = Comparison.Run(new[]
{
    new Variant("GRU canonical, reset before (Cho et al.)", Keep("GRU canonical, reset before (Cho et al.)", () => nn.Sequential(new Recurrent(new GruCell(recallClasses, 32, resetAfter: false)), nn.Linear(32, recallClasses)))),
    new Variant("GRU canonical, reset after (PyTorch)", Keep("GRU canonical, reset after (PyTorch)", () => nn.Sequential(new Recurrent(new GruCell(recallClasses, 32)), nn.Linear(32, recallClasses)))),
    new Variant("GRU as printed in 003", Keep("GRU as printed in 003", () => nn.Sequential(new Recurrent(new Gru003AsPrintedCell(recallClasses, 32)), nn.Linear(32, recallClasses)))),
    new Variant("LSTM", Keep("LSTM", () => nn.Sequential(new Lstm(recallClasses, 32), nn.Linear(32, recallClasses)))),
}, recTrain, recVal, Losses.SparseCategoricalCrossEntropy(fromLogits: true), Optimizers.Adam(0.01), null, epochs: recallEpochs, batchSize: 32, seed: seed);
var recallTable = gru.Rows.Select(r => new { model = r.Name, r.Parameters, seconds_per_epoch = Math.Round(r.SecondsPerEpoch, 3),
    val_loss = Math.Round(r.Final["val_loss"], 3), recall_accuracy = RecallAccuracy(recallModels[r.Name], recVal) }).ToList();
checks.Expect("GRU reset-before recall accuracy", recallTable[0].recall_accuracy).AtLeast(recallMajority, 0.6);   // recalls (almost) every symbol
checks.Expect("GRU reset-after recall accuracy", recallTable[1].recall_accuracy).AtLeast(recallMajority, 0.3);    // learning, not yet at the end
checks.Expect("GRU 003 recall accuracy", recallTable[2].recall_accuracy).AtLeast(recallMajority, 0.6)
    .Near(checks.Baseline("GRU reset-before recall accuracy"), 0.05);                                                // as well as the best canonical GRU
// The LSTM has not found the solution within the budget; the GRUs above show the budget suffices for this task.
checks.Expect("LSTM recall accuracy (same budget)", recallTable[3].recall_accuracy).NotAbove(recallMajority, 0.1);
Console.WriteLine($"majority class at the recall step (validation): {recallMajority.Value:F3}");
display(recallTable.ToTable());
display(Charts.ComparisonCurves(gru));                                 // training (solid) and validation (dashed) loss per epoch

// ==== cell 18: markdown ====
// What changes: the printed GRU has the same weight matrices as the canonical one, $3(HI + H^2)$ (the canonical rows show
// $3H$ more only because PyTorch's layout keeps two bias vectors per block), and because it keeps the carry term it **can**
// hold a symbol across the delay — on this task it does as well as the best canonical GRU, so 003's defect is a different
// parameterisation of the candidate, not a broken memory (000's printed GRU, which drops the carry term, is the broken one —
// see notebook 000). What the reset gate does is different: in 003 it can only silence the current input, never the past,
// so the candidate always sees $W_{h\tilde h}h_{t-1}$ (scaled by $1-z_t$). The two canonical placements of the reset gate
// have the same parameters; in this one run (one seed, same budget) the reset-before GRU recalls every symbol while the
// reset-after one is still learning (recall accuracy and validation loss in the table) — a single seed, not a ranking of
// the two forms; notebook 000 trains both to perfect recall. The reset-before GRU costs several times more per epoch (`seconds_per_epoch`)
// here: libtorch's fused GRU and the toolkit's sequence kernel compute only the reset-after form, so it runs on its cells,
// step by step. The GRU has 3/4 of the LSTM's weights, and here the LSTM had not yet found the solution within the same
// budget (its recall accuracy is still near chance): "fewer parameters, trains at least as fast" holds on this task. The
// checks compare with always answering the most frequent symbol at the recall step (printed above the table): the
// reset-before and the printed GRU must exceed it by 0.6 (and the printed one be within 0.05 of the reset-before one),
// the reset-after GRU by 0.3, and the LSTM must stay within 0.1 of it.
//
// #### "1D CNN" — the convolutional recurrence 003 prints
//
// $$h_t = \sigma(W_{hh} * h_{t-1} + W_{xh} * x_t + b_h), \qquad y_t = W_{hy} * h_t + b_y$$
//
// with $*$ a convolution. This is not a 1-D CNN but a **convolutional recurrence**: each step's input and state are 1-D
// feature maps, and the recurrent weights are convolution kernels — the idea behind ConvLSTM (Shi et al. 2015). Its
// parameters do not depend on the map length $L$, and a state position only sees its $k$ neighbours per step, so
// information spreads $(k-1)/2$ positions per step. `ConvRnnCell` implements it (σ as printed); the cell below counts
// parameters against a dense RNN on the flattened map and measures how far information travels. The gated 1-D form is
// `ConvLstm1dCell`; the 2-D form, ConvLSTM over image sequences (`ConvLstm2dCell`, Shi et al.'s equations with their
// per-position peepholes optional), is written out and trained on moving squares beside a CNN-per-frame → LSTM model in
// [notebook 000 §3.5 and §4.5](000-rnn-variants.ipynb) (000 §2.5, CNN-RNN).

// ==== cell 19: code ====
Notebook.Cell(19);
long L = 32, channels = 2, hiddenChannels = 8, k = 3;
var convCell = new ConvRnnCell(channels, hiddenChannels, k);
var denseCell = new RnnCell(channels * L, hiddenChannels * L, RnnActivation.Sigmoid);   // same state size, dense weights
var convParameters = checks.Baseline("ConvRnnCell parameters", ParameterCounts.PyTorch(convCell));
checks.Expect("dense RnnCell parameters", ParameterCounts.PyTorch(denseCell)).AtLeastTimes(convParameters, 100);
Console.WriteLine($"ConvRnnCell: {ParameterCounts.PyTorch(convCell):N0} parameters, ~{(hiddenChannels * (channels + hiddenChannels) * k * L):N0} multiply-adds per step; " +
                  $"dense RnnCell on the flattened map: {ParameterCounts.PyTorch(denseCell):N0} parameters, ~{(hiddenChannels * L) * (channels * L + hiddenChannels * L):N0} multiply-adds per step");

// Receptive field: which input positions at step 0 influence position L/2 of the state after t steps?
var convLayer = new Recurrent(convCell);
var spread = new List<(int Steps, long Reached, string Range)>();
foreach (var steps in new[] { 1, 2, 4, 8 })
{
    var x = torch.randn(1, steps, channels, L, requires_grad: true);
    var hT = convLayer.Run(x).Final[0].H;                     // (1, hiddenChannels, L)
    var grad = torch.autograd.grad([hT[0, .., L / 2].sum()], [x])[0];
    var reached = grad[0, 0].abs().sum(dim: 0).gt(0).nonzero().flatten();
    spread.Add((steps, reached.shape[0], $"{reached.min().ToInt64()}..{reached.max().ToInt64()}"));
    checks.Expect($"ConvRnn positions reached after {steps} steps", reached.shape[0]).Equal(1 + steps * (k - 1), "1 + t(k − 1)");
}
display(spread.Select(r => new { steps = r.Steps, positions_reached = r.Reached, range = r.Range }).ToTable());

// ==== cell 20: markdown ====
// After $t$ steps the state at position 16 depends on $1 + t(k-1)$ input positions of the first step (3, 5, 9, 17): local
// structure propagates through time one kernel radius per step, with the convolution's few hundred parameters instead of
// the dense cell's tens of thousands (both counts printed above; the checks hold the ratio above 100 and each count of
// positions to exactly $1 + t(k-1)$).
//
// #### The plain 1-D CNN 003's prose describes
//
// 003's text says a 1-D CNN "uses convolution layers to process the sequence, reducing parameters and compute". That is a
// convolution along **time**, without recurrence: $y_{t} = \phi\big(\sum_{j=0}^{k-1} W_j x_{t+j} + b\big)$ (Keras's
// `Conv1D`, valid padding). The claim is measured on §4's sentiment task against the LSTM, same data and budget (the
// CNN takes the max over time of its feature maps with the toolkit's `GlobalMaxPooling1D`, Keras's layer of that name).

// ==== cell 21: code ====
Notebook.Cell(21);
// Data of §4 (reviews as one-hot word sequences), built here so the CNN and the LSTM see the same tensors.
var corpus = SentimentCorpus.Generate(reviews, seed: seed);
var vocab = Vocabulary.Build(corpus.Select(c => c.Text), Tokenizer.Words);
var ids = SentimentCorpus.ToTensors(corpus, vocab);
var sentiment = new SupervisedData(TextCorpus.OneHot(ids.X, vocab.Count), ids.Y);
var (sTrain, sVal) = sentiment.Split(0.2);
// Baseline: always answer the label most frequent among the validation reviews.
var positiveShare = sVal.Y.mean().ToDouble();
var sentimentMajority = checks.Baseline("sentiment: majority class (validation)", Math.Max(positiveShare, 1 - positiveShare));
Console.WriteLine($"{reviews} reviews, vocabulary {vocab.Count} words, padded length {sentiment.X.shape[1]}; X {string.Join("×", sentiment.X.shape)}");

var cnnVsRnn = Comparison.Run(new[]
{
    new Variant("LSTM(32) → Dense(1, σ)", () => nn.Sequential(new Lstm(vocab.Count, 32, returnSequences: false), nn.Linear(32, 1), nn.Sigmoid())),
    new Variant("Conv1D(32, 3, relu) → max over time → Dense(1, σ)", () => nn.Sequential(new Conv1D(vocab.Count, 32, 3, "relu"), new GlobalMaxPooling1D(), nn.Linear(32, 1), nn.Sigmoid())),
}, sTrain, sVal, Losses.BinaryCrossEntropy(), Optimizers.Adam(0.005), [Metrics.Accuracy()], epochs: 4, batchSize: 32, seed: seed);
Console.WriteLine(cnnVsRnn);
var (lstmRow, cnnRow) = (cnnVsRnn.Rows[0], cnnVsRnn.Rows[1]);
Console.WriteLine($"The CNN has {(double)cnnRow.Parameters / lstmRow.Parameters:P0} of the LSTM's parameters and took {cnnRow.SecondsPerEpoch / lstmRow.SecondsPerEpoch:F2}× its time per epoch on this machine.");
checks.Expect("1-D CNN val accuracy", cnnRow.Final["val_accuracy"]).AtLeast(sentimentMajority, 0.4);
Console.WriteLine($"majority class (validation): {sentimentMajority.Value:F3}");
display(cnnVsRnn.Rows.Select(r => new { model = r.Name, r.Parameters, seconds_per_epoch = Math.Round(r.SecondsPerEpoch, 3), val_accuracy = r.Final["val_accuracy"] }).ToTable());

// ==== cell 22: markdown ====
// Fewer parameters, yes, and no sequential dependency between steps: all positions are computed at once, whereas the
// LSTM must run its steps one after another (the time per epoch is measured above; on a shared 2-core machine it is
// noisy, but the order of magnitude holds). A kernel of width 3 sees "not good" at once, which is all this task needs
// (the check requires the CNN's validation accuracy to exceed the majority class by 0.4); on tasks whose dependencies are longer than
// the stacked receptive field a CNN needs depth or dilation, which is where recurrence (or attention) earns its cost.
//
// #### Transformer — scaled dot-product and multi-head attention
//
// As printed (correct):
//
// $$\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\!\Big(\frac{QK^\top}{\sqrt{d_k}}\Big)V, \qquad
// \mathrm{MultiHead}(Q,K,V) = \mathrm{Concat}(\mathrm{head}_1,\dots,\mathrm{head}_h)W^O$$
//
// 003's third line, $\mathrm{MultiHeadAttention}(Q,K,V) = \mathrm{MultiHead}(QW_Q, KW_K, VW_V)$, folds the projections into
// one matrix each; in Vaswani et al. every head has its own: $\mathrm{head}_i = \mathrm{Attention}(QW_i^Q, KW_i^K, VW_i^V)$
// (implemented as one $d \times d$ matrix split into $h$ blocks). The cell computes the first equation by hand and with
// TorchSharp's `scaled_dot_product_attention`, and runs TorchSharp's `MultiheadAttention` (the toolkit's own
// `MultiHeadAttention`, which also returns per-head weights for heatmaps, is in `RnnToolkit.Attention`).

// ==== cell 23: code ====
Notebook.Cell(23);
torch.random.manual_seed(seed);
long dk = 8;
var Q = torch.randn(2, 5, dk); var K = torch.randn(2, 7, dk); var Vv = torch.randn(2, 7, dk);
var weights = torch.softmax(Q.matmul(K.transpose(1, 2)) / Math.Sqrt(dk), -1);     // (2, 5, 7), rows sum to 1
var byHandAttention = weights.matmul(Vv);
var library = nn.functional.scaled_dot_product_attention(Q, K, Vv);
var attentionError = (byHandAttention - library).abs().max().ToDouble();
checks.Expect("attention by hand vs scaled_dot_product_attention", attentionError).Below(1e-5, "float32 agreement of two computations");
Console.WriteLine($"softmax(QKᵀ/√d_k)V by hand vs scaled_dot_product_attention: max difference {attentionError:E1}");
Console.WriteLine("attention weights of query 0 (sequence 0) over the 7 keys: " + string.Join(" ", weights[0, 0].data<float>().ToArray().Select(v => v.ToString("F3"))));

var mha = nn.MultiheadAttention(16, 4);
var tokens = torch.randn(7, 2, 16);                 // TorchSharp's MultiheadAttention is time-first: (L, N, E)
var (mhaOut, mhaWeights) = mha.call(tokens, tokens, tokens, null, true, null);
Console.WriteLine($"MultiheadAttention(d=16, h=4): output {string.Join("×", mhaOut.shape)}, weights {string.Join("×", mhaWeights!.shape)}, " +
                  $"{ParameterCounts.PyTorch(mha):N0} parameters = 4·16² (W^Q, W^K, W^V, W^O) + 4·16 (biases)");

// ==== cell 24: markdown ====
// ## 4. 具体代码实例和详细解释说明 (Code example: the Keras LSTM binary classifier)
//
// 003's model, in C# with the toolkit:
//
// ```python
// model = Sequential()
// model.add(LSTM(128, input_shape=(X_train.shape[1], X_train.shape[2])))
// model.add(Dense(64, activation='relu'))
// model.add(Dropout(0.5))
// model.add(Dense(1, activation='sigmoid'))
// model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
// model.fit(X_train, y_train, epochs=10, batch_size=32, validation_data=(X_test, y_test))
// ```
//
// 003 never says what `X_train` is; here it is the project's synthetic review corpus (`SentimentCorpus`: templated reviews
// with opinion words, intensifiers and **negation** — "not good" is negative — so word counts alone are not enough),
// one-hot encoded, so `X_train` is (samples, steps, vocabulary) exactly as the `input_shape` line expects.

// ==== cell 25: code ====
Notebook.Cell(25);
Console.WriteLine(string.Join("\n", corpus.Take(4).Select(c => $"  [{c.Label}] {c.Text}")));
torch.random.manual_seed(seed);
var classifier = nn.Sequential(
    ("lstm", new Lstm(vocab.Count, 128, returnSequences: false)),
    ("dense", nn.Linear(128, 64)), ("relu", nn.ReLU()),
    ("dropout", nn.Dropout(0.5)),
    ("output", nn.Linear(64, 1)), ("sigmoid", nn.Sigmoid()));
Console.WriteLine(classifier.Summary(sTrain.X.shape[1], sTrain.X.shape[2]));
var trainer = classifier.Compile(Losses.BinaryCrossEntropy(), Optimizers.Adam(), Metrics.Accuracy());
var history = trainer.Fit(sTrain.X, sTrain.Y, new FitOptions { Epochs = classifierEpochs, BatchSize = 32, ValidationData = (sVal.X, sVal.Y), Verbose = 2, Seed = seed });
checks.Expect("classifier val_accuracy", history.Last("val_accuracy")).AtLeast(sentimentMajority, 0.45);   // the majority class of §3.4's CNN cell, same split

// ==== cell 26: markdown ====
// The training curves (loss and accuracy; training blue, validation orange):

// ==== cell 27: code ====
Notebook.Cell(27);
display(history);

// ==== cell 28: markdown ====
// Does it handle negation? Validation accuracy split by whether the review contains "not" (the checks require the
// overall validation accuracy to exceed the majority class by 0.45, and the accuracy on the negated reviews to exceed
// their own majority class by 0.3):

// ==== cell 29: code ====
Notebook.Cell(29);
var valReviews = corpus.Skip((int)sTrain.Count).ToList();
var predicted = trainer.Predict(sVal.X).flatten().data<float>().ToArray();
var byNegation = valReviews.Select((r, i) => (negated: r.Text.Split(' ').Contains("not"), correct: (predicted[i] > 0.5f ? 1 : 0) == r.Label))
    .GroupBy(p => p.negated).OrderBy(g => g.Key)
    .Select(g => new { reviews = g.Key ? "with negation" : "without negation", count = g.Count(), accuracy = Math.Round(g.Average(p => p.correct ? 1.0 : 0.0), 4) }).ToList();
// Baseline: always answer the label most frequent among the negated validation reviews.
var negatedLabels = valReviews.Where(r => r.Text.Split(' ').Contains("not")).Select(r => r.Label).ToList();
var negatedMajority = checks.Baseline("sentiment: majority class of the negated reviews", Math.Max(negatedLabels.Average(), 1 - negatedLabels.Average()));
checks.Expect("classifier val_accuracy on negated reviews", byNegation.Single(b => b.reviews == "with negation").accuracy).AtLeast(negatedMajority, 0.3);
Console.WriteLine($"majority class of the negated validation reviews: {negatedMajority.Value:F3}");
display(byNegation.ToTable());

// ==== cell 30: markdown ====
// ## 5. 未来发展趋势与挑战 (Future trends and challenges)
//
// 003's trends (faster training, better generalisation, interpretability) are prose. Its challenges make two claims that
// can be measured: **vanishing gradients** (and that gated cells address them), and that **gradient clipping** handles
// the gradient problems. (003 lists clipping as a cure for *vanishing* gradients; clipping only bounds *exploding* ones.)
//
// ### Vanishing gradients: RNN vs LSTM vs GRU
//
// `GradientFlow` unrolls each cell over `flowLength` steps of the adding problem and measures
// $\lVert \partial \mathcal{L} / \partial h_t \rVert$ for every step $t$ — how much of the loss's gradient reaches the state at
// step $t$ — at initialisation and after `flowTrainSteps` Adam steps (same seed and data for all three).

// ==== cell 31: code ====
Notebook.Cell(31);
var flowInit = GradientFlow.Compare(length: flowLength, hiddenSize: 32, batchSize: 64, seed: seed);
var flowTrained = GradientFlow.Compare(length: flowLength, hiddenSize: 32, batchSize: 64, seed: seed, trainSteps: flowTrainSteps);
var flowTable = flowInit.Zip(flowTrained, (a, b) => new { cell = a.Name,
    log10_first_over_last_at_init = Math.Round(a.Log10Decay, 2), log10_first_over_last_trained = Math.Round(b.Log10Decay, 2), loss_trained = Math.Round(b.Loss, 4) }).ToList();
// log10 of ‖∂L/∂h_0‖ / ‖∂L/∂h_last‖: 0 means the gradient reaches step 0 undiminished.
var noDecay = new Baseline("no decay", 0);
checks.Expect("RNN gradient decay (log10, init)", flowInit[0].Log10Decay).AtMost(noDecay, 8);
checks.Expect("LSTM gradient decay (log10, init)", flowInit[1].Log10Decay).AtLeast(checks.Baseline("RNN gradient decay (log10, init)"), 3);
var rnnTrainedDecay = checks.Baseline("RNN gradient decay (log10, trained)", flowTrained[0].Log10Decay);
checks.Expect("GRU gradient decay (log10, trained)", flowTrained[2].Log10Decay).AtLeast(rnnTrainedDecay, 3);
display(flowTable.ToTable());
// One chart, log scale: ‖∂L/∂h_t‖ against t for each cell, at initialisation and after training.
display(flowInit.Select(r => r with { Name = $"{r.Name} at init" }).Concat(flowTrained.Select(r => r with { Name = $"{r.Name} after {flowTrainSteps} steps" })).ToList());

// ==== cell 32: markdown ====
// The plain RNN's gradient at step 0 is $10^{-11.9}$ of the gradient at the last step at initialisation and $10^{-10.59}$
// after training (the table's log10 ratios): nothing the loss says reaches the early inputs, which is the
// vanishing-gradient problem. The gated cells decay by orders of magnitude less (the LSTM at initialisation thanks to its
// forget-gate bias of 1 and additive cell path; the GRU once trained, when its update gate learns to carry), so 003's
// claim holds as "gating keeps a usable gradient path", not as "solved": the
// LSTM's number depends on what its gates have learned. The checks require the RNN's decay at initialisation to be at
// least 8 orders of magnitude (against 0 for no decay), the LSTM's at least 3 orders smaller than the RNN's at
// initialisation, and the trained GRU's at least 3 orders smaller than the trained RNN's.
//
// ### Exploding gradients and clipping
//
// A ReLU RNN initialised with the identity as recurrent matrix (Le et al. 2015's IRNN) on the adding problem of length
// 50, plain SGD (learning rate 0.01), with and without clipping the global gradient norm at 1 (`GradientClipping`, Keras's
// `global_clipnorm`). A small callback records the norm before clipping at every batch.

// ==== cell 33: code ====
Notebook.Cell(33);
var adding50 = AddingProblem.Generate(1000, 50, seed: seed);
// Baselines: the best constant (the targets' mean; predicting 1 gives about the same), and the untrained IRNN (the
// same for both runs: same seed).
var addingMean = checks.Baseline("adding problem: mean predictor's MSE", (adding50.Y - adding50.Y.mean()).square().mean().ToDouble());
Baseline? irnnUntrained = null;
var clipRows = new List<(string Clipping, string Median, string Max, string Losses, string Stopped)>();
var clipNorms = new Dictionary<string, List<double>>();
foreach (var maxNorm in new double?[] { null, 1.0 })
{
    torch.random.manual_seed(seed);
    var irnnCell = new RnnCell(2, 32, RnnActivation.Relu);
    using (no_grad()) { irnnCell.weight_hh.copy_(torch.eye(32)); irnnCell.bias_hh!.zero_(); irnnCell.bias_ih!.zero_(); }
    var irnn = nn.Sequential(new Recurrent(irnnCell, returnSequences: false), nn.Linear(32, 1));
    if (irnnUntrained is null)
        using (no_grad()) irnnUntrained = checks.Baseline("IRNN untrained MSE", (irnn.call(adding50.X) - adding50.Y).square().mean().ToDouble());
    var clip = GradientClipping.ByGlobalNorm(maxNorm ?? 1e30);       // 1e30: measure the norm, never clip
    var recorder = new NormRecorder { Clip = clip };
    clipNorms[maxNorm is null ? "no clipping" : $"clipped at global norm {maxNorm}"] = recorder.Norms;
    var h5 = irnn.Compile(Losses.MeanSquaredError(), Optimizers.SGD(0.01)).Fit(adding50.X, adding50.Y, new FitOptions { Epochs = 5, BatchSize = 32, Callbacks = [clip, recorder], Verbose = 0, Seed = seed });
    var sorted = recorder.Norms.Where(double.IsFinite).OrderBy(v => v).ToList();
    clipRows.Add((maxNorm is null ? "none" : $"global norm ≤ {maxNorm}", sorted[sorted.Count / 2].ToString("G3"),
        recorder.Norms.Max().ToString("G3"), string.Join("  ", h5["loss"].Select(v => v.ToString("G3"))), h5.StopReason ?? ""));
    var finalLoss = h5["loss"][^1];
    if (maxNorm is null)   // explodes: far above the untrained model and the constant predictor (a NaN loss, an overflow, counts as exploded)
        checks.Expect("IRNN final loss, no clipping", double.IsNaN(finalLoss) ? double.PositiveInfinity : finalLoss)
            .AtLeastTimes(irnnUntrained.Value, 100).AtLeastTimes(addingMean, 100);
    else                   // trains: well below the untrained model, and down to the constant predictor's level
        checks.Expect("IRNN final loss, clipped", finalLoss).AtMostTimes(irnnUntrained.Value, 0.5).AtMostTimes(addingMean, 1.25);
}
Console.WriteLine($"baseline MSE: predict 1 {AddingProblem.BaselineMse:F4}, predict the mean {addingMean.Value:F4}; untrained IRNN {irnnUntrained.Value.Value:F4}");
display(clipRows.Select(r => new { clipping = r.Clipping, median_gradient_norm = r.Median, max_gradient_norm = r.Max, loss_per_epoch = r.Losses, stopped = r.Stopped }).ToTable());
// The gradient norm before clipping at every batch (log scale; non-finite norms leave gaps).
display(Charts.XY(clipNorms.Select(kv => (kv.Key, (IReadOnlyList<double>)Enumerable.Range(1, kv.Value.Count).Select(i => (double)i).ToList(), (IReadOnlyList<double>)kv.Value)),
    "IRNN on the adding problem: gradient norm before clipping", "batch", "global gradient norm", logY: true));

// ==== cell 34: markdown ====
// Without clipping the gradient norm reaches astronomically large values and the loss explodes (4.44E+14 in the first
// epoch, the table's `loss_per_epoch`); with the same seed, data and learning rate, clipping keeps every update bounded
// and the loss goes down smoothly toward the constant predictor's level — but not below it: after 5 epochs the clipped
// IRNN has not learned the adding problem
// (its final loss is still above the mean predictor's, printed above the table). The checks therefore claim only what the
// run shows: without clipping the final loss is at least 100 times both the untrained model's and the mean predictor's;
// with clipping it is at most half the untrained model's and at most 1.25 times the mean predictor's. Clipping fixes the
// *explosion*; it does not make the task learned faster, and it does nothing for vanishing gradients.
//
// ## 6. 附录常见问题与解答 (FAQ, summarised)
//
// | Q (003) | 003's answer | comment |
// | --- | --- | --- |
// | Why does vanishing gradient stop learning? | gradients shrink to 0, weights stop updating | measured in §5: at step 0 of 50 a plain RNN gets $10^{-11.9}$ of the last step's gradient at initialisation, $10^{-10.59}$ after training (log10 ratios in §5's table) |
// | Why do RNNs fail on long sequences? | they cannot remember earlier information | the cause is the gradient path (§5); gated cells hold a symbol over 20 steps (§3.4) |
// | Why is model complexity costly? | many parameters and operations | parameter/time tables in §3.4 (peephole matrices, GRU vs LSTM, CNN vs LSTM) |
// | How to fix vanishing gradients? | gradient clipping, accumulation, normalisation | clipping bounds *exploding* gradients only (§5); for vanishing ones use gating (LSTM/GRU), good initialisation, shorter paths (attention) |
// | How to handle long-term dependencies? | LSTM, GRU, 1-D CNN, Transformer | yes for LSTM/GRU/Transformer; a 1-D CNN only up to its receptive field |
// | How to reduce complexity? | simplified LSTM, GRU, 1-D CNN | GRU: ¾ of the LSTM's weights; CNN: about half the parameters here and no step-by-step loop (time measured in §3.4) |
//
// ## References (参考文献)
//
// 003's list repeats its twelve entries several times (mirrored once here). Checked against the literature:
//
// | 003 cites | status |
// | --- | --- |
// | Hochreiter & Schmidhuber (1997), Long short-term memory, Neural Computation 9(8) | exists |
// | Chung, Gulcehre, Cho & Bengio (2014), Empirical evaluation of gated recurrent neural networks…, arXiv:1412.3555 | exists (title: "…on sequence modeling") |
// | Vaswani et al. (2017), Attention is all you need, arXiv:1706.03762 | exists (eight authors; 003 lists four) |
// | Zaremba & Sutskever (2014), Recurrent neural network regularization, arXiv:1409.2329 | exists (with Vinyals) |
// | Bahdanau, Cho & Bengio (2015), Neural machine translation by jointly learning to align and translate | exists, but its arXiv id is 1409.0473, not 1409.1159 |
// | Bengio, Courville & Vincent (2013), Representation learning: a review and new perspectives | exists, in IEEE TPAMI 35(8); the venue given (Foundations and Trends in ML 4(1-3)) is wrong |
// | "Graves, P. (2013). Speech recognition with deep recurrent neural networks. ICML" | garbled: the paper is Graves, A., Mohamed & Hinton (2013), ICASSP |
// | "Xu et al. (2015). Convolutional LSTM networks for video-based action recognition. CVPR" | garbled: no such paper; the ConvLSTM paper is Shi et al. (2015), NeurIPS, arXiv:1506.04214 |
// | "Jozefowicz, Vinyals, Krizhevsky & Chollet (2016). Evaluating transfer learning on sequence data…" | garbled: no such paper; probably Jozefowicz, Zaremba & Sutskever (2015), An empirical exploration of recurrent network architectures, ICML |
// | "Graves & Schmidhuber (2005). Framework for online learning of motor primitives" | garbled: the 2005 paper is "Framewise phoneme classification with bidirectional LSTM…", Neural Networks 18(5-6) |
// | "Gers, H., Schmidhuber & Cummins (2000). Learning simple and composite temporal structures…" | garbled: Gers, F. A., Schmidhuber & Cummins, F. (2000), Learning to forget: continual prediction with LSTM, Neural Computation 12(10); peepholes: Gers, Schraudolph & Schmidhuber (2002), JMLR 3 |
// | "Cho et al. (2014). Learning pharmaceutical responses through unsupervised deep recurrent representation learning" | garbled: the GRU paper is Cho et al. (2014), Learning phrase representations using RNN encoder–decoder for statistical machine translation, EMNLP, arXiv:1406.1078 |
//
// ## Checks
//
// The metrics this notebook promises, at the default parameters, each declared with its rule in the cell that measures
// it; a regression fails the run. Every claim that a model learned is compared with a baseline computed here from the
// same data — the mean predictor's MSE, the majority class of the validation labels (at the recall step, of the reviews,
// of the negated reviews), the input-blind timing baseline, the untrained IRNN — and passes only by the margin shown;
// every claim that a model fails or stays near a baseline (the σ Elman network, the LSTM on the GRU's recall task, the
// IRNN without clipping) is paired with a positive check from the same runs. The hand computations are compared with the
// toolkit's (float32 agreement), and the parameter and position counts exactly.

// ==== cell 35: code ====
Notebook.Cell(35);
display(checks.Verify());

Notebook.Finish();

// ==== cell 33: types ====
class NormRecorder : Callback
{
    public required GradientClipping Clip { get; init; }
    public List<double> Norms { get; } = new();
    public override void OnAfterBackward(Trainer trainer) => Norms.Add(Clip.LastNorm);
}
