using TorchSharp.Modules;

namespace RnnToolkit.Tests.Training;

/// <summary>torch.nn.LSTM over (batch, steps, features), its last step through a Linear.</summary>
public sealed class LastStepLstm : torch.nn.Module<Tensor, Tensor>
{
    readonly LSTM lstm;
    readonly Linear head;

    public LastStepLstm(long inputSize, long hidden, long outputs) : base(nameof(LastStepLstm))
    {
        lstm = torch.nn.LSTM(inputSize, hidden, batchFirst: true);
        head = torch.nn.Linear(hidden, outputs);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var (output, _, _) = lstm.call(x);
        return head.call(output.select(1, -1)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A Linear whose output turns NaN (or the given poison value, e.g. +∞) once it has been called more than a given
/// number of times in training mode.
/// </summary>
public sealed class NaNAfter : torch.nn.Module<Tensor, Tensor>
{
    readonly Linear linear;
    public int Calls;
    readonly int limit;
    readonly double poison;

    public NaNAfter(long inputs, long outputs, int limit, double poison = double.NaN) : base(nameof(NaNAfter))
    {
        linear = torch.nn.Linear(inputs, outputs);
        this.limit = limit;
        this.poison = poison;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = linear.call(x);
        if (training && ++Calls > limit) return y + poison;
        return y;
    }
}

public static class TestData
{
    /// <summary>y = 2 x0 - x1 + 0.5, 3 features (the third is noise), deterministic.</summary>
    public static (Tensor X, Tensor Y) Linear(int n, int seed = 1)
    {
        var g = new torch.Generator((ulong)seed);
        var x = torch.randn([n, 3], generator: g);
        var y = (2 * x[.., 0] - x[.., 1] + 0.5).unsqueeze(1);
        return (x, y);
    }

    public static torch.nn.Module<Tensor, Tensor> Mlp(int seed = 0)
    {
        torch.random.manual_seed(seed);
        return torch.nn.Sequential(("dense", torch.nn.Linear(3, 8)), ("tanh", torch.nn.Tanh()), ("out", torch.nn.Linear(8, 1)));
    }
}

/// <summary>torch.nn.LSTM over one-hot characters (batch, steps, vocabulary) → logits at every step.</summary>
public sealed class CharLstm : torch.nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.LSTM lstm;
    readonly TorchSharp.Modules.Linear head;

    public CharLstm(long vocabulary, long hidden) : base(nameof(CharLstm))
    {
        lstm = torch.nn.LSTM(vocabulary, hidden, batchFirst: true);
        head = torch.nn.Linear(hidden, vocabulary);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var (output, _, _) = lstm.call(x);
        return head.call(output).MoveToOuterDisposeScope();
    }
}

/// <summary>A tiny GRU encoder–decoder with teacher forcing: (source ids, decoder input ids) → logits (N, T, V).</summary>
public sealed class TinySeq2Seq : torch.nn.Module<Tensor, Tensor, Tensor>
{
    readonly TorchSharp.Modules.Embedding srcEmbed, tgtEmbed;
    readonly TorchSharp.Modules.GRU encoder, decoder;
    readonly TorchSharp.Modules.Linear head;

    public TinySeq2Seq(long srcVocab, long tgtVocab, long hidden) : base(nameof(TinySeq2Seq))
    {
        srcEmbed = torch.nn.Embedding(srcVocab, 16);
        tgtEmbed = torch.nn.Embedding(tgtVocab, 16);
        encoder = torch.nn.GRU(16, hidden, batchFirst: true);
        decoder = torch.nn.GRU(16, hidden, batchFirst: true);
        head = torch.nn.Linear(hidden, tgtVocab);
        RegisterComponents();
    }

    public override Tensor forward(Tensor source, Tensor decoderInput)
    {
        using var scope = torch.NewDisposeScope();
        var (_, h) = encoder.call(srcEmbed.call(source));
        var (output, _) = decoder.call(tgtEmbed.call(decoderInput), h);
        return head.call(output).MoveToOuterDisposeScope();
    }
}

/// <summary>Embedding → torch.nn.LSTM → last step → Linear → sigmoid: a binary text classifier on padded ids (N, T).</summary>
public sealed class TextClassifier : torch.nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.Embedding embed;
    readonly TorchSharp.Modules.LSTM lstm;
    readonly TorchSharp.Modules.Linear head;

    public TextClassifier(long vocabulary, long hidden) : base(nameof(TextClassifier))
    {
        embed = torch.nn.Embedding(vocabulary, 16, padding_idx: 0);
        lstm = torch.nn.LSTM(16, hidden, batchFirst: true);
        head = torch.nn.Linear(hidden, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var (output, _, _) = lstm.call(embed.call(ids));
        return torch.sigmoid(head.call(output.select(1, -1))).MoveToOuterDisposeScope();
    }
}
