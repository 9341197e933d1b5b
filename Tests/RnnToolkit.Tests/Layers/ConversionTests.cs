using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;
using TorchSharp;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// The standard layers behave like TorchSharp modules when converted or moved: after <c>.to(Float64)</c> (and
/// <c>.to(device)</c>, <c>.to(device, dtype)</c>) every backend runs in the new type with the same weights, and matches
/// libtorch's own fused module of that type built with those weights (outputs, final states, every gradient); state
/// dicts and save/load carry the weights into a converted layer.
/// </summary>
public class ConversionTests
{
    public static IEnumerable<object[]> Layers() =>
    [
        ["lstm", 1, false], ["lstm", 2, true], ["gru", 1, false], ["gru", 2, true], ["rnn", 1, false], ["rnn", 2, true],
    ];

    static StandardRecurrent Make(string kind, int layers, bool bidirectional) => kind switch
    {
        "lstm" => new Lstm(5, 6, layers, bidirectional: bidirectional),
        "gru" => new Gru(5, 6, layers, bidirectional: bidirectional),
        _ => new Rnn(5, 6, layers, bidirectional: bidirectional),
    };

    // libtorch's fused module, independent of the toolkit: its output, h_n and (LSTM) c_n.
    static nn.Module Reference(string kind, int layers, bool bidirectional) => kind switch
    {
        "lstm" => nn.LSTM(5, 6, layers, batchFirst: true, bidirectional: bidirectional),
        "gru" => nn.GRU(5, 6, layers, batchFirst: true, bidirectional: bidirectional),
        _ => nn.RNN(5, 6, layers, batchFirst: true, bidirectional: bidirectional),
    };

    static (Tensor Output, Tensor HN) RunReference(nn.Module module, Tensor x) => module switch
    {
        TorchSharp.Modules.LSTM lstm => lstm.call(x) is var (y, h, _) ? (y, h) : default,
        TorchSharp.Modules.GRU gru => gru.call(x) is var (y, h) ? (y, h) : default,
        TorchSharp.Modules.RNN rnn => rnn.call(x) is var (y, h) ? (y, h) : default,
        _ => throw new ArgumentException(module.GetType().Name),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Float64_layer_matches_libtorch_on_every_backend(string kind, int layers, bool bidirectional)
    {
        random.manual_seed(5);
        var layer = Make(kind, layers, bidirectional).to(ScalarType.Float64);
        Assert.All(layer.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        var reference = Reference(kind, layers, bidirectional).to(ScalarType.Float64);
        reference.load_state_dict(layer.state_dict());
        var x = randn(3, 7, 5, ScalarType.Float64);

        var rx = x.clone().requires_grad_();
        var (expected, expectedHn) = RunReference(reference, rx);
        (expected.square().sum() + expectedHn.sum()).backward();
        var expectedGrads = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());

        foreach (var backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Cells, RecurrentBackend.Kernels, RecurrentBackend.Auto })
        {
            layer.Backend = backend;
            layer.zero_grad();
            var lx = x.clone().requires_grad_();
            var r = layer.Run(lx);
            Assert.Equal(ScalarType.Float64, r.Output.dtype);
            (r.Output.square().sum() + r.HN.sum()).backward();
            TensorAssert.Close(expected, r.Output, $"{backend} output", 1e-10, 1e-10);
            TensorAssert.Close(expectedHn, r.HN, $"{backend} h_n", 1e-10, 1e-10);
            TensorAssert.Close(rx.grad!, lx.grad, $"{backend} ∂L/∂x", 1e-10, 1e-10);
            foreach (var (name, parameter) in layer.named_parameters())
                TensorAssert.Close(expectedGrads[name], parameter.grad, $"{backend} ∂L/∂{name}", 1e-10, 1e-10);
            using (no_grad())
            {
                layer.eval();
                TensorAssert.Close(expected.detach(), layer.Run(x).Output, $"{backend} inference", 1e-10, 1e-10);
                layer.train();
            }
        }
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void Device_moves_keep_the_weights_and_a_round_trip_restores_float32(string kind)
    {
        random.manual_seed(6);
        var layer = Make(kind, 2, true);
        var x = randn(2, 4, 5);
        var before = layer.Run(x).Output.detach();
        var cpu = new Device(DeviceType.CPU);
        layer.to(cpu).to(cpu, ScalarType.Float64).cpu();
        foreach (var backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Cells })
        {
            layer.Backend = backend;
            TensorAssert.Close(before.to_type(ScalarType.Float64), layer.Run(x.to_type(ScalarType.Float64)).Output, $"{backend} after the moves", 1e-6, 1e-6);
        }
        layer.to(ScalarType.Float32);
        foreach (var backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Cells, RecurrentBackend.Kernels })
        {
            layer.Backend = backend;
            TensorAssert.Close(before, layer.Run(x).Output, $"{backend} back in float32");
        }
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void State_dict_and_save_load_fill_a_converted_layer(string kind)
    {
        random.manual_seed(7);
        var source = Make(kind, 2, true).to(ScalarType.Float64);
        var x = randn(2, 4, 5, ScalarType.Float64);
        var expected = source.Run(x).Output.detach();

        var fromStateDict = Make(kind, 2, true).to(ScalarType.Float64);
        fromStateDict.load_state_dict(source.state_dict());
        var path = Path.Combine(Path.GetTempPath(), $"rnntoolkit-conversion-{Guid.NewGuid():N}.bin");
        try
        {
            source.save(path);
            var fromFile = Make(kind, 2, true).to(ScalarType.Float64);
            fromFile.load(path);
            foreach (var backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Cells, RecurrentBackend.Kernels })
            {
                fromStateDict.Backend = fromFile.Backend = backend;
                TensorAssert.Close(expected, fromStateDict.Run(x).Output, $"{backend} from the state dict", 1e-12, 1e-12);
                TensorAssert.Close(expected, fromFile.Run(x).Output, $"{backend} from the file", 1e-12, 1e-12);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Projected_lstm_converts_and_its_cells_run_in_the_new_type()
    {
        random.manual_seed(8);
        var layer = new Lstm(5, 6, 2, bidirectional: true, projSize: 3);
        var x = randn(2, 4, 5);
        var before = layer.Run(x).Output.detach();
        var names = layer.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(20, names.Count);   // 2 layers × 2 directions × (weight_ih, weight_hh, bias_ih, bias_hh, weight_hr)
        layer.to(ScalarType.Float64);
        Assert.Equal(names, layer.named_parameters().Select(p => p.name).ToList());   // still registered, not dropped as disposed
        Assert.All(layer.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        var after = layer.Run(x.to_type(ScalarType.Float64)).Output;
        Assert.Equal(ScalarType.Float64, after.dtype);
        TensorAssert.Close(before.to_type(ScalarType.Float64), after, "projected LSTM in float64", 1e-6, 1e-6);
    }
}
