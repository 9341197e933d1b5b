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
        "lstm" => new Lstm(16, 32, layers, bidirectional: bidirectional),
        "gru" => new Gru(16, 32, layers, bidirectional: bidirectional),
        _ => new Rnn(16, 32, layers, bidirectional: bidirectional),
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

    /// <summary>
    /// The LSTM kernel's element-wise steps run in eight-lane chunks: hidden sizes that are not a multiple of 8 (a
    /// partial chunk at the end of every row) and smaller than 8, with a given initial state and a loss through c_n
    /// too, agree with libtorch's fused LSTM on everything.
    /// </summary>
    [Theory]
    [InlineData(13, 2)]
    [InlineData(5, 1)]
    [InlineData(24, 1)]
    public void Lstm_kernel_agrees_with_libtorch_at_any_hidden_size_through_h_n_and_c_n(int hidden, int layers)
    {
        random.manual_seed(5);
        var lstm = new Lstm(7, hidden, layers);
        var x = randn(6, 11, 7);
        var (h0, c0) = (randn(layers, 6, hidden), randn(layers, 6, hidden));
        var (upOut, upH, upC) = (randn(6, 11, hidden), randn(layers, 6, hidden), randn(layers, 6, hidden));
        var results = new List<Tensor[]>();
        foreach (var backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Kernels })
        {
            lstm.Backend = backend;
            lstm.zero_grad();
            var (xi, hi, ci) = (x.clone().requires_grad_(), h0.clone().requires_grad_(), c0.clone().requires_grad_());
            var state = Enumerable.Range(0, layers).Select(l => new RecurrentState(hi[l], ci[l])).ToList();
            var r = lstm.Run(xi, state);
            ((r.Output * upOut).sum() + (r.HN * upH).sum() + (r.CN! * upC).sum()).backward();
            results.Add([r.Output.detach(), r.HN.detach(), r.CN!.detach(), xi.grad!.clone(), hi.grad!.clone(), ci.grad!.clone(),
                .. lstm.parameters().Select(p => p.grad!.clone())]);
        }
        for (int k = 0; k < results[0].Length; k++)
            TensorAssert.Close(results[0][k], results[1][k], $"H = {hidden}: result {k} (output, h_n, c_n, ∂x, ∂h0, ∂c0, ∂parameters…)");
    }

    /// <summary>The GRU and Elman kernels' element-wise steps likewise, at hidden sizes that leave a partial chunk, with an initial state.</summary>
    [Theory]
    [InlineData("gru", 13, 2)]
    [InlineData("gru", 3, 1)]
    [InlineData("rnn-tanh", 13, 2)]
    [InlineData("rnn-relu", 5, 1)]
    public void Gru_and_rnn_kernels_agree_with_libtorch_at_any_hidden_size(string kind, int hidden, int layers)
    {
        random.manual_seed(6);
        StandardRecurrent layer = kind switch
        {
            "gru" => new Gru(7, hidden, layers),
            "rnn-tanh" => new Rnn(7, hidden, layers),
            _ => new Rnn(7, hidden, layers, activation: RnnActivation.Relu),
        };
        var x = randn(6, 11, 7);
        var h0 = randn(layers, 6, hidden);
        var (upOut, upH) = (randn(6, 11, hidden), randn(layers, 6, hidden));
        var results = new List<Tensor[]>();
        foreach (var backend in new[] { RecurrentBackend.Fused, RecurrentBackend.Kernels })
        {
            layer.Backend = backend;
            layer.zero_grad();
            var (xi, hi) = (x.clone().requires_grad_(), h0.clone().requires_grad_());
            var r = layer.Run(xi, Enumerable.Range(0, layers).Select(l => new RecurrentState(hi[l])).ToList());
            ((r.Output * upOut).sum() + (r.HN * upH).sum()).backward();
            results.Add([r.Output.detach(), r.HN.detach(), xi.grad!.clone(), hi.grad!.clone(), .. layer.parameters().Select(p => p.grad!.clone())]);
        }
        for (int k = 0; k < results[0].Length; k++)
            TensorAssert.Close(results[0][k], results[1][k], $"{kind}, H = {hidden}: result {k} (output, h_n, ∂x, ∂h0, ∂parameters…)");
    }

    [Fact]
    public void Auto_trains_on_the_kernels_and_infers_on_the_fused_modules()
    {
        var lstm = new Lstm(4, 8);
        Assert.Equal(RecurrentBackend.Kernels, lstm.ResolveBackend(null, training: true));
        Assert.Equal(RecurrentBackend.Fused, lstm.ResolveBackend(null, training: false));
        Assert.Equal(RecurrentBackend.Fused, lstm.ResolveBackend(tensor(new[,] { { true, false } }), training: true));   // padded: packed sequences
        Assert.Equal(RecurrentBackend.Fused, new Rnn(4, 8, activation: RnnActivation.Relu).ResolveBackend(null, training: false));
    }
}
