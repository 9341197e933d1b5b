using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// At working sizes (the goldens are tiny), libtorch's fused modules, the cells and the sequence
/// kernels agree on outputs, final states and every gradient within 1e-5, float32.
/// </summary>
public class BackendAgreementTests
{
    public static IEnumerable<object[]> Layers() =>
    [
        ["lstm", 1, false], ["lstm", 2, true], ["gru", 1, false], ["gru", 2, true], ["rnn", 2, true],
    ];

    static StandardRecurrent Make(string kind, int layers, bool bidirectional) => kind switch
    {
        "lstm" => new LSTM(16, 32, layers, bidirectional: bidirectional),
        "gru" => new GRU(16, 32, layers, bidirectional: bidirectional),
        _ => new RNN(16, 32, layers, bidirectional: bidirectional),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Fused_cells_and_kernels_agree(string kind, int layers, bool bidirectional)
    {
        random.manual_seed(21);
        var layer = Make(kind, layers, bidirectional);
        var x = randn(8, 30, 16);
        var upstream = randn(8, 30, bidirectional ? 64 : 32);
        var results = new Dictionary<RecurrentBackend, (Tensor Output, Tensor HN, Tensor GradX, Dictionary<string, Tensor> Grads)>();
        foreach (var backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Cells, RecurrentBackend.Kernels })
        {
            layer.Backend = backend;
            layer.zero_grad();
            var xi = x.clone().requires_grad_();
            var r = layer.Run(xi);
            ((r.Output * upstream).sum() + r.HN.sum()).backward();
            results[backend] = (r.Output.detach(), r.HN.detach(), xi.grad!.clone(),
                layer.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }
        var reference = results[RecurrentBackend.Fused];
        foreach (var backend in new[] { RecurrentBackend.Cells, RecurrentBackend.Kernels })
        {
            var other = results[backend];
            TensorAssert.Close(reference.Output, other.Output, $"{backend} output");
            TensorAssert.Close(reference.HN, other.HN, $"{backend} h_n");
            TensorAssert.Close(reference.GradX, other.GradX, $"{backend} ∂L/∂x");
            foreach (var (name, grad) in reference.Grads)
                TensorAssert.Close(grad, other.Grads[name], $"{backend} ∂L/∂{name}");
        }
    }

    [Fact]
    public void Auto_trains_on_the_kernels_and_infers_on_the_fused_modules()
    {
        var lstm = new LSTM(4, 8);
        Assert.Equal(RecurrentBackend.Kernels, lstm.ResolveBackend(null, training: true));
        Assert.Equal(RecurrentBackend.Fused, lstm.ResolveBackend(null, training: false));
        Assert.Equal(RecurrentBackend.Fused, lstm.ResolveBackend(tensor(new[,] { { true, false } }), training: true));   // padded: packed sequences
        Assert.Equal(RecurrentBackend.Fused, new RNN(4, 8, activation: RnnActivation.Relu).ResolveBackend(null, training: false));
    }
}
