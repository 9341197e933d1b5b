using static TorchSharp.torch;

namespace RnnToolkit.Data;

/// <summary>
/// An image-sequence task for CNN-RNNs and ConvLSTMs (000 §2.5): a 2 × 2 square moves one pixel per frame in one of eight
/// directions across a small grid, over flickering background noise (each pixel of each frame lit independently with
/// probability <c>noise</c>); the target is the direction. One frame alone says nothing about it (chance is 1/8): the
/// model must compare frames.
/// <code>
/// square_t = square_0 + t · (dy, dx),   (dy, dx) ∈ {−1, 0, 1}² \ {(0, 0)},   t = 0 … T−1 (always inside the grid)
/// </code>
/// </summary>
public static class MovingSquares
{
    /// <summary>The eight directions (dy, dx) in class order; dy = −1 is up (row 0 is the top row).</summary>
    public static IReadOnlyList<(int Dy, int Dx)> Directions { get; } =
        [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)];

    /// <summary>The directions' names in class order (arrows).</summary>
    public static IReadOnlyList<string> DirectionNames { get; } = ["↖", "↑", "↗", "←", "→", "↙", "↓", "↘"];

    /// <summary>The side of the moving square, in pixels.</summary>
    public const int SquareSize = 2;

    /// <summary>
    /// Generates samples: X (samples, frames, 1, size, size) float32 of 0/1 — channels first, one channel per frame, as
    /// <c>nn.Conv2d</c> and <see cref="Cells.ConvLstm2dCell"/> read them — and Y (samples) int64 direction classes 0 … 7
    /// (<see cref="Directions"/>), drawn uniformly. Deterministic for a seed.
    /// </summary>
    /// <param name="samples">Number of sequences.</param>
    /// <param name="frames">Frames per sequence T (≥ 2, and the square's path must fit: T + 1 ≤ size).</param>
    /// <param name="size">Grid side in pixels.</param>
    /// <param name="noise">Probability in [0, 0.5) that a background pixel is lit in a frame.</param>
    /// <param name="seed">Seed.</param>
    public static SupervisedData Generate(int samples, int frames = 8, int size = 12, double noise = 0.02, int seed = 0)
    {
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "MovingSquares: expected at least one sample.");
        if (frames < 2) throw new ArgumentOutOfRangeException(nameof(frames), frames, "MovingSquares: expected at least 2 frames (one frame shows no motion).");
        if (size < frames - 1 + SquareSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"MovingSquares: expected a grid of at least {frames - 1 + SquareSize} pixels for {frames} frames (the square moves {frames - 1} pixels); got {size}.");
        if (noise is < 0 or >= 0.5) throw new ArgumentOutOfRangeException(nameof(noise), noise, "MovingSquares: expected noise in [0, 0.5).");
        var r = new Random(seed);
        int frame = size * size, span = frames - 1, last = size - SquareSize;   // last: the largest top-left coordinate
        var x = new float[(long)samples * frames * frame];
        var y = new long[samples];
        for (int i = 0; i < samples; i++)
        {
            int k = r.Next(Directions.Count);
            var (dy, dx) = Directions[k];
            y[i] = k;
            int Start(int d) => d > 0 ? r.Next(0, last - span + 1) : d < 0 ? r.Next(span, last + 1) : r.Next(0, last + 1);
            int row = Start(dy), col = Start(dx);
            for (int t = 0; t < frames; t++)
            {
                long offset = ((long)i * frames + t) * frame;
                for (int p = 0; p < frame; p++)
                    if (r.NextDouble() < noise) x[offset + p] = 1;
                for (int a = 0; a < SquareSize; a++)
                    for (int b = 0; b < SquareSize; b++)
                        x[offset + (row + dy * t + a) * size + col + dx * t + b] = 1;
            }
        }
        return new SupervisedData(tensor(x).reshape(samples, frames, 1, size, size), tensor(y));
    }
}
