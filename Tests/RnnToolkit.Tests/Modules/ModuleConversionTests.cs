using RnnToolkit.Attention;
using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Models;
using RnnToolkit.Tests.Support;
using TorchSharp;

namespace RnnToolkit.Tests.Modules;

/// <summary>
/// Every public module of the toolkit behaves like a TorchSharp module when converted, moved, copied or saved (issue 14):
/// after <c>.to(Float64)</c> all its floating parameters and buffers are float64 and it gives its float32 results (within
/// float32 precision) with gradients reaching every parameter; a state dict or a file fills another float64 instance that
/// then gives the same results exactly; <c>.to(device)</c> and <c>.to(device, Float32)</c> bring it back to its float32
/// results. One case per public concrete module type (a fact checks that none is missing), several where a type has
/// backends or forms whose code differs.
/// </summary>
public class ModuleConversionTests
{
    /// <summary>Deterministic inputs of one dtype: drawn in float64 from a fixed generator, then cast, so every dtype sees the same values.</summary>
    public sealed class Inputs(ScalarType dtype)
    {
        readonly Generator generator = new(20260514);

        public ScalarType DType => dtype;

        public Tensor Randn(params long[] shape) => randn(shape, ScalarType.Float64, generator: generator).to(dtype);

        /// <summary>Token ids in [1, vocabulary), with the given tails set to <paramref name="pad"/> (row i keeps lengths[i] tokens).</summary>
        public Tensor Ids(long vocabulary, long batch, long steps, long[]? lengths = null, long pad = 0)
        {
            var ids = randint(1, vocabulary, [batch, steps], ScalarType.Int64, generator: generator);
            return lengths is null ? ids : ids.masked_fill(Mask(lengths, steps).logical_not(), pad);
        }

        /// <summary>A (B, T) prefix mask: row i has its first lengths[i] steps valid.</summary>
        public static Tensor Mask(long[] lengths, long steps) => arange(steps).unsqueeze(0).lt(tensor(lengths).unsqueeze(1));
    }

    /// <summary>A module type, how to build a small instance, and a run on deterministic inputs whose outputs are flattened into one tensor.</summary>
    public sealed record ModuleCase(string Name, Type Type, Func<nn.Module> Make, Func<nn.Module, Inputs, Tensor> Run)
    {
        public override string ToString() => Name;
    }

    static ModuleCase Case<T>(string name, Func<T> make, Func<T, Inputs, Tensor> run) where T : nn.Module =>
        new(name, typeof(T), make, (m, i) => run((T)m, i));

    /// <summary>Every output, flattened and concatenated (nulls skipped); all floating outputs must be of one type (cat would promote a stray float32 one).</summary>
    static Tensor Flat(params Tensor?[] tensors)
    {
        var present = tensors.Where(t => t is not null).Select(t => t!).ToArray();
        var types = present.Where(is_floating_point).Select(t => t.dtype).Distinct().ToList();
        Assert.True(types.Count <= 1, $"outputs of several floating types: {string.Join(", ", types)}.");
        return cat(present.Select(t => t.flatten()).ToArray());
    }

    static Tensor Flat(RecurrentResult r) =>
        Flat([r.Output, r.Last, .. r.Final.SelectMany(s => s.Tensors)]);

    // A cell unrolled by Recurrent (its sequence kernel in float32 where it has one, its step code otherwise), then one
    // more step through its own forward from the final state. x is (B, T, features…).
    static Tensor RunCell(RecurrentCell cell, Inputs i, params long[] step)
    {
        var x = i.Randn([2, 4, .. step]);
        var r = new Recurrent(cell).Run(x);
        var next = cell.forward(x.select(1, 0), r.Final[0]);
        return Flat([Flat(r), .. next.Tensors]);
    }

    static ModuleCase CellCase<T>(string name, Func<T> make, params long[] step) where T : RecurrentCell =>
        Case(name, make, (cell, i) => RunCell(cell, i, step));

    // A recurrent layer on (2, 5, 4) with a prefix mask (lengths ≥ 1, so the fused backend packs it) and without.
    static Tensor RunLayer(RecurrentLayer layer, Inputs i)
    {
        var x = i.Randn(2, 5, layer.InputSize);
        return Flat(Flat(layer.Run(x)), Flat(layer.Run(x, null, Inputs.Mask([5, 3], 5))), layer.forward(x));
    }

    static readonly RecurrentBackend[] backends = [RecurrentBackend.Fused, RecurrentBackend.Cells, RecurrentBackend.Kernels, RecurrentBackend.Auto];

    static IEnumerable<ModuleCase> StandardLayerCases() =>
        from backend in backends
        from c in new[]
        {
            Case($"LSTM {backend}", () => new RnnToolkit.Layers.Lstm(4, 5, 2, bidirectional: true) { Backend = backend }, RunLayer),
            Case($"GRU {backend}", () => new RnnToolkit.Layers.Gru(4, 5, 2, bidirectional: true) { Backend = backend }, RunLayer),
            Case($"RNN {backend}", () => new Rnn(4, 5, 2, RnnActivation.Relu, bidirectional: true) { Backend = backend }, RunLayer),
        }
        select c;

    static Tensor RunSeq2Seq(Seq2Seq m, Inputs i)
    {
        var source = i.Ids(7, 2, 5, [5, 3]);
        var target = i.Ids(6, 2, 4);
        var (logits, weights) = m.Run(source, target);
        var (stepLogits, _) = m.Step(target.select(1, 0), m.Encode(source));
        return Flat(logits, weights, stepLogits);
    }

    static Tensor RunDecoderLayer(TransformerDecoderBlock m, Inputs i)
    {
        var target = i.Randn(2, 3, 8);
        var memory = i.Randn(2, 4, 8);
        var memoryMask = Inputs.Mask([4, 2], 4);
        var r = m.RunWithWeights(target, memory, memoryKeyMask: memoryMask);
        var step = m.Step(target.narrow(1, 1, 1), target.narrow(1, 0, 2), memory, memoryMask);
        return Flat(r.Output, r.Weights, step);
    }

    public static readonly IReadOnlyList<ModuleCase> Cases =
    [
        // Attention
        Case("AdditiveAttention", () => new AdditiveAttention(4, 5, 6), (m, i) =>
        {
            var keys = i.Randn(2, 5, 5);
            var one = m.Run(i.Randn(2, 4), keys, keyMask: Inputs.Mask([5, 2], 5));
            var many = m.Run(i.Randn(2, 3, 4), keys, i.Randn(2, 5, 3));
            return Flat(one.Output, one.Weights, many.Output, many.Weights, m.forward(i.Randn(2, 4), keys));
        }),
        Case("Bahdanau000AsPrintedAttention", () => new Bahdanau000AsPrintedAttention(4, 5, 6), (m, i) =>
        {
            var inputs = i.Randn(2, 5, 5);
            var one = m.Run(i.Randn(2, 4), inputs, Inputs.Mask([5, 2], 5));
            var many = m.Run(i.Randn(2, 3, 4), inputs, projectedInputs: m.ProjectInputs(inputs));
            return Flat(one.Output, one.Weights, many.Output, many.Weights);
        }),
        Case("KerasAdditiveAttention", () => new KerasAdditiveAttention(4), (m, i) =>
        {
            var r = m.Run(i.Randn(2, 3, 4), i.Randn(2, 5, 3), i.Randn(2, 5, 4), Inputs.Mask([3, 1], 3), Inputs.Mask([5, 2], 5), useCausalMask: true);
            var across = m.Run(i.Randn(3, 4), i.Randn(3, 4));
            return Flat(r.Output, r.Weights, across.Output, across.Weights);
        }),
        Case("KerasAttention dot", () => new KerasAttention(useScale: true), (m, i) =>
        {
            var r = m.Run(i.Randn(2, 3, 4), i.Randn(2, 5, 3), i.Randn(2, 5, 4), valueMask: Inputs.Mask([5, 2], 5));
            return Flat(r.Output, r.Weights);
        }),
        Case("KerasAttention concat", () => new KerasAttention(useScale: true, scoreMode: "concat"), (m, i) =>
        {
            var r = m.Run(i.Randn(2, 3, 4), i.Randn(2, 5, 4), useCausalMask: true);
            var across = m.Run(i.Randn(3, 4), i.Randn(3, 4));
            return Flat(r.Output, r.Weights, across.Output, across.Weights);
        }),
        Case("LuongAttention general", () => new LuongAttention(4, 5), (m, i) =>
        {
            var keys = i.Randn(2, 5, 5);
            var one = m.Run(i.Randn(2, 4), keys, keyMask: Inputs.Mask([5, 2], 5));
            var many = m.Run(i.Randn(2, 3, 4), keys, projectedKeys: m.ProjectKeys(keys));
            return Flat(one.Output, one.Weights, many.Output, many.Weights);
        }),
        Case("LuongAttention dot", () => new LuongAttention(4, 4, LuongScore.Dot), (m, i) =>
        {
            var r = m.Run(i.Randn(2, 3, 4), i.Randn(2, 5, 4));
            return Flat(r.Output, r.Weights);
        }),
        Case("MultiHeadAttention", () => new MultiHeadAttention(8, 2), (m, i) =>
        {
            var x = i.Randn(2, 4, 8);
            var self = m.SelfAttention(x, Inputs.Mask([4, 2], 4), causal: true);
            var cross = m.Run(i.Randn(2, 3, 8), x, x, averageWeights: true);
            return Flat(self.Output, self.Weights, cross.Output, cross.Weights);
        }),
        Case("MultiHeadAttention kdim vdim time-first", () => new MultiHeadAttention(8, 2, batchFirst: false, kdim: 3, vdim: 5), (m, i) =>
        {
            var r = m.Run(i.Randn(3, 2, 8), i.Randn(4, 2, 3), i.Randn(4, 2, 5), Inputs.Mask([4, 2], 4));
            return Flat(r.Output, r.Weights);
        }),
        Case("MultiHeadAttention fused kernel", () => new MultiHeadAttention(8, 2, bias: false) { FusedKernel = true }, (m, i) =>
        {
            var x = i.Randn(2, 4, 8);
            var r = m.Run(x, x, x, needWeights: false);
            return Flat(m.forward(x, x, x), m.SelfAttention(x, causal: true, needWeights: false).Output, r.Output, r.Weights);
        }),
        Case("PositionalEncoding", () => new PositionalEncoding(6, dropout: 0.1), (m, i) => m.forward(i.Randn(2, 3, 6))),
        Case("QkvSelfAttention002", () => new QkvSelfAttention002(5, 3), (m, i) =>
        {
            var r = m.Run(i.Randn(2, 4, 5));
            return Flat(r.Output, r.Weights);
        }),
        Case("QkvSelfAttention002 as printed", () => new QkvSelfAttention002(5, 3, asPrinted: true), (m, i) =>
        {
            var r = m.Run(i.Randn(2, 3, 5));
            return Flat(r.Output, r.Weights);
        }),

        // Cells
        CellCase("ConvLstm1dCell", () => new ConvLstm1dCell(2, 3), 2, 5),
        CellCase("ConvLstm2dCell", () => new ConvLstm2dCell(2, 3), 2, 4, 5),
        CellCase("ConvLstm2dCell with peepholes", () => new ConvLstm2dCell(2, 3, 3, new MapSize(4, 5)), 2, 4, 5),
        CellCase("ConvRnnCell", () => new ConvRnnCell(2, 3, 3, RnnActivation.Tanh), 2, 5),
        CellCase("Gru000AsPrintedCell", () => new Gru000AsPrintedCell(4, 5), 4),
        CellCase("Gru002AsPrintedCell", () => new Gru002AsPrintedCell(5, 5), 5),
        CellCase("Gru003AsPrintedCell", () => new Gru003AsPrintedCell(4, 5), 4),
        CellCase("GruCell", () => new GruCell(4, 5), 4),
        CellCase("GruCell without bias", () => new GruCell(4, 5, bias: false), 4),
        CellCase("GruCell reset before", () => new GruCell(4, 5, resetAfter: false), 4),
        CellCase("GruCell reset before without bias", () => new GruCell(4, 5, bias: false, resetAfter: false), 4),
        CellCase("LstmCell", () => new LstmCell(4, 5), 4),
        CellCase("LstmCell projected", () => new LstmCell(4, 5, projSize: 3), 4),
        CellCase("PeepholeLstmCell diagonal", () => new PeepholeLstmCell(4, 5), 4),
        CellCase("PeepholeLstmCell matrix", () => new PeepholeLstmCell(4, 5, PeepholeForm.Matrix), 4),
        CellCase("RnnCell", () => new RnnCell(4, 5), 4),
        CellCase("RnnCell sigmoid without bias", () => new RnnCell(4, 5, RnnActivation.Sigmoid, bias: false), 4),

        // Layers
        Case("Bidirectional", () => new Bidirectional(() => new Recurrent(new GruCell(4, 5)), MergeMode.Ave), RunLayer),
        Case("Bidirectional of projected LSTMs", () => new Bidirectional(new RnnToolkit.Layers.Lstm(4, 5, projSize: 3), new RnnToolkit.Layers.Lstm(4, 5, projSize: 3)), RunLayer),
        Case("Conv1D", () => new Conv1D(3, 4, 3, "tanh", ConvPadding.Same), (m, i) => m.forward(i.Randn(2, 5, 3))),
        Case("Conv1D causal", () => new Conv1D(3, 4, 2, "gelu", ConvPadding.Causal, dilation: 2), (m, i) => m.forward(i.Randn(2, 5, 3))),
        Case("GlobalAveragePooling1D", () => new GlobalAveragePooling1D(), (m, i) =>
        {
            var x = i.Randn(2, 4, 3);
            return Flat(m.forward(x), m.forward(x, Inputs.Mask([4, 2], 4)));
        }),
        Case("GlobalMaxPooling1D", () => new GlobalMaxPooling1D(), (m, i) =>
        {
            var x = i.Randn(2, 4, 3);
            return Flat(m.forward(x), m.forward(x, Inputs.Mask([4, 2], 4)));
        }),
        .. StandardLayerCases(),
        Case("GRU reset before", () => new RnnToolkit.Layers.Gru(4, 5, 2, bidirectional: true, resetAfter: false), RunLayer),
        Case("LSTM projected", () => new RnnToolkit.Layers.Lstm(4, 5, 2, bidirectional: true, projSize: 3), RunLayer),
        Case("Masking", () => new Masking(), (m, i) =>
        {
            var x = i.Randn(2, 4, 3).masked_fill(Inputs.Mask([4, 2], 4).logical_not().unsqueeze(2), 0);
            return Flat(m.forward(x), m.ComputeMask(x).to(i.DType));
        }),
        Case("Recurrent kernels", () => new Recurrent(new LstmCell(4, 5)), RunLayer),
        Case("Recurrent steps backwards", () => new Recurrent(new GruCell(4, 5), goBackwards: true) { UseKernels = false, KeepSteps = true }, RunLayer),
        Case("Stacked", () => new Stacked([new Recurrent(new GruCell(4, 5)), new Recurrent(new PeepholeLstmCell(5, 3))], dropout: 0.2), RunLayer),
        Case("Stacked of standard layers", () => new Stacked([new RnnToolkit.Layers.Gru(4, 5, bidirectional: true), new Rnn(10, 3, 2), new RnnToolkit.Layers.Lstm(3, 4)]), RunLayer),
        Case("TimeDistributed", () => new TimeDistributed(nn.Linear(3, 2)), (m, i) => m.forward(i.Randn(2, 4, 3))),
        Case("TimeDistributed of Conv1D", () => new TimeDistributed(new Conv1D(3, 2, 3, padding: ConvPadding.Same)), (m, i) => m.forward(i.Randn(2, 4, 5, 3))),
        Case("TimeDistributed of Conv2d", () => new TimeDistributed(nn.Sequential(nn.Conv2d(2, 3, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())),
            (m, i) => m.forward(i.Randn(2, 4, 2, 6, 6))),

        // Models
        Case("ElmanNetwork", () => new ElmanNetwork(4, 5, 3, inputSkip: true), (m, i) => m.forward(i.Randn(2, 5, 4))),
        .. from cell in new[] { Seq2SeqCell.Gru, Seq2SeqCell.Lstm }
           from attention in new[] { Seq2SeqAttention.None, Seq2SeqAttention.Bahdanau, Seq2SeqAttention.Luong }
           select Case($"Seq2Seq {cell} {attention}", () => new Seq2Seq(7, 6, 4, 5, cell, attention), RunSeq2Seq),
        Case("TransformerEncoderLayer", () => new TransformerEncoderBlock(8, 2, 16), (m, i) =>
        {
            var x = i.Randn(2, 4, 8);
            var r = m.RunWithWeights(x, Inputs.Mask([4, 2], 4));
            return Flat(r.Output, r.Weights, m.Run(x, causal: true));
        }),
        Case("TransformerEncoderLayer norm first GELU", () => new TransformerEncoderBlock(8, 2, 16, activation: TransformerActivation.GELU, normFirst: true), (m, i) => m.forward(i.Randn(2, 4, 8))),
        Case("TransformerDecoderLayer", () => new TransformerDecoderBlock(8, 2, 16), RunDecoderLayer),
        Case("TransformerDecoderLayer norm first", () => new TransformerDecoderBlock(8, 2, 16, normFirst: true), RunDecoderLayer),
        Case("TransformerEncoder", () => new TransformerEncoderStack(2, _ => new TransformerEncoderBlock(8, 2, 16, normFirst: true), nn.LayerNorm(8)), (m, i) =>
            m.Run(i.Randn(2, 4, 8), Inputs.Mask([4, 2], 4))),
        Case("TransformerDecoder", () => new TransformerDecoderStack(2, _ => new TransformerDecoderBlock(8, 2, 16), nn.LayerNorm(8)), (m, i) =>
        {
            var target = i.Randn(2, 3, 8);
            var memory = i.Randn(2, 4, 8);
            var y = m.Run(target, memory, memoryKeyMask: Inputs.Mask([4, 2], 4));
            var (step, history) = m.Step(target.narrow(1, 0, 1), [target.new_empty(2, 0, 8), target.new_empty(2, 0, 8)], memory);
            return Flat([y, step, .. history]);
        }),
        Case("TransformerSeq2Seq", () => new TransformerSeq2Seq(7, 6, 8, 2, 2, 1, 16), (m, i) =>
        {
            var source = i.Ids(7, 2, 5, [5, 3]);
            var target = i.Ids(6, 2, 3);
            var (logits, state) = m.Step(target.select(1, 0), m.Encode(source));
            var (next, _) = m.Step(target.select(1, 1), state);
            return Flat(m.forward(source, target), logits, next);
        }),
        Case("TransformerSeq2Seq shared vocabulary norm first", () => new TransformerSeq2Seq(7, 7, 8, 2, 1, 1, 16, sharedVocabulary: true, normFirst: true), (m, i) =>
            m.forward(i.Ids(7, 2, 5, [5, 3]), i.Ids(7, 2, 3))),
    ];

    public static IEnumerable<object[]> CaseNames() => Cases.Select(c => new object[] { c.Name });

    static ModuleCase Find(string name) => Cases.Single(c => c.Name == name);

    [Fact]
    public void Every_public_module_type_has_a_case()
    {
        var exported = typeof(RnnToolkit.Layers.Lstm).Assembly.GetExportedTypes()
            .Where(t => typeof(nn.Module).IsAssignableFrom(t) && t is { IsAbstract: false, IsGenericTypeDefinition: false })
            .ToHashSet();
        Assert.NotEmpty(exported);
        var covered = Cases.Select(c => c.Type).ToHashSet();
        var missing = exported.Except(covered).Select(t => t.FullName).OrderBy(n => n).ToList();
        Assert.True(missing.Count == 0, $"Public module types without a conversion case in {nameof(ModuleConversionTests)}.{nameof(Cases)}: {string.Join(", ", missing)}.");
        Assert.Equal(Cases.Count, Cases.Select(c => c.Name).Distinct().Count());
        foreach (var c in Cases)
            Assert.True(c.Make().GetType() == c.Type, $"{c.Name}: the factory builds a {c.Make().GetType().Name}, not a {c.Type.Name}.");
    }

    [Fact]
    public void Positional_encodings_of_a_float64_module_are_float64()
    {
        var pe = new PositionalEncoding(6).to(ScalarType.Float64);
        var x = zeros(1, 5, 6, ScalarType.Float64);
        var expected = new double[5 * 6];
        for (int pos = 0; pos < 5; pos++)
            for (int j = 0; j < 6; j++)
            {
                double angle = pos / Math.Pow(10000, (j - j % 2) / 6.0);
                expected[pos * 6 + j] = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
            }
        TensorAssert.Close(tensor(expected, [1, 5, 6]), pe.forward(x), "PE in float64", 1e-14, 1e-12);
        TensorAssert.Close(tensor(expected, [5, 6]), PositionalEncoding.Table(5, 6, dtype: ScalarType.Float64), "the float64 table", 1e-14, 1e-12);
    }

    static nn.Module Build(ModuleCase c, int seed)
    {
        random.manual_seed(seed);
        var module = c.Make();
        module.eval();
        return module;
    }

    static Tensor Infer(ModuleCase c, nn.Module module, ScalarType dtype)
    {
        using var _ = no_grad();
        var y = c.Run(module, new Inputs(dtype));
        Assert.True(y.dtype == dtype, $"{c.Name}: expected a {dtype} result from a {dtype} module and input; got {y.dtype}.");
        return y.detach();
    }

    static void AssertFloating(string what, nn.Module module, ScalarType dtype)
    {
        foreach (var (name, p) in module.named_parameters())
            Assert.True(p.dtype == dtype, $"{what}: parameter {name} is {p.dtype}, expected {dtype}.");
        foreach (var (name, b) in module.named_buffers())
            if (is_floating_point(b))
                Assert.True(b.dtype == dtype, $"{what}: buffer {name} is {b.dtype}, expected {dtype}.");
    }

    // The toolkit ties no weights: a tensor under two names in the state dict is a second owner, which .to() leaves stale.
    static void AssertOwnedOnce(string what, nn.Module module)
    {
        var names = module.state_dict().GroupBy(e => e.Value.Handle).Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(e => e.Key))).ToList();
        Assert.True(names.Count == 0, $"{what}: tensors registered under several names: {string.Join("; ", names)}.");
    }

    static void AssertMode(string what, nn.Module module, bool training)
    {
        foreach (var (name, m) in module.named_modules())
            Assert.True(m.training == training, $"{what}: module '{name}' ({m.GetType().Name}) has training = {m.training} after {(training ? "train()" : "eval()")}.");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Converts_copies_saves_and_round_trips(string name)
    {
        var c = Find(name);
        var module = Build(c, 11);
        AssertMode($"{name} built", module, false);
        AssertOwnedOnce(name, module);
        var names = module.state_dict().Keys.Order().ToList();
        var y32 = Infer(c, module, ScalarType.Float32);

        // .to(Float64): every floating tensor converted, the same results within float32 precision.
        module.to(ScalarType.Float64);
        AssertFloating($"{name} after .to(Float64)", module, ScalarType.Float64);
        Assert.Equal(names, module.state_dict().Keys.Order().ToList());
        var y64 = Infer(c, module, ScalarType.Float64);
        TensorAssert.Close(y32, y64, $"{name} in float64 vs float32", 1e-4, 1e-4);

        // train(): a float64 forward and backward reaches every trainable parameter.
        module.train();
        AssertMode(name, module, true);
        module.zero_grad();
        var y = c.Run(module, new Inputs(ScalarType.Float64));
        var parameters = module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        if (parameters.Count > 0)
        {
            (y.square().sum() + y.sum()).backward();
            foreach (var (pname, p) in parameters)
            {
                Assert.True(p.grad is not null, $"{name}: no gradient reached {pname} in float64 training.");
                Assert.True(p.grad!.dtype == ScalarType.Float64, $"{name}: the gradient of {pname} is {p.grad.dtype}, expected Float64.");
            }
            module.zero_grad();
        }
        module.eval();
        AssertMode(name, module, false);
        TensorAssert.Close(y64, Infer(c, module, ScalarType.Float64), $"{name} in float64 after train() and eval()", 1e-12, 1e-12);

        // A state dict and a file fill other float64 instances exactly.
        var copy = Build(c, 12).to(ScalarType.Float64);
        copy.load_state_dict(module.state_dict());
        TensorAssert.Close(y64, Infer(c, copy, ScalarType.Float64), $"{name} from the state dict", 1e-12, 1e-12);
        var path = Path.Combine(Path.GetTempPath(), $"rnntoolkit-module-{Guid.NewGuid():N}.bin");
        try
        {
            module.save(path);
            var loaded = Build(c, 13).to(ScalarType.Float64);
            loaded.load(path);
            TensorAssert.Close(y64, Infer(c, loaded, ScalarType.Float64), $"{name} from the file", 1e-12, 1e-12);
        }
        finally
        {
            File.Delete(path);
        }

        // .to(device), then .to(device, Float32): back to the float32 results.
        var cpu = new Device(DeviceType.CPU);
        module.to(cpu);
        TensorAssert.Close(y64, Infer(c, module, ScalarType.Float64), $"{name} after .to(cpu)", 1e-12, 1e-12);
        module.to(cpu, ScalarType.Float32);
        AssertFloating($"{name} after .to(cpu, Float32)", module, ScalarType.Float32);
        Assert.Equal(names, module.state_dict().Keys.Order().ToList());
        TensorAssert.Close(y32, Infer(c, module, ScalarType.Float32), $"{name} back in float32", 1e-6, 1e-6);
    }
}
