namespace RnnToolkit.Kernels;

/// <summary>
/// One step's work split by hidden units into two halves of whole <see cref="PackedMatrix.Panel"/>s, [0, split) and
/// [split, H), run on the two sides of a <see cref="StepPair"/> (or one after the other when it is not paired). A
/// variant whose step needs, for its units, only the units' columns of the recurrent product and their own element-wise
/// pass (the LSTM's gates, its memory, h) does the whole step in each half; the pair's join is the step's barrier.
/// </summary>
sealed class UnitHalves
{
    readonly Action first, second;
    int t;

    /// <summary>Halves of <paramref name="H"/> units for <paramref name="work"/>(t, first unit, end unit).</summary>
    public UnitHalves(long H, Action<int, int, int> work)
    {
        int h = checked((int)H), split = h / PackedMatrix.Panel / 2 * PackedMatrix.Panel;
        first = () => work(t, 0, split);
        second = () => work(t, split, h);
    }

    /// <summary>Runs step <paramref name="step"/>'s two halves and returns when both are done.</summary>
    public void Run(StepPair pair, int step)
    {
        t = step;                         // published to the partner by the pair's hand-over (a full fence)
        pair.Both(first, second);
    }
}
