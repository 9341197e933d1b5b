using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static RnnToolkit.Kernels.VectorMath;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// The update and reset gates of the printed GRUs whose step's one product is [W_h_zr; W_hh] h_{t-1}
/// (<see cref="Gru002SequenceKernel"/>, <see cref="Gru003SequenceKernel"/>): z = σ(x̂_z + W_hz h_{t-1}), r = σ(x̂_r + W_hr h_{t-1});
/// and that product packed for the toolkit's own AVX-512 product (<see cref="PackedMatrix"/>).
/// </summary>
static unsafe class PrintedGruGates
{
    /// <summary>
    /// Lanes j…j+n of one row: z and r from g = [x̂_z; x̂_r; ·] and hh = [W_hz h; W_hr h; p] (each block H long), and p = W_hh h_{t-1}.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Z, Vector256<float> R, Vector256<float> P) Of(float* g, float* hh, int H, int j, int n) =>
        (Sigmoid(Load(g + j, n) + Load(hh + j, n)), Sigmoid(Load(g + H + j, n) + Load(hh + H + j, n)), Load(hh + 2 * H + j, n));

    /// <summary>The step's one product packed for the forward loop, [W_h_zr; W_hh]ᵀ, and its (B, 3H) result [W_hz h; W_hr h; p] in <paramref name="hh"/> (the forward's dispose scope frees both).</summary>
    public static PackedMatrix PackForward(Tensor W_h_zr, Tensor W_hh, Sequence s, out float* hh)
    {
        hh = Floats(empty(s.B, 3 * s.H, dtype: s.Type));
        return PackedMatrix.Transposed(Floats(cat([W_h_zr, W_hh]).contiguous()), (int)(3 * s.H), (int)s.H);
    }
}
