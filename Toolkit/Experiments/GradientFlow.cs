using System.Globalization;
using System.Text;
using RnnToolkit.Cells;
using RnnToolkit.Data;
using RnnToolkit.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Experiments;

/// <summary>The recurrent cells compared by <see cref="GradientFlow"/>.</summary>
public enum CellKind
{
    /// <summary>Elman RNN cell with tanh.</summary>
    Rnn,
    /// <summary>Long short-term memory cell.</summary>
    Lstm,
    /// <summary>Gated recurrent unit.</summary>
    Gru,
}

/// <summary>The gradient norms of one model: <c>Norms[t] = ‖∂loss/∂h_t‖</c> for t = 0..T−1.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Norms">Norm of the loss's gradient with respect to the hidden state of every step (over the whole batch).</param>
/// <param name="Loss">The loss the gradients are of.</param>
[Notebooks.TypeFormatterSource(typeof(Notebooks.ToolkitFormatterSource), FormattedType = typeof(GradientFlowResult))]
public sealed record GradientFlowResult(string Name, double[] Norms, double Loss)
{
    /// <summary>Each norm divided by the last step's: how much of the gradient reaching the last state survives back to step t.</summary>
    public double[] Relative => Norms.Select(n => n / Norms[^1]).ToArray();

    /// <summary>log10 of the ratio of the first step's norm to the last step's (−5 means the first step gets 10⁵ times less).</summary>
    public double Log10Decay => Math.Log10(Norms[0] / Norms[^1]);
}

/// <summary>
/// The vanishing-gradient picture: for RNN, LSTM and GRU cells on the same task, the norm of ∂loss/∂h_t for every
/// step t, from an unrolled loop over TorchSharp's cells (h_t is the state after reading input t; the loss is the MSE
/// of a linear read-out of the last state on the adding problem). All cells get the same data and the same seed.
/// At initialisation all three vanish at a similar rate; after some training the gated cells keep the gradient to the
/// early steps alive (they must, to solve the task) while the plain RNN's still vanishes.
/// </summary>
public static class GradientFlow
{
    /// <summary>
    /// Measures one cell kind: builds the cell and a linear read-out under <paramref name="seed"/>, optionally trains them
    /// for <paramref name="trainSteps"/> Adam steps on fresh adding-problem batches, then measures on one batch.
    /// </summary>
    /// <param name="cell">The cell.</param>
    /// <param name="length">Sequence length T.</param>
    /// <param name="hiddenSize">Hidden units.</param>
    /// <param name="batchSize">Sequences in the batch.</param>
    /// <param name="seed">Seeds the data and the weights.</param>
    /// <param name="unitForgetBias">Initialise the LSTM's forget-gate bias to 1, as Keras does (default).</param>
    /// <param name="trainSteps">Adam steps (learning rate 0.01) before measuring; 0 measures at initialisation.</param>
    public static GradientFlowResult Measure(CellKind cell, int length = 50, int hiddenSize = 32, int batchSize = 64, int seed = 0, bool unitForgetBias = true, int trainSteps = 0)
    {
        if (length < 2) throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be at least 2.");
        if (trainSteps < 0) throw new ArgumentOutOfRangeException(nameof(trainSteps), trainSteps, "Steps must be non-negative.");
        torch.random.manual_seed(seed);
        using var model = new Unrolled(cell, hiddenSize, unitForgetBias);
        if (trainSteps > 0)
        {
            using var opt = torch.optim.Adam(model.parameters(), 0.01);
            for (int s = 0; s < trainSteps; s++)
            {
                using var scope = NewDisposeScope();
                using var batch = AddingProblem.Generate(batchSize, length, unchecked(seed * 7919 + s + 1));
                opt.zero_grad();
                var (_, output) = model.Run(batch.X);
                (output - batch.Y).square().mean().backward();
                opt.step();
            }
        }
        using var data = AddingProblem.Generate(batchSize, length, seed);
        using (var scope = NewDisposeScope())
        {
            var (hs, output) = model.Run(data.X);
            var loss = (output - data.Y).square().mean();
            return new GradientFlowResult(cell.ToString().ToUpperInvariant(), FromHiddenStates(hs, loss), loss.ToDouble());
        }
    }

    /// <summary>
    /// Measures any toolkit cell (<c>RnnToolkit.Cells</c>: <c>RnnCell</c>, <c>LstmCell</c>, <c>PeepholeLstmCell</c>,
    /// <c>GruCell</c>, the documents' GRU variants, ...) unrolled by <see cref="Recurrent"/> with
    /// <see cref="Recurrent.KeepSteps"/>, on the same adding-problem batch as <see cref="Measure"/>. The cell must read
    /// 2 features per step (the adding problem's value and marker). <paramref name="makeCell"/> is called after the seed
    /// is set, so equal seeds give equal weights.
    /// </summary>
    /// <param name="makeCell">Creates the cell, e.g. <c>() =&gt; new GruCell(2, 32)</c>.</param>
    /// <param name="name">The result's name (the cell's type name by default).</param>
    /// <param name="length">Sequence length T.</param>
    /// <param name="batchSize">Sequences in the batch.</param>
    /// <param name="seed">Seeds the data and the weights.</param>
    /// <param name="unitForgetBias">Set an LSTM-family cell's forget-gate bias to 1, as Keras does (default).</param>
    /// <param name="trainSteps">Adam steps (learning rate 0.01) before measuring.</param>
    public static GradientFlowResult MeasureCell(Func<RecurrentCell> makeCell, string? name = null, int length = 50, int batchSize = 64, int seed = 0, bool unitForgetBias = true, int trainSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(makeCell);
        if (length < 2) throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be at least 2.");
        if (trainSteps < 0) throw new ArgumentOutOfRangeException(nameof(trainSteps), trainSteps, "Steps must be non-negative.");
        torch.random.manual_seed(seed);
        var cell = makeCell();
        if (cell.InputSize != 2 || cell.StepInputRank != 1)
            throw new ArgumentException($"The cell must read vectors of 2 features per step (the adding problem's value and marker); {cell.GetType().Name} reads {cell.InputSize} with step rank {cell.StepInputRank}.", nameof(makeCell));
        if (unitForgetBias && cell is LstmCell lstm && lstm.bias_ih is not null)
        {
            using var _ = no_grad();
            long h = cell.HiddenSize;
            lstm.bias_ih.narrow(0, h, h).fill_(1.0);
            lstm.bias_hh?.narrow(0, h, h).fill_(0.0);
        }
        using var layer = new Recurrent(cell) { KeepSteps = true };
        using var head = nn.Linear(cell.HiddenSize, 1);
        if (trainSteps > 0)
        {
            using var opt = torch.optim.Adam(layer.parameters().Concat(head.parameters()), 0.01);
            for (int s = 0; s < trainSteps; s++)
            {
                using var scope = NewDisposeScope();
                using var batch = AddingProblem.Generate(batchSize, length, unchecked(seed * 7919 + s + 1));
                opt.zero_grad();
                (head.call(layer.Run(batch.X).Last) - batch.Y).square().mean().backward();
                opt.step();
            }
        }
        using var data = AddingProblem.Generate(batchSize, length, seed);
        using (var scope = NewDisposeScope())
        {
            var result = layer.Run(data.X);
            var loss = (head.call(result.Last) - data.Y).square().mean();
            return new GradientFlowResult(name ?? cell.GetType().Name, FromHiddenStates(result.Steps!, loss), loss.ToDouble());
        }
    }

    /// <summary>A cell unrolled over time with a linear read-out of the last state.</summary>
    sealed class Unrolled : nn.Module
    {
        readonly CellKind kind;
        readonly long hidden;
        readonly nn.Module cell;
        readonly TorchSharp.Modules.Linear head;

        public Unrolled(CellKind kind, long hidden, bool unitForgetBias) : base("Unrolled" + kind)
        {
            this.kind = kind;
            this.hidden = hidden;
            cell = kind switch
            {
                CellKind.Rnn => nn.RNNCell(2, hidden),
                CellKind.Lstm => nn.LSTMCell(2, hidden),
                CellKind.Gru => nn.GRUCell(2, hidden),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown cell kind."),
            };
            head = nn.Linear(hidden, 1);
            RegisterComponents();
            if (kind == CellKind.Lstm && unitForgetBias)
            {
                using var _ = no_grad();
                var lstm = (TorchSharp.Modules.LSTMCell)cell;
                // Gate order i, f, g, o; the two biases add up, so 1 in one of them and 0 in the other gives 1.
                lstm.bias_ih!.narrow(0, hidden, hidden).fill_(1.0);
                lstm.bias_hh!.narrow(0, hidden, hidden).fill_(0.0);
            }
        }

        public (List<Tensor> States, Tensor Output) Run(Tensor x)
        {
            long batch = x.shape[0], steps = x.shape[1];
            var hs = new List<Tensor>();
            Tensor h = zeros(batch, hidden), c = zeros(batch, hidden);
            for (long t = 0; t < steps; t++)
            {
                var xt = x[.., t, ..];
                switch (cell)
                {
                    case TorchSharp.Modules.RNNCell r: h = r.call(xt, h); break;
                    case TorchSharp.Modules.GRUCell g: h = g.call(xt, h); break;
                    case TorchSharp.Modules.LSTMCell l: (h, c) = l.call(xt, (h, c)); break;
                }
                hs.Add(h);
            }
            return (hs, head.call(h));
        }
    }

    /// <summary>Measures RNN, LSTM and GRU on the same data with the same seed.</summary>
    /// <param name="length">Sequence length T.</param>
    /// <param name="hiddenSize">Hidden units.</param>
    /// <param name="batchSize">Sequences in the batch.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="unitForgetBias">Initialise the LSTM's forget-gate bias to 1 (Keras' default).</param>
    /// <param name="trainSteps">Adam steps before measuring (0: at initialisation).</param>
    public static IReadOnlyList<GradientFlowResult> Compare(int length = 50, int hiddenSize = 32, int batchSize = 64, int seed = 0, bool unitForgetBias = true, int trainSteps = 0) =>
        [.. Enum.GetValues<CellKind>().Select(c => Measure(c, length, hiddenSize, batchSize, seed, unitForgetBias, trainSteps))];

    /// <summary>
    /// ‖∂loss/∂h_t‖ for given per-step hidden states (any recurrent layer that exposes them) and a loss computed from
    /// them. Uses <c>torch.autograd.grad</c>, so parameters' gradients are untouched; states the loss does not depend
    /// on get 0.
    /// </summary>
    /// <param name="hiddenStates">h_0 .. h_{T−1}, each part of the graph of <paramref name="loss"/>.</param>
    /// <param name="loss">A scalar.</param>
    public static double[] FromHiddenStates(IReadOnlyList<Tensor> hiddenStates, Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(hiddenStates);
        ArgumentNullException.ThrowIfNull(loss);
        if (hiddenStates.Count == 0) throw new ArgumentException("Need at least one hidden state.", nameof(hiddenStates));
        using var scope = NewDisposeScope();
        var grads = torch.autograd.grad([loss], hiddenStates.ToList(), retain_graph: true, allow_unused: true);
        return grads.Select(g => g is null || g.IsInvalid ? 0.0 : g.norm().ToDouble()).ToArray();
    }

    /// <summary>A text table: one row per step (every <paramref name="every"/>-th), one column per model.</summary>
    /// <param name="results">The measurements.</param>
    /// <param name="every">Row interval.</param>
    public static string ToTable(IReadOnlyList<GradientFlowResult> results, int every = 5)
    {
        var sb = new StringBuilder("t");
        foreach (var r in results) sb.Append('\t').Append(r.Name);
        sb.AppendLine();
        int steps = results.Max(r => r.Norms.Length);
        for (int t = 0; t < steps; t += Math.Max(1, every))
        {
            sb.Append(t.ToString(CultureInfo.InvariantCulture));
            foreach (var r in results) sb.Append('\t').Append(t < r.Norms.Length ? r.Norms[t].ToString("0.000e+00", CultureInfo.InvariantCulture) : "");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
