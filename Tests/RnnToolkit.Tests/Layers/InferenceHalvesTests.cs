using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Native;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>
/// Inference in the one-thread regime with two threads available runs the batch as two halves at once (one on
/// <see cref="SecondThread"/>): the joined result equals the from-scratch cells on the whole batch, for every standard
/// layer, layout and state, and the thread count is restored.
/// </summary>
public class InferenceHalvesTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["lstm", true, 1, false], ["lstm", false, 2, true], ["gru", true, 2, true], ["gru", false, 1, false], ["rnn", true, 1, false],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Halves_joined_equal_the_cells_on_the_whole_batch(string kind, bool batchFirst, int layers, bool bidirectional)
    {
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            random.manual_seed(8);
            StandardRecurrent layer = kind switch
            {
                "lstm" => new Lstm(6, 24, layers, batchFirst: batchFirst, bidirectional: bidirectional),
                "gru" => new Gru(6, 24, layers, batchFirst: batchFirst, bidirectional: bidirectional),
                _ => new Rnn(6, 24, layers, batchFirst: batchFirst, bidirectional: bidirectional),
            };
            const long B = 33;                                                          // halves of 16 and 17
            var x = batchFirst ? randn(B, 9, 6) : randn(9, B, 6);
            int directions = bidirectional ? 2 : 1;
            var state = Enumerable.Range(0, layers * directions)
                .Select(_ => new RecurrentState(randn(B, 24), kind == "lstm" ? randn(B, 24) : null)).ToList();
            RecurrentResult halves, cells;
            long jobsBefore = SecondThread.Jobs;
            using (no_grad())
            {
                halves = layer.Run(x, state);
                Assert.Equal(2, get_num_threads());
                layer.Backend = RecurrentBackend.Cells;
                cells = layer.Run(x, state);
            }
            Assert.True(SecondThread.Jobs > jobsBefore, "the second half did not run on the second thread");
            TensorAssert.Close(cells.Output, halves.Output, $"{kind} output");
            TensorAssert.Close(cells.HN, halves.HN, $"{kind} h_n");
            if (kind == "lstm") TensorAssert.Close(cells.CN!, halves.CN!, "lstm c_n");
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public void Small_batches_and_training_do_not_split()
    {
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            var lstm = new Lstm(6, 24);
            long jobs = SecondThread.Jobs;
            using (no_grad()) lstm.call(randn(MinBatch - 1, 5, 6));
            lstm.Backend = RecurrentBackend.Fused;
            lstm.call(randn(32, 5, 6)).sum().backward();                               // autograd: one graph, one thread
            Assert.Equal(jobs, SecondThread.Jobs);
        }
        finally
        {
            set_num_threads(before);
        }
    }

    const long MinBatch = BackendPolicy.MinBatchToSplit;

    [Fact]
    public async Task The_second_thread_returns_results_and_exceptions()
    {
        Assert.Equal(42, await SecondThread.Run(() => 42));
        Assert.False(await SecondThread.Run(() => is_grad_enabled()));                  // no autograd there
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SecondThread.Run<int>(() => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", e.Message);
        Assert.Equal(7, await SecondThread.Run(() => 7));                               // still serving after a failure
    }
}
