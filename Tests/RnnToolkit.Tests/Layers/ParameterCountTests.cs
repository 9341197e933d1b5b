using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

public class ParameterCountTests
{
    [Theory]
    [MemberData(nameof(PyTorchGoldenTests.SequenceCases), MemberType = typeof(PyTorchGoldenTests))]
    public void PyTorch_count_matches_the_parameters_pytorch_wrote(string name)
    {
        var c = Golden.Case("recurrent.json", name);
        long expected = c.GetProperty("params").EnumerateObject().Sum(p => p.Value.GetProperty("data").GetArrayLength());
        long I = c.GetProperty("input_size").GetInt64(), H = c.GetProperty("hidden_size").GetInt64(), L = c.GetProperty("num_layers").GetInt64();
        bool bi = c.GetProperty("bidirectional").GetBoolean();
        StandardRecurrent layer = c.GetProperty("mode").GetString() switch
        {
            "lstm" => new Lstm(I, H, L, bidirectional: bi),
            "gru" => new Gru(I, H, L, bidirectional: bi),
            _ => new Rnn(I, H, L, bidirectional: bi),
        };
        Assert.Equal(expected, ParameterCounts.PyTorch(layer));
    }

    [Fact]
    public void Keras_counts_match_what_keras_summary_prints()
    {
        // Keras 2/3 model.summary() for Input((10, 1)) followed by each layer (the documents' models).
        Assert.Equal(10_400, ParameterCounts.Keras(new Lstm(1, 50)));
        Assert.Equal(7_950, ParameterCounts.Keras(new Gru(1, 50)));
        Assert.Equal(2_600, ParameterCounts.Keras(new Rnn(1, 50)));
        Assert.Equal(20_800, ParameterCounts.Keras(new Lstm(1, 50, bidirectional: true)));
        Assert.Equal(10_400 + 20_200, ParameterCounts.Keras(new Lstm(1, 50, numLayers: 2)));   // LSTM(50, return_sequences) → LSTM(50)
        // GRU(reset_after=False): one bias vector, 3H(I + H + 1); PyTorch's layout keeps both either way.
        Assert.Equal(3 * 50 * (1 + 50 + 1), ParameterCounts.Keras(new Gru(1, 50, resetAfter: false)));
        Assert.Equal(7_800, ParameterCounts.Keras(new Gru(1, 50, resetAfter: false)));
        Assert.Equal(2 * 7_800 + 3 * 50 * (100 + 50 + 1) * 2, ParameterCounts.Keras(new Gru(1, 50, numLayers: 2, bidirectional: true, resetAfter: false)));
        Assert.Equal(ParameterCounts.PyTorch(new Gru(1, 50)), ParameterCounts.PyTorch(new Gru(1, 50, resetAfter: false)));
        // …and PyTorch counts the second bias.
        Assert.Equal(10_600, ParameterCounts.PyTorch(new Lstm(1, 50)));
    }

    [Fact]
    public void GRU_has_three_quarters_of_the_LSTM_parameters()
    {
        Assert.Equal(3 * ParameterCounts.PyTorch(new Lstm(32, 128)) / 4, ParameterCounts.PyTorch(new Gru(32, 128)));
        Assert.Equal(82_944, ParameterCounts.PyTorch(new Lstm(32, 128)));
        long diagonal = ParameterCounts.PyTorch(new PeepholeLstmCell(32, 128));
        Assert.Equal(82_944 + 3 * 128, diagonal);
        Assert.Equal(82_944 + 3 * 128 * 128, ParameterCounts.PyTorch(new PeepholeLstmCell(32, 128, PeepholeForm.Matrix)));
    }
}
