using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Training;

/// <summary>
/// Fit with stateful layers (issue 18): sequential batches and truncated BPTT. Each optimizer step's gradients are recorded
/// (and then zeroed, so the weights never move and every step is compared at the same weights) and compared with libtorch's
/// fused nn.LSTM run by hand: over whole sequences, or piece by piece from the previous piece's final state, detached;
/// and with PyTorch's truncated BPTT (tools/pytorch/make_tbptt_goldens.py).
/// </summary>
public class TruncatedBpttTests
{
    /// <summary>Records each step's gradients and the carried states after its forward pass, then zeroes the gradients.</summary>
    sealed class StepRecorder(nn.Module model, RecurrentLayer layer) : Callback
    {
        public readonly List<Dictionary<string, Tensor>> Gradients = [];
        public readonly List<(Tensor H, Tensor C)> States = [];

        public override void OnAfterBackward(Trainer trainer)
        {
            Gradients.Add(model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone().DetachFromDisposeScope()));
            var s = layer.States![0];
            States.Add((s.H.clone().DetachFromDisposeScope(), s.C!.clone().DetachFromDisposeScope()));
            foreach (var p in model.parameters()) p.grad!.zero_();
        }
    }

    /// <summary>Lstm(2 → 6, stateful) and a Linear head on every step, and the same weights in libtorch's fused nn.LSTM.</summary>
    sealed class Setup
    {
        public readonly RnnToolkit.Layers.Lstm Lstm;
        public readonly nn.Module<Tensor, Tensor> Model;
        readonly TorchSharp.Modules.LSTM fused;
        readonly TorchSharp.Modules.Linear head;

        public Setup(int seed, bool stateful = true)
        {
            random.manual_seed(seed);
            Lstm = new RnnToolkit.Layers.Lstm(2, 6, stateful: stateful);
            Model = nn.Sequential(("lstm", Lstm), ("head", nn.Linear(6, 1)));
            fused = nn.LSTM(2, 6, batchFirst: true);
            fused.load_state_dict(Lstm.state_dict());
            head = nn.Linear(6, 1);
            head.load_state_dict(((nn.Module)Model.named_children().Single(c => c.name == "head").module).state_dict());
        }

        /// <summary>The fused reference on a piece from (h0, c0): its MSE, the gradients by the model's parameter names, and the final state (detached).</summary>
        public (double Loss, Dictionary<string, Tensor> Gradients, Tensor H, Tensor C) Piece(Tensor x, Tensor y, Tensor? h0 = null, Tensor? c0 = null)
        {
            fused.zero_grad();
            head.zero_grad();
            var (output, hn, cn) = fused.call(x, h0 is null ? null : (h0, c0!));
            var loss = (head.call(output) - y).square().mean();
            loss.backward();
            var grads = fused.named_parameters().ToDictionary(p => "lstm." + p.name, p => p.parameter.grad!.clone());
            foreach (var (name, p) in head.named_parameters()) grads["head." + name] = p.grad!.clone();
            return (loss.ToDouble(), grads, hn.detach(), cn.detach());
        }

        public Trainer Compile() => Model.Compile(Losses.MeanSquaredError(), Optimizers.SGD(0.1));
    }

    static void SameGradients(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, g) in expected) TensorAssert.Close(g, actual[name], $"{what}: gradient of {name}", 1e-5, 1e-4);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(40)]
    public void With_k_at_least_T_the_gradients_are_full_BPTT(int k)
    {
        var s = new Setup(seed: 1);
        var x = randn(4, 12, 2);
        var y = randn(4, 12, 1);
        var recorder = new StepRecorder(s.Model, s.Lstm);
        var h = s.Compile().Fit(x, y, new FitOptions { BatchSize = 4, Shuffle = false, TruncatedBptt = k, Callbacks = [recorder], Verbose = 0 });
        Assert.Single(recorder.Gradients);
        var full = s.Piece(x, y);
        SameGradients(full.Gradients, recorder.Gradients[0], $"k = {k} against libtorch's fused LSTM over the whole sequence");
        Assert.Equal(full.Loss, h["loss"][0], 5);

        // …and against the toolkit's own layer run over the whole sequence without state.
        var plain = new Setup(seed: 1, stateful: false);
        var loss = (plain.Model.call(x) - y).square().mean();
        loss.backward();
        SameGradients(plain.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!), recorder.Gradients[0], $"k = {k} against a whole-sequence run");
    }

    [Fact]
    public void With_k_below_T_each_piece_starts_from_the_carried_state_and_its_gradients_stop_there()
    {
        var s = new Setup(seed: 2);
        var x = randn(8, 12, 2);
        var y = randn(8, 12, 1);
        var (vx, vy) = (randn(4, 12, 2), randn(4, 12, 1));
        var recorder = new StepRecorder(s.Model, s.Lstm);
        var h = s.Compile().Fit(x, y, new FitOptions
        {
            BatchSize = 4, Shuffle = false, TruncatedBptt = 5, ValidationData = (vx, vy), Callbacks = [recorder], Verbose = 0,
        });
        Assert.Equal(6, recorder.Gradients.Count);   // 2 groups of 4 sequences × pieces of 5, 5 and 2 steps

        int step = 0;
        foreach (long group in new long[] { 0, 4 })
        {
            Tensor? hState = null, cState = null;   // each group of sequences starts from zeros
            foreach (var (start, length) in new (long, long)[] { (0, 5), (5, 5), (10, 2) })
            {
                var piece = s.Piece(x.narrow(0, group, 4).narrow(1, start, length), y.narrow(0, group, 4).narrow(1, start, length), hState, cState);
                SameGradients(piece.Gradients, recorder.Gradients[step], $"samples {group}.., steps {start}..{start + length - 1}");
                // The carried state is the whole run's state at the cut (the fused module over the prefix).
                var prefix = s.Piece(x.narrow(0, group, 4).narrow(1, 0, start + length), y.narrow(0, group, 4).narrow(1, 0, start + length));
                TensorAssert.Close(prefix.H[0], recorder.States[step].H, $"carried h after {start + length} steps", 1e-5, 1e-5);
                TensorAssert.Close(prefix.C[0], recorder.States[step].C, $"carried c after {start + length} steps", 1e-5, 1e-5);
                (hState, cState) = (piece.H, piece.C);
                step++;
            }
        }
        // Truncation changes the gradients, not the forward pass: the epoch's loss is the whole sequences' loss, and
        // validation runs whole sequences.
        Assert.Equal(s.Piece(x, y).Loss, h["loss"][0], 5);
        Assert.Equal(s.Piece(vx, vy).Loss, h["val_loss"][0], 5);
    }

    public static IEnumerable<object[]> PyTorchCases() => Golden.CaseNames("tbptt.json");

    [Theory]
    [MemberData(nameof(PyTorchCases))]
    public void Each_piece_matches_PyTorch_truncated_BPTT(string name)
    {
        var c = Golden.Case("tbptt.json", name);
        var s = new Setup(seed: 0);
        Golden.LoadParameters(s.Model, c.GetProperty("parameters"));
        var recorder = new StepRecorder(s.Model, s.Lstm);
        var h = s.Compile().Fit(c.Tensor("x"), c.Tensor("y"), new FitOptions
        {
            BatchSize = c.GetProperty("batch").GetInt32(), Shuffle = false, TruncatedBptt = c.GetProperty("k").GetInt32(), Callbacks = [recorder], Verbose = 0,
        });
        var steps = c.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(steps.Count, recorder.Gradients.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            var grads = steps[i].GetProperty("grads");
            SameGradients(grads.EnumerateObject().ToDictionary(g => g.Name, g => grads.Tensor(g.Name)), recorder.Gradients[i], $"{name}, piece {i}");
            TensorAssert.Close(steps[i].Tensor("h")[0], recorder.States[i].H, $"{name}, carried h after piece {i}", 1e-5, 1e-5);
            TensorAssert.Close(steps[i].Tensor("c")[0], recorder.States[i].C, $"{name}, carried c after piece {i}", 1e-5, 1e-5);
        }
        Assert.Equal(c.GetProperty("whole_loss").GetDouble(), h["loss"][0], 5);
    }

    [Fact]
    public void Stateful_batches_continue_each_other_and_each_epoch_starts_from_zeros()
    {
        var s = new Setup(seed: 3);
        var longX = randn(4, 14, 2);
        var longY = randn(4, 14, 1);
        // Batch 2 (samples 4..7) continues batch 1 (samples 0..3) sample by sample.
        var x = cat([longX.narrow(1, 0, 7), longX.narrow(1, 7, 7)], 0);
        var y = cat([longY.narrow(1, 0, 7), longY.narrow(1, 7, 7)], 0);
        var recorder = new StepRecorder(s.Model, s.Lstm);
        s.Compile().Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 4, Shuffle = false, Stateful = true, Callbacks = [recorder], Verbose = 0 });
        Assert.Equal(4, recorder.Gradients.Count);
        var first = s.Piece(longX.narrow(1, 0, 7), longY.narrow(1, 0, 7));
        var second = s.Piece(longX.narrow(1, 7, 7), longY.narrow(1, 7, 7), first.H, first.C);
        SameGradients(first.Gradients, recorder.Gradients[0], "epoch 1, batch 1");
        SameGradients(second.Gradients, recorder.Gradients[1], "epoch 1, batch 2 (from batch 1's final state, detached)");
        SameGradients(first.Gradients, recorder.Gradients[2], "epoch 2, batch 1 (from zeros again)");
        SameGradients(second.Gradients, recorder.Gradients[3], "epoch 2, batch 2");
    }

    [Fact]
    public void Incompatible_options_are_errors_naming_what_was_expected()
    {
        var s = new Setup(seed: 4);
        var trainer = s.Compile();
        var x = randn(8, 6, 2);
        var y = randn(8, 6, 1);

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, y, new FitOptions { Stateful = true, BatchSize = 4, Verbose = 0 }));
        Assert.Contains("expected Shuffle = false", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, y, new FitOptions { Stateful = true, Shuffle = false, BatchSize = 3, Verbose = 0 }));
        Assert.Contains("divisible by BatchSize = 3", e.Message); Assert.Contains("got 8 samples", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, y, new FitOptions { BatchSize = 4, Verbose = 0 }));
        Assert.Contains("stateful layers (Lstm)", e.Message); Assert.Contains("got neither", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(x, y.select(1, -1), new FitOptions { TruncatedBptt = 2, Verbose = 0 }));
        Assert.Contains("T = 6", e.Message); Assert.Contains("(8, 1)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(x, y, new FitOptions { TruncatedBptt = 0, Verbose = 0 }));

        var stateless = new Setup(seed: 4, stateful: false).Compile();
        e = Assert.Throws<ArgumentException>(() => stateless.Fit(x, y, new FitOptions { TruncatedBptt = 2, Verbose = 0 }));
        Assert.Contains("expected a model with at least one stateful recurrent layer", e.Message);
        Assert.Equal(0, trainer.Epoch);
    }
}
