using RnnToolkit.Data;
using RnnToolkit.Experiments;

namespace RnnToolkit.Tests.Experiments;

public class GreedyDecodingTests
{
    public GreedyDecodingTests() => RnnToolkit.Native.TorchSharpNative.EnsureLoaded();

    /// <summary>Predicts "previous token + 1" at each step, and eos once the token reaches the source's first id.</summary>
    sealed class Counter(long vocab) : torch.nn.Module<Tensor, Tensor, Tensor>(nameof(Counter))
    {
        public override Tensor forward(Tensor source, Tensor dec)
        {
            var next = dec + 1;
            next = next.where(next.lt(source[.., 0].unsqueeze(1)), torch.full_like(next, Vocabulary.Eos));
            next = next.where(dec.ne(Vocabulary.Bos), torch.full_like(next, 4)); // after bos: 4
            return torch.nn.functional.one_hot(next, vocab).to_type(ScalarType.Float32);
        }
    }

    [Fact]
    public void Decodes_step_by_step_and_pads_after_the_end()
    {
        var model = new Counter(12);
        var source = torch.tensor(new long[] { 7, 0, 9, 0, 5, 0 }).reshape(3, 2);
        var ids = GreedyDecoding.Decode(model, source, maxLength: 10);
        Assert.Equal(new long[] { 3, 6 }, ids.shape);
        Assert.Equal(new long[] { 4, 5, 6, 3, 0, 0 }, ids[0].data<long>().ToArray());
        Assert.Equal(new long[] { 4, 5, 6, 7, 8, 3 }, ids[1].data<long>().ToArray());
        Assert.Equal(new long[] { 4, 3, 0, 0, 0, 0 }, ids[2].data<long>().ToArray());
        Assert.Equal(new long[] { 3, 2 }, GreedyDecoding.Decode(model, source, maxLength: 2).shape);
    }

    /// <summary>The whole-sequence model as a step decoder: beam search's best hypothesis is greedy's path, and a wrong
    /// logits shape is refused with what was expected.</summary>
    [Fact]
    public void Rerun_decoder_serves_beam_search_and_checks_the_models_output()
    {
        var model = new Sharp(new Counter(12));     // confident logits: the greedy path is also the most probable sequence
        var source = torch.tensor(new long[] { 7, 0, 9, 0 }).reshape(2, 2);
        var beams = RnnToolkit.Decoding.SequenceDecoding.BeamSearch(new RnnToolkit.Decoding.RerunDecoder(model), RnnToolkit.Decoding.RerunDecoder.Start(source),
            Vocabulary.Bos, Vocabulary.Eos, maxLength: 10, beamWidth: 3);
        Assert.Equal(new long[] { 4, 5, 6 }, beams[0][0].Tokens);
        Assert.Equal(new long[] { 4, 5, 6, 7, 8 }, beams[1][0].Tokens);
        Assert.True(beams.All(b => b[0].Finished));

        var flat = new Flat();
        var e = Assert.Throws<ArgumentException>(() => GreedyDecoding.Decode(flat, source, maxLength: 3));
        Assert.Contains("must return logits (N, T, V) for decoder inputs (N, T) = (2, 1)", e.Message);
    }

    sealed class Sharp(Counter counter) : torch.nn.Module<Tensor, Tensor, Tensor>(nameof(Sharp))
    {
        public override Tensor forward(Tensor source, Tensor dec) => counter.call(source, dec) * 20;
    }

    sealed class Flat() : torch.nn.Module<Tensor, Tensor, Tensor>(nameof(Flat))
    {
        public override Tensor forward(Tensor source, Tensor dec) => torch.zeros(dec.shape[0], 12);
    }

    [Fact]
    public void Translates_and_scores()
    {
        var vocab = Vocabulary.Build(["abcdefgh"], Tokenizer.Characters); // <pad> <unk> <bos> <eos> a b c d ...
        Assert.Equal("a", vocab.Token(4));
        // Source "g" (id 10) -> a b c d e f ; source "c" (id 6) -> a b.
        var out_ = GreedyDecoding.Translate(new Counter(vocab.Count), ["g", "c"], vocab, vocab, maxLength: 20);
        Assert.Equal(new[] { "abcdef", "ab" }, out_);
        var (exact, bleu) = GreedyDecoding.Score(out_, ["abcdef", "abc"], maxOrder: 1);
        Assert.Equal(0.5, exact);
        // Unigram precision 8/8, candidate length 8 vs reference 9: BP = exp(1 - 9/8).
        Assert.Equal(Math.Exp(1 - 9.0 / 8), bleu, 9);
    }
}
