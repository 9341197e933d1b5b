using RnnToolkit.Attention;
using RnnToolkit.Decoding;
using RnnToolkit.Models;
using RnnToolkit.Tests.Support;
using RnnToolkit.Training;

namespace RnnToolkit.Tests.Models;

public class TransformerSeq2SeqTests
{
    const long Pad = 0, Bos = 1, Eos = 2, FirstDigit = 3;

    /// <summary>Reversal of digit strings of 2 … maxLength digits: source "d1 … dn" (padded), decoder input "bos dn … d1", target "dn … d1 eos" (padded).</summary>
    static (Tensor Source, Tensor DecoderInput, Tensor Target, long[][] Digits) ReverseTask(int samples, int maxLength, int seed)
    {
        var r = new Random(seed);
        var digits = Enumerable.Range(0, samples).Select(_ => Enumerable.Range(0, r.Next(2, maxLength + 1)).Select(_ => FirstDigit + r.Next(10)).ToArray()).ToArray();
        var src = new long[samples, maxLength];
        var inp = new long[samples, maxLength + 1];
        var tgt = new long[samples, maxLength + 1];
        for (int i = 0; i < samples; i++)
        {
            var rev = digits[i].Reverse().ToArray();
            for (int j = 0; j < digits[i].Length; j++) (src[i, j], inp[i, j + 1], tgt[i, j]) = (digits[i][j], rev[j], rev[j]);
            inp[i, 0] = Bos;
            tgt[i, digits[i].Length] = Eos;
        }
        return (torch.tensor(src), torch.tensor(inp), torch.tensor(tgt), digits);
    }

    static (Tensor Source, Tensor DecoderInput) RandomBatch(long sourceVocabulary, long targetVocabulary)
    {
        var source = torch.randint(FirstDigit, sourceVocabulary, [3, 6]);
        source[1, TensorIndex.Slice(2, null)] = torch.tensor(Pad);             // a short source
        var input = torch.randint(FirstDigit, targetVocabulary, [3, 5]);
        input[TensorIndex.Colon, 0] = torch.tensor(Bos);
        input[2, TensorIndex.Slice(3, null)] = torch.tensor(Pad);              // trailing target padding
        return (source, input);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Step_decoded_logits_equal_teacher_forced_logits(bool normFirst, bool shared)
    {
        torch.random.manual_seed(31);
        long vs = 11, vt = shared ? 11 : 9;
        var model = new TransformerSeq2Seq(vs, vt, modelSize: 16, heads: 2, encoderLayers: 2, decoderLayers: 2, feedForwardSize: 32, dropout: 0.1, sharedVocabulary: shared, normFirst: normFirst);
        model.eval();
        Assert.Equal(shared, model.tgt_embed is null);
        var (source, input) = RandomBatch(vs, vt);
        var full = model.call(source, input);                                   // (3, 5, vt)
        Assert.Equal(new[] { 3L, 5, vt }, full.shape);

        var state = model.Encode(source);
        var rows = torch.tensor(new long[] { 0, 1, 2 });
        for (int t = 0; t < 5; t++)
        {
            var (logits, next) = model.Step(input[rows, t], state);
            TensorAssert.Close(full[rows, t], logits, $"step {t} = teacher-forced position {t}");
            state = next;
            if (t == 2)
            {
                // Beam search reorders rows: the cached layer inputs must follow.
                rows = torch.tensor(new long[] { 2, 0, 1 });
                state = state.Select(rows);
            }
        }
    }

    [Fact]
    public void Matches_TorchSharp_encoder_and_decoder_stacks_on_the_same_embeddings()
    {
        torch.random.manual_seed(32);
        long d = 16, vs = 11, vt = 9;
        var model = new TransformerSeq2Seq(vs, vt, modelSize: d, heads: 2, encoderLayers: 2, decoderLayers: 2, feedForwardSize: 32, dropout: 0);
        var theirEncoder = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(d, 2, 32, 0.0), 2);
        var theirDecoder = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(d, 2, 32, 0.0), 2);
        using (torch.no_grad())
        {
            foreach (var (name, p) in theirEncoder.named_parameters()) p.copy_(model.encoder.get_parameter(name)!);
            foreach (var (name, p) in theirDecoder.named_parameters()) p.copy_(model.decoder.get_parameter(name)!);
        }
        var (source, input) = RandomBatch(vs, vt);
        // Embeddings by hand: E[ids] · √d + PE, PE from its formula (checked against PyTorch's table for d = 8).
        static Tensor PE(long steps, long size)
        {
            var pe = new float[steps * size];
            for (int pos = 0; pos < steps; pos++)
                for (int i = 0; i < size; i += 2)
                {
                    double angle = pos / Math.Pow(10000, (double)i / size);
                    (pe[pos * size + i], pe[pos * size + i + 1]) = ((float)Math.Sin(angle), (float)Math.Cos(angle));
                }
            return torch.tensor(pe, steps, size);
        }
        TensorAssert.Close(Golden.Case("attention.json", "positional_7x8").GetProperty("outputs").Tensor("table"), PE(7, 8), "PE by hand", 1e-6, 1e-6);
        var src = model.src_embed.weight![source] * Math.Sqrt(d) + PE(6, d);
        var tgt = model.tgt_embed!.weight![input] * Math.Sqrt(d) + PE(5, d);
        var srcPad = AttentionMasks.FromPyTorch(source.ne(Pad));
        var memory = theirEncoder.call(src.transpose(0, 1), null, srcPad);
        var causal = torch.zeros(5, 5).masked_fill(AttentionMasks.Causal(5).logical_not(), double.NegativeInfinity);
        var y = theirDecoder.call(tgt.transpose(0, 1), memory, causal, null, null, srcPad).transpose(0, 1);
        var expected = model.output.call(y);
        model.train();                                                          // dropout 0: training = evaluation
        TensorAssert.Close(expected, model.call(source, input), "logits vs TorchSharp's stacks");
    }

    /// <summary>Reversal of 2–5 digits, 1 + 1 layers, d = 32: ≥ 95 % exact match of greedy decoding on 200 held-out strings.</summary>
    [Fact]
    public void Learns_to_reverse_digit_strings_and_decodes()
    {
        // 10 epochs of 2000 strings: about 5 s on 2 cores (398 Adam steps of 50).
        torch.random.manual_seed(33);
        var (source, input, target, _) = ReverseTask(2000, 5, seed: 1);
        var model = new TransformerSeq2Seq(13, 13, modelSize: 32, heads: 4, encoderLayers: 1, decoderLayers: 1, feedForwardSize: 64, dropout: 0, sharedVocabulary: true);
        var loss = Losses.MaskedSequenceCrossEntropy((int)Pad);
        var optimizer = torch.optim.Adam(model.parameters(), 0.01);
        var order = new Random(2);
        double last = 0;
        for (int epoch = 0; epoch < 10; epoch++)
        {
            var permutation = torch.tensor(Enumerable.Range(0, 2000).OrderBy(_ => order.Next()).Select(i => (long)i).ToArray());
            for (int b = 0; b < 2000; b += 50)
            {
                using var scope = torch.NewDisposeScope();
                var rows = permutation.narrow(0, b, 50);
                optimizer.zero_grad();
                var l = loss.Compute(model.call(source[rows], input[rows]), target[rows]);
                l.backward();
                optimizer.step();
                last = l.item<float>();
            }
        }

        model.eval();
        var (testSource, _, _, testDigits) = ReverseTask(200, 5, seed: 99);
        var state = model.Encode(testSource);
        var greedy = SequenceDecoding.Greedy(model, state, Bos, Eos, maxLength: 7);
        int exact = greedy.Zip(testDigits).Count(p => p.First.Finished && p.First.Tokens.SequenceEqual(p.Second.Reverse()));
        Assert.True(exact >= 190, $"exact match {exact}/200 after training (last loss {last:F4}); e.g. {string.Join(" ", testDigits[0])} → {string.Join(" ", greedy[0].Tokens)}");

        var beam = SequenceDecoding.BeamSearch(model, model.Encode(testSource.narrow(0, 0, 20)), Bos, Eos, 7, beamWidth: 1);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(greedy[i].Tokens, beam[i][0].Tokens);
            Assert.Equal(greedy[i].LogProbability, beam[i][0].LogProbability, 4);
        }
        var wide = SequenceDecoding.BeamSearch(model, model.Encode(testSource.narrow(0, 0, 20)), Bos, Eos, 7, beamWidth: 3, nBest: 2);
        for (int i = 0; i < 20; i++) Assert.True(wide[i][0].LogProbability >= greedy[i].LogProbability - 1e-5);
        var sampled = SequenceDecoding.Sample(model, model.Encode(testSource.narrow(0, 0, 20)), Bos, Eos, 7, temperature: 0.5, seed: 4);
        Assert.Equal(20, sampled.Length);
        Assert.All(sampled, h => Assert.True(h.Tokens.Length <= 7));
    }

    [Fact]
    public void Greedy_equals_width_one_beam_untrained()
    {
        torch.random.manual_seed(34);
        foreach (var normFirst in new[] { false, true })
        {
            var model = new TransformerSeq2Seq(11, 9, modelSize: 16, heads: 2, encoderLayers: 2, decoderLayers: 2, feedForwardSize: 32, normFirst: normFirst);
            model.eval();
            var (source, _) = RandomBatch(11, 9);
            var state = model.Encode(source);
            var greedy = SequenceDecoding.Greedy(model, state, Bos, Eos, 8);
            var beam = SequenceDecoding.BeamSearch(model, state, Bos, Eos, 8, beamWidth: 1);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(greedy[i].Tokens, beam[i][0].Tokens);
                Assert.Equal(greedy[i].LogProbability, beam[i][0].LogProbability, 4);
            }
        }
    }

    [Fact]
    public void Bad_input()
    {
        var e = Assert.Throws<ArgumentException>(() => new TransformerSeq2Seq(10, 12, 16, 2, 1, 1, 32, sharedVocabulary: true));
        Assert.Contains("source 10, target 12", e.Message);
        var model = new TransformerSeq2Seq(10, 10, 16, 2, 1, 1, 32);
        e = Assert.Throws<ArgumentException>(() => model.call(torch.ones(2, 5, dtype: ScalarType.Int64), torch.ones(3, 4, dtype: ScalarType.Int64)));
        Assert.Contains("(2, T ≥ 1)", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Encode(torch.ones(2, 0, dtype: ScalarType.Int64)));
        Assert.Contains("[2, 0]", e.Message);
        var state = model.Encode(torch.ones(2, 3, dtype: ScalarType.Int64));
        e = Assert.Throws<ArgumentException>(() => model.Step(torch.ones(3, dtype: ScalarType.Int64), state));
        Assert.Contains("(2)", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Throws<ArgumentException>(() => new TransformerSeq2Seq(10, 10, 10, 4));
    }
}
