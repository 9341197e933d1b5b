using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// Synthetic time series and their windowing for forecasting (d2l's "Working with Sequences"): a noisy sine,
/// a multi-seasonal series, windows of τ past values → the next value (or the next k), and k-step-ahead prediction
/// that feeds a model's own predictions back.
/// </summary>
public static class TimeSeries
{
    /// <summary>d2l's series: <c>x_t = sin(frequency · t) + ε</c>, ε ~ N(0, noise²), t = 1..length.</summary>
    /// <param name="length">Number of points (d2l uses 1000).</param>
    /// <param name="noise">Standard deviation of the noise (d2l uses 0.2).</param>
    /// <param name="frequency">Angular frequency per step (d2l uses 0.01).</param>
    /// <param name="seed">Seed.</param>
    public static float[] NoisySine(int length = 1000, double noise = 0.2, double frequency = 0.01, int seed = 0)
    {
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be positive.");
        var r = new Random(seed);
        var s = new float[length];
        for (int t = 0; t < length; t++) s[t] = (float)(Math.Sin(frequency * (t + 1)) + noise * Rng.Normal(r));
        return s;
    }

    /// <summary>
    /// A series with a linear trend and several seasonal components (e.g. daily and weekly on hourly data):
    /// <c>trend · t + Σ amplitude_i · sin(2π t / period_i) + ε</c>.
    /// </summary>
    /// <param name="length">Number of points.</param>
    /// <param name="periods">Seasonal periods in steps (default 24 and 168).</param>
    /// <param name="amplitudes">Amplitude per period (default 1 and 0.5).</param>
    /// <param name="trend">Slope per step.</param>
    /// <param name="noise">Standard deviation of the noise.</param>
    /// <param name="seed">Seed.</param>
    public static float[] MultiSeasonal(int length = 2000, double[]? periods = null, double[]? amplitudes = null, double trend = 0.001, double noise = 0.1, int seed = 0)
    {
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be positive.");
        periods ??= [24, 168];
        amplitudes ??= periods.Select((_, i) => i == 0 ? 1.0 : 0.5).ToArray();
        if (amplitudes.Length != periods.Length)
            throw new ArgumentException($"Expected one amplitude per period ({periods.Length}); got {amplitudes.Length}.", nameof(amplitudes));
        var r = new Random(seed);
        var s = new float[length];
        for (int t = 0; t < length; t++)
        {
            double v = trend * t + noise * Rng.Normal(r);
            for (int i = 0; i < periods.Length; i++) v += amplitudes[i] * Math.Sin(2 * Math.PI * t / periods[i]);
            s[t] = (float)v;
        }
        return s;
    }

    /// <summary>
    /// Windows a series for forecasting: X[i] = series[i .. i + window) as (window, 1), Y[i] = the next
    /// <paramref name="horizon"/> values. Shapes X (N, window, 1), Y (N, horizon), N = length − window − horizon + 1.
    /// </summary>
    /// <param name="series">The series.</param>
    /// <param name="window">Past values per input (d2l's τ).</param>
    /// <param name="horizon">Future values per target (1 for one-step-ahead).</param>
    public static SupervisedData Window(IReadOnlyList<float> series, int window, int horizon = 1)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (window <= 0) throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        if (horizon <= 0) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be positive.");
        int n = series.Count - window - horizon + 1;
        if (n <= 0) throw new ArgumentException($"A series of {series.Count} points is too short for a window of {window} and a horizon of {horizon} (needs at least {window + horizon}).", nameof(series));
        var x = new float[n * window];
        var y = new float[n * horizon];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < window; j++) x[i * window + j] = series[i + j];
            for (int j = 0; j < horizon; j++) y[i * horizon + j] = series[i + window + j];
        }
        return new SupervisedData(tensor(x).reshape(n, window, 1), tensor(y).reshape(n, horizon));
    }

    /// <summary>
    /// d2l's k-step-ahead prediction: for every start i, predicts series[i + window + s] for s = 0..k−1 using only the
    /// observed series[i .. i + window) and the model's own earlier predictions. Returns (N, k) with
    /// N = length − window − k + 1; column s holds the (s + 1)-step-ahead predictions.
    /// </summary>
    /// <param name="predict">A one-step model: (batch, window, 1) → (batch, 1).</param>
    /// <param name="series">The observed series.</param>
    /// <param name="window">The model's input window.</param>
    /// <param name="k">How many steps ahead.</param>
    public static Tensor PredictKStepsAhead(Func<Tensor, Tensor> predict, IReadOnlyList<float> series, int window, int k)
    {
        ArgumentNullException.ThrowIfNull(predict);
        if (k <= 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be positive.");
        using var data = Window(series, window, k);
        using var _ = no_grad();
        var features = new List<Tensor>();
        for (int j = 0; j < window; j++) features.Add(data.X[.., j, 0]);
        var predictions = new List<Tensor>();
        try
        {
            for (int s = 0; s < k; s++)
            {
                using var scope = NewDisposeScope();
                var input = stack(features.Skip(s).Take(window), 1).unsqueeze(-1);
                var p = predict(input).reshape(-1).MoveToOuterDisposeScope();
                features.Add(p);
                predictions.Add(p);
            }
            return stack(predictions, 1);
        }
        finally
        {
            foreach (var f in features) f.Dispose();
        }
    }
}
