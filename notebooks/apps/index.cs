// index: the notebook index.ipynb as a .NET file-based app, written by `dotnet run --project Runner -- export <notebook> --to app`
// (edit the notebook, then export again). Run: `dotnet run index.cs` (parameters: `dotnet run index.cs -- --name value`).
// Text goes to the console; index.html beside this file gets the report: markdown, code, tables and charts.
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
using RnnToolkit.Notebooks;
using TorchSharp;
using static TorchSharp.torch;
using Notebook = RnnToolkit.Formatting.NotebookApp;
using static RnnToolkit.Formatting.NotebookAppDisplay;

Notebook.Start("index");

// ==== cell 0: markdown ====
// # RnnToolkit notebooks — index
//
// One notebook per source document (five Chinese tutorials on recurrent networks; the documents themselves are not part
// of this repository, and have no titles of their own — the Chinese titles below are ours, from their content), section by
// section: each equation in LaTeX (corrected where the document is wrong, with the printed form beside it), C# that runs
// it with the toolkit, and an output.
//
// | notebook | 中文 | English | source file |
// | --- | --- | --- | --- |
// | [000 — RNN variants](000-rnn-variants.ipynb) | RNN 的变体与扩展 | RNN variants and extensions: LSTM, GRU, bidirectional RNN, CNN-RNN, attention | `000_280d4439adfec0eb.txt` |
// | [001 — RNN in depth](001-rnn-in-depth.ipynb) | RNN 深入解析 | RNN in depth: early RNN, LSTM, GRU, Transformer | `001_f89eacbf662f97d0.txt` |
// | [002 — variants and improvements](002-rnn-variants-and-improvements.ipynb) | RNN 的变种与改进 | RNN variants and improvements: LSTM, GRU, self-attention | `002_ba6f00a086465580.txt` |
// | [003 — recurrent layer extensions](003-recurrent-layer-extensions.ipynb) | 循环层的拓展与创新 | Extensions of recurrent layers: peephole LSTM, GRU, 1-D CNN, Transformer | `003_febf753213423b84.txt` |
// | [004 — the core of RNNs](004-rnn-core.ipynb) | 循环神经网络的核心 | The core of RNNs: recurrent state, Seq2Seq with attention on dates, training | `004_3600bf1f06356e20.txt` |
//
// ### The documents' claims and where they are measured
//
// | claim (documents) | measured in |
// | --- | --- |
// | GRU has fewer parameters than LSTM and trains as fast or faster (001 §8, 002 §6, 003 §6) | [002 §4.1–4.2](002-rnn-variants-and-improvements.ipynb) (copy task: parameters, accuracy), [003 §3.4 GRU](003-recurrent-layer-extensions.ipynb), the table below |
// | LSTM/GRU fix the plain RNN's vanishing gradients (000 §5.2, 003 §5) | [003 §5](003-recurrent-layer-extensions.ipynb) (gradient reaching step 0 over 50 steps) |
// | gradient clipping fixes exploding gradients (003 §5) | [003 §5](003-recurrent-layer-extensions.ipynb) (loss with and without clipping) |
// | peephole connections help with precise timing (000 §3.2, 003 §3.4) | [003 §3.4](003-recurrent-layer-extensions.ipynb) (timing task, 8 seeds) |
// | a bidirectional RNN uses the future of a sequence (000 §2.4) | [000 §3.4](000-rnn-variants.ipynb) |
// | a 1-D CNN reduces parameters and compute (003 §3.4, 000 §5.2) | [003 §3.4](003-recurrent-layer-extensions.ipynb) (parameters), [000 §5.2](000-rnn-variants.ipynb) (time against sequence length) |
// | attention lets a Seq2Seq decoder align with its input (004 §2.3) | [004 §2.3](004-rnn-core.ipynb) (dates, attention map) |
// | plain RNNs fail on long dependencies; self-attention captures them better than LSTM/GRU (002 §1, §2.4, §6; 001 §8) | [002 §2.4](002-rnn-variants-and-improvements.ipynb) (Elman RNN, LSTM, GRU, Transformer encoder: recall accuracy against distance d = 5–40) |
// | attention helps an encoder–decoder as inputs grow (004 §2.3) | [004 §2.3](004-rnn-core.ipynb) (plain Seq2Seq vs Bahdanau attention: exact match against source length) |
// | the Transformer processes positions in parallel, and attention is costly (001 §3, 002 §6) | [001 §3 Transformer](001-rnn-in-depth.ipynb) (self-attention vs LSTM: time and memory against T = 64–2048) |
// | 002's printed Q/K/V code is self-attention (002 §4.3) | [002 §4.3](002-rnn-variants-and-improvements.ipynb) (printed vs corrected, trained) |
//
// Every notebook starts with the same set-up: it checks that the toolkit's packages have been built
// (`bash scripts/pack.sh` from the repository root writes them to `artifacts/feed/`), references them
// from that local feed, and fixes the random seed (a cell tagged `parameters`, so the runner and
// papermill can override it). The same lines work in VS Code Polyglot Notebooks, Jupyter, Binder,
// Codespaces and the headless runner (`bash scripts/run-notebooks.sh`).

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
var notebookParameters = Notebook.Parameters(args, "seed");
var seed = notebookParameters.Get("seed", 42);

// ==== cell 4: code ====
Notebook.Cell(4);
var session = RnnToolkit.Notebook.Start(seed);   // loads TorchSharp's native library, registers the formatters, seeds torch, prints what it did
var checks = session.Checks;                     // the last cell checks the parameter table against the formulas

// ==== cell 5: markdown ====
// ## The variants at a glance
//
// Parameter counts for one layer with 32 inputs and 128 hidden units, as PyTorch counts them (two bias
// vectors per gate block) and as Keras's `model.summary()` does (one; two for GRU's `reset_after`).

// ==== cell 6: code ====
Notebook.Cell(6);
var rows = new (string Variant, nn.Module Module)[]
{
    ("RNN (tanh)", new Rnn(32, 128)),
    ("LSTM", new Lstm(32, 128)),
    ("GRU", new Gru(32, 128)),
    ("peephole LSTM (diagonal)", new PeepholeLstmCell(32, 128)),
    ("peephole LSTM (matrix, as printed)", new PeepholeLstmCell(32, 128, PeepholeForm.Matrix)),
    ("bidirectional LSTM", new Lstm(32, 128, bidirectional: true)),
};
display(rows.Select(r => new { r.Variant, PyTorch = ParameterCounts.PyTorch(r.Module), Keras = r.Module is StandardRecurrent s ? ParameterCounts.Keras(s) : (long?)null }).ToTable());

// ==== cell 7: markdown ====
// The counts follow from the equations, with $I = 32$ inputs and $H = 128$ units: a tanh RNN has $W_{ih}$ ($H \times I$),
// $W_{hh}$ ($H \times H$) and, in PyTorch, two bias vectors — $H(I + H) + 2H$; the LSTM has four such gate blocks, the
// GRU three; the diagonal peepholes add $3H$ and the printed matrix peepholes $3H^2$; a bidirectional layer doubles its
// directional layer. Keras keeps one bias vector per block (GRU's `reset_after` keeps two). The last cell computes these
// formulas and checks the table against them.

// ==== cell 8: code ====
Notebook.Cell(8);
long I = 32, H = 128, block = H * (I + H);
var expected = new Dictionary<string, (long PyTorch, long? Keras)>
{
    ["RNN (tanh)"] = (block + 2 * H, block + H),
    ["LSTM"] = (4 * (block + 2 * H), 4 * (block + H)),
    ["GRU"] = (3 * (block + 2 * H), 3 * (block + 2 * H)),
    ["peephole LSTM (diagonal)"] = (4 * (block + 2 * H) + 3 * H, null),
    ["peephole LSTM (matrix, as printed)"] = (4 * (block + 2 * H) + 3 * H * H, null),
    ["bidirectional LSTM"] = (2 * 4 * (block + 2 * H), 2 * 4 * (block + H)),
};
string[] formulas = ["H(I + H) + 2H", "4(H(I + H) + 2H)", "3(H(I + H) + 2H)", "4(H(I + H) + 2H) + 3H", "4(H(I + H) + 2H) + 3H²", "2 · 4(H(I + H) + 2H)"];
string[] kerasFormulas = ["H(I + H) + H", "4(H(I + H) + H)", "3(H(I + H) + 2H) (reset_after)", "", "", "2 · 4(H(I + H) + H)"];
foreach (var ((variant, module), i) in rows.Select((r, i) => (r, i)))
{
    checks.Expect($"{variant}: PyTorch parameters", ParameterCounts.PyTorch(module)).Equal(expected[variant].PyTorch, formulas[i]);
    if (module is StandardRecurrent layer)
        checks.Expect($"{variant}: Keras parameters", ParameterCounts.Keras(layer)).Equal(expected[variant].Keras!.Value, kerasFormulas[i]);
}
display(checks.Verify());

Notebook.Finish();
