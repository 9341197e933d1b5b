using RnnToolkit.Attention;
using RnnToolkit.Models;

namespace RnnToolkit.Tests.Attention;

/// <summary>Mismatched sizes, heads that do not divide the model, masks of the wrong shape and empty sequences → ArgumentException naming expected and actual.</summary>
public class AttentionBadInputTests
{
    static void Throws(Action a, params string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(a);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    [Fact]
    public void MultiHeadAttention_names_what_it_expected()
    {
        Throws(() => new MultiHeadAttention(10, 3), "divides the model size 10", "3 heads");
        var m = new MultiHeadAttention(8, 2);
        var x = torch.randn(2, 5, 8);
        Throws(() => m.Run(torch.randn(2, 5, 6), x, x), "E = 8", "[2, 5, 6]");
        Throws(() => m.Run(x, torch.randn(3, 5, 8), torch.randn(3, 5, 8)), "batch size B = 2", "[3, 5, 8]");
        Throws(() => m.Run(x, x, torch.randn(2, 4, 8)), "as many values as keys", "[2, 4, 8]");
        Throws(() => m.Run(x, x, x, torch.ones(2, 4, dtype: ScalarType.Bool)), "(2, 5)", "[2, 4]");
        Throws(() => m.Run(x, x, x, torch.ones(2, 5)), "Bool", "Float32");
        Throws(() => m.Run(x, x, x, attentionMask: torch.ones(5, 4, dtype: ScalarType.Bool)), "(5, 5)", "[5, 4]");
        Throws(() => m.Run(torch.randn(2, 0, 8), x, x), "at least one", "[2, 0, 8]");
        Throws(() => m.Run(torch.randn(2, 8), x, x), "(B, T, E)", "[2, 8]");

        var kv = new MultiHeadAttention(8, 2, kdim: 6, vdim: 4);
        Throws(() => kv.Run(x, x, torch.randn(2, 5, 4)), "(B, T, kdim) with kdim = 6", "[2, 5, 8]");
        Throws(() => kv.Run(x, torch.randn(2, 5, 6), torch.randn(2, 5, 6)), "(B, T, vdim) with vdim = 4", "[2, 5, 6]");
        Throws(() => new MultiHeadAttention(8, 2, kdim: 0), "kdim");
    }

    [Fact]
    public void Query_key_attentions_name_what_they_expected()
    {
        var keys = torch.randn(2, 5, 6);
        Throws(() => new AdditiveAttention(4, 6, 3).Run(torch.randn(2, 5), keys), "(2, 4)", "[2, 5]");
        Throws(() => new AdditiveAttention(4, 6, 3).Run(torch.randn(2, 4), torch.randn(2, 5, 7)), "(B, Tk, 6)", "[2, 5, 7]");
        Throws(() => new AdditiveAttention(4, 6, 3).Run(torch.randn(2, 4), torch.randn(2, 0, 6)), "at least one", "[2, 0, 6]");
        Throws(() => new LuongAttention(4, 6, LuongScore.Dot), "same size", "query size 4, key size 6");
        Throws(() => new LuongAttention(4, 6).Run(torch.randn(2, 4), keys, keyMask: torch.ones(2, 6, dtype: ScalarType.Bool)), "(2, 5)", "[2, 6]");
        Throws(() => new Bahdanau000AsPrintedAttention(4, 6, 3).Run(torch.randn(3, 4), keys), "(2, 4)", "[3, 4]");
        Throws(() => ScaledDotProductAttention.Compute(torch.randn(2, 3, 4), torch.randn(2, 5, 3), torch.randn(2, 5, 2)), "d_k = 4", "[2, 5, 3]");
        Throws(() => new KerasAttention(scoreMode: "general"), "\"dot\" or \"concat\"", "\"general\"");
        Throws(() => new KerasAttention().Run(torch.randn(2, 3, 4), torch.randn(2, 5, 4), queryMask: torch.ones(2, 5, dtype: ScalarType.Bool)), "(2, 3)", "[2, 5]");
        var ka = new KerasAdditiveAttention(4);
        Throws(() => ka.Run(torch.randn(2, 3, 4), torch.randn(2, 5, 4), queryMask: torch.ones(2, 5, dtype: ScalarType.Bool)), "KerasAdditiveAttention", "(2, 3)", "[2, 5]");
        Throws(() => ka.Run(torch.randn(2, 3, 6), torch.randn(2, 5, 6)), "d = 4", "[2, 3, 6]");
        Throws(() => ka.Run(torch.randn(2, 4), torch.randn(2, 5, 4)), "(B, Tq, d)", "[2, 4]");   // rank 2 only when all three are
        Throws(() => ka.Run(torch.randn(2, 3, 4), torch.randn(2, 5, 3), torch.randn(2, 6, 4)), "as many values as keys", "[2, 5, 3]");
        Throws(() => ka.Run(torch.randn(2, 3, 4), torch.randn(2, 5, 4), valueMask: torch.ones(2, 4, dtype: ScalarType.Bool)), "(2, 5)", "[2, 4]");
    }

    [Fact]
    public void Transformer_and_PositionalEncoding_name_what_they_expected()
    {
        Throws(() => new TransformerEncoderBlock(10, 4, 16), "divides the model size 10", "4 heads");
        Throws(() => new PositionalEncoding(8).call(torch.randn(2, 5, 6)), "(B, T, 8)", "[2, 5, 6]");
        var layer = new TransformerEncoderBlock(8, 2, 16, 0);
        Throws(() => layer.Run(torch.randn(2, 5, 8), torch.ones(2, 4, dtype: ScalarType.Bool)), "(2, 5)", "[2, 4]");
    }
}
