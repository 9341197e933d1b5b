using RnnToolkit.Cells;
using RnnToolkit.Layers;
using RnnToolkit.Tests.Support;

namespace RnnToolkit.Tests.Layers;

/// <summary>Padding, direction, merging and stacking, for any cell.</summary>
public class RecurrentSemanticsTests
{
    public static IEnumerable<object[]> AnyCell() =>
    [
        [(Func<RecurrentCell>)(() => new RnnCell(3, 5))],
        [(Func<RecurrentCell>)(() => new LstmCell(3, 5))],
        [(Func<RecurrentCell>)(() => new GruCell(3, 5))],
        [(Func<RecurrentCell>)(() => new PeepholeLstmCell(3, 5))],
        [(Func<RecurrentCell>)(() => new PeepholeLstmCell(3, 5, PeepholeForm.Matrix))],
        [(Func<RecurrentCell>)(() => new Gru000AsPrintedCell(3, 5))],
        [(Func<RecurrentCell>)(() => new Gru003AsPrintedCell(3, 5))],
    ];

    [Theory]
    [MemberData(nameof(AnyCell))]
    public void Padded_steps_keep_the_state_and_output_zeros(Func<RecurrentCell> make)
    {
        random.manual_seed(1);
        var layer = new Recurrent(make());
        for (int trial = 0; trial < 5; trial++)
        {
            using var scope = NewDisposeScope();
            var x = randn(4, 7, 3);
            var lengths = randint(1, 8, [4], dtype: int64);
            var r = layer.RunWithLengths(x, lengths);
            for (int b = 0; b < 4; b++)
            {
                int n = (int)lengths[b].item<long>();
                // The padded batch element is exactly the unpadded sequence run alone…
                var alone = layer.Run(x[b].narrow(0, 0, n).unsqueeze(0));
                TensorAssert.Close(alone.Output[0], r.Output[b].narrow(0, 0, n), $"real steps of sequence {b}", 1e-6, 1e-6);
                TensorAssert.Close(alone.Final[0].H[0], r.Final[0].H[b], $"final h of sequence {b}", 1e-6, 1e-6);
                TensorAssert.Close(alone.Last[0], r.Last[b], $"last output of sequence {b}", 1e-6, 1e-6);
                if (alone.Final[0].C is not null) TensorAssert.Close(alone.Final[0].C![0], r.Final[0].C![b], $"final c of sequence {b}", 1e-6, 1e-6);
                // …and its padded steps output exact zeros.
                if (n < 7) Assert.Equal(0.0, r.Output[b].narrow(0, n, 7 - n).abs().max().item<float>());
            }
        }
    }

    [Theory]
    [MemberData(nameof(AnyCell))]
    public void Go_backwards_is_the_reversed_sequence(Func<RecurrentCell> make)
    {
        random.manual_seed(2);
        var cell = make();
        var forward = new Recurrent(cell);
        var backward = new Recurrent(cell, goBackwards: true);
        var x = randn(2, 6, 3);
        TensorAssert.Close(forward.Run(x.flip(1)).Output, backward.Run(x).Output, "go_backwards output", 1e-6, 1e-6);
    }

    [Fact]
    public void Time_first_and_batch_first_agree()
    {
        random.manual_seed(3);
        var cell = new LstmCell(3, 4);
        var x = randn(2, 5, 3);
        var bf = new Recurrent(cell, batchFirst: true).Run(x);
        var tf = new Recurrent(cell, batchFirst: false).Run(x.transpose(0, 1));
        TensorAssert.Close(bf.Output, tf.Output.transpose(0, 1), "outputs", 1e-6, 1e-6);
        TensorAssert.Close(bf.HN, tf.HN, "h_n", 1e-6, 1e-6);
    }

    [Fact]
    public void Bidirectional_merge_modes_combine_the_same_two_directions()
    {
        random.manual_seed(4);
        var f = new Recurrent(new GruCell(3, 4));
        var b = new Recurrent(new GruCell(3, 4));
        var x = randn(2, 5, 3);
        var concat = new Bidirectional(f, b, MergeMode.Concat).Run(x);
        Assert.Equal([2L, 5, 8], concat.Output.shape);
        var (fo, bo) = (concat.Output[.., .., ..4], concat.Output[.., .., 4..]);
        TensorAssert.Close(f.Run(x).Output, fo, "forward half", 1e-6, 1e-6);
        TensorAssert.Close(b.Run(x.flip(1)).Output.flip(1), bo, "backward half, re-aligned", 1e-6, 1e-6);
        TensorAssert.Close(fo + bo, new Bidirectional(f, b, MergeMode.Sum).Run(x).Output, "sum", 1e-6, 1e-6);
        TensorAssert.Close(fo * bo, new Bidirectional(f, b, MergeMode.Mul).Run(x).Output, "mul", 1e-6, 1e-6);
        TensorAssert.Close((fo + bo) / 2, new Bidirectional(f, b, MergeMode.Ave).Run(x).Output, "ave", 1e-6, 1e-6);
        TensorAssert.Close(stack([fo, bo]), new Bidirectional(f, b, MergeMode.None).Run(x).Output, "none", 1e-6, 1e-6);
        // Last = [final forward state; final backward state] (the backward pass ends at step 0).
        TensorAssert.Close(cat([fo[.., -1], bo[.., 0]], 1), concat.Last, "last", 1e-6, 1e-6);
        Assert.Equal(2, concat.Final.Count);
    }

    [Fact]
    public void Bidirectional_and_stacked_wrap_any_layer_including_conv_cells()
    {
        random.manual_seed(5);
        var layer = new Stacked([
            new Bidirectional(() => new Recurrent(new ConvLstm1dCell(2, 3))),
            new Recurrent(new ConvRnnCell(6, 4)),
        ]);
        var r = layer.Run(randn(2, 5, 2, 7));
        Assert.Equal([2L, 5, 4, 7], r.Output.shape);
        Assert.Equal(3, r.Final.Count);
        Assert.Equal(3, layer.StateCount);
    }

    [Fact]
    public void Stacked_dropout_acts_only_between_layers_and_only_in_training()
    {
        random.manual_seed(6);
        var stackedLayers = new Stacked([new Recurrent(new LstmCell(3, 8)), new Recurrent(new LstmCell(8, 8))], dropout: 0.5);
        var x = randn(2, 4, 3);
        stackedLayers.eval();
        var a = stackedLayers.Run(x).Output;
        TensorAssert.Equal(a, stackedLayers.Run(x).Output, "eval is deterministic");
        stackedLayers.train();
        Assert.False(a.allclose(stackedLayers.Run(x).Output), "training applies dropout");
    }

    [Fact]
    public void Standard_layer_uses_cells_for_a_non_prefix_mask_and_rejects_it_on_fused()
    {
        var lstm = new Lstm(3, 4);
        var mask = tensor(new[,] { { true, false, true } });
        Assert.Equal(RecurrentBackend.Cells, lstm.ResolveBackend(mask));
        Assert.Equal(RecurrentBackend.Fused, lstm.ResolveBackend(tensor(new[,] { { true, true, false } })));
        lstm.Backend = RecurrentBackend.Fused;
        Assert.Throws<ArgumentException>(() => lstm.ResolveBackend(mask));
    }

    [Fact]
    public void Module_forward_returns_sequences_or_the_last_step()
    {
        var lstm = new Lstm(3, 4, numLayers: 2, bidirectional: true);
        var x = randn(2, 5, 3);
        Assert.Equal([2L, 5, 8], lstm.call(x).shape);
        lstm.ReturnSequences = false;
        Assert.Equal([2L, 8], lstm.call(x).shape);
    }

    [Fact]
    public void Standard_layers_share_one_set_of_weights_between_backends()
    {
        var gru = new Gru(3, 4, numLayers: 2, bidirectional: true);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"],
            gru.named_parameters().Select(p => p.name));
        Assert.Equal([12L, 3], gru.get_parameter("weight_ih_l0")!.shape);     // (3H, I), gates r, z, n
        Assert.Equal([12L, 8], gru.get_parameter("weight_ih_l1")!.shape);     // layer 1 reads both directions

        // An optimizer step through one backend is seen by the other.
        var x = randn(2, 5, 3);
        gru.Backend = RecurrentBackend.Cells;
        var optimizer = optim.SGD(gru.parameters(), 0.5);
        gru.call(x).square().sum().backward();
        optimizer.step();
        var cells = gru.call(x);
        gru.Backend = RecurrentBackend.Fused;
        TensorAssert.Close(cells, gru.call(x), "after a step through the cells");
    }
}
