using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>
/// One step of a pass over the data: which samples, which time steps (a piece of k steps under truncated BPTT, else
/// all), and whether the stateful layers start from zeros (a new group of sequences) or carry on.
/// </summary>
/// <param name="Samples">The sample indices, in batch order.</param>
/// <param name="Window">The time steps (start, length) of the piece, or null for whole sequences.</param>
/// <param name="Fresh">True when the carried states are reset before this batch.</param>
sealed record Batch(long[] Samples, (long Start, long Length)? Window, bool Fresh)
{
    /// <summary>How many values the batch's loss averages over (samples × steps): the weight of its loss in the epoch's mean.</summary>
    public long Weight => Samples.LongLength * (Window?.Length ?? 1);

    /// <summary>The batch's part of <paramref name="t"/> (samples first, then time when there is a window).</summary>
    public Tensor Of(Tensor t, Tensor index) => Window is var (start, length) ? t.index_select(0, index).narrow(1, start, length) : t.index_select(0, index);

    /// <summary>
    /// The batches of one pass over <paramref name="order"/>: groups of <paramref name="batchSize"/> samples; under truncated BPTT
    /// each group in pieces of <paramref name="steps"/> (the last may be shorter) of its <paramref name="length"/> steps.
    /// States start fresh at each group, or only at the first when <paramref name="continued"/> (consecutive groups continue each other).
    /// </summary>
    public static List<Batch> Plan(long[] order, int batchSize, bool continued, int? steps, long length)
    {
        var plan = new List<Batch>();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var samples = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            bool fresh = !continued || start == 0;
            if (steps is not int k) plan.Add(new Batch(samples, null, fresh));
            else
                for (long t = 0; t < length; t += k)
                    plan.Add(new Batch(samples, (t, Math.Min(k, length - t)), fresh && t == 0));
        }
        return plan;
    }
}
