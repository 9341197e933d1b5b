namespace RnnToolkit.Bench;

/// <summary>
/// Analytic floating-point operations of one benchmark iteration (the roofline's numerator). A multiply-add counts
/// as two FLOPs; an element-wise add, multiply, σ, tanh or e^x as one (they cost more instructions, but the roofline
/// counts useful work against the FMA peak). Per step, B rows of a batch, input size I, hidden size H:
/// <list type="bullet">
/// <item>a product (B×K)·(K×N) is 2·B·K·N;</item>
/// <item>training = 3 × forward: backward does two products per forward product (δinput = δout·Wᵀ and δW = inputᵀ·δout),
/// and its element-wise work is about twice the forward's. The benchmark's x needs no gradient, so the δx product
/// (2·B·G·H·I per step, G gate blocks; 7 % of the LSTM's training FLOPs at I = 32, H = 128) is counted but not
/// always done: the figure is the conventional count, an upper bound by that much.</item>
/// </list>
/// </summary>
static class Flops
{
    /// <summary>FLOPs of one iteration of the row <paramref name="name"/> at batch <paramref name="b"/>, <paramref name="t"/> steps, input <paramref name="i"/>, hidden (or model) size <paramref name="h"/>; null for a row without a formula.</summary>
    public static double? Of(string name, double b, double t, double i, double h) => name switch
    {
        "lstm_train" => 3 * Lstm(b, t, i, h),
        "lstm_infer" => Lstm(b, t, i, h),
        "gru_train" => 3 * Gru(b, t, i, h),
        "rnn_train" => 3 * Rnn(b, t, i, h),
        // Diagonal peepholes: the LSTM plus w_ci ⊙ c, w_cf ⊙ c, w_co ⊙ c and their adds (6 per unit).
        "peephole_train" => 3 * (Lstm(b, t, i, h) + t * b * h * 6),
        // Matrix peepholes: the LSTM plus [W_ci; W_cf] c_{t−1} and W_co c_t, a (B×H)·(H×3H) product per step, and 3 adds per unit.
        "peephole_matrix_train" => 3 * (Lstm(b, t, i, h) + t * (2 * b * h * 3 * h + b * h * 3)),
        // The printed GRUs have the GRU's products: [W_xz; W_xr; W_xh̃] x (3H×I) and W_h{z,r} h, W_hh̃ (·) (3H×H); element-wise as the GRU's.
        "gru_000_printed_train" or "gru_003_printed_train" => 3 * Gru(b, t, i, h),
        // 002 multiplies x_t by W_hh too: I = H in its row.
        "gru_002_printed_train" => 3 * Gru(b, t, h, h),
        "mha_train" or "mha_train_torchsharp" => 3 * Attention(b, t, h, 4),
        _ => null,
    };

    /// <summary>
    /// LSTM forward: per step 2·B·(I+H)·4H for [x_t, h_{t−1}]·[W_ih; W_hh]ᵀ, plus 17 element-wise per unit (4 adds of the
    /// two products, 4 biases, 3 σ and 2 tanh, c_t = f⊙c + i⊙g: 3, h_t = o⊙tanh c: 1).
    /// </summary>
    public static double Lstm(double b, double t, double i, double h) => t * (2 * b * (i + h) * 4 * h + 17 * b * h);

    /// <summary>
    /// GRU forward: per step 2·B·(I+H)·3H, plus 16 element-wise per unit (6 biases, 2 adds for r and z, 2 σ,
    /// r⊙(W_hn h + b_hn) and its add: 2, tanh, h = n + z⊙(h − n): 3).
    /// </summary>
    public static double Gru(double b, double t, double i, double h) => t * (2 * b * (i + h) * 3 * h + 16 * b * h);

    /// <summary>Elman RNN (tanh) forward: per step 2·B·(I+H)·H, plus 4 element-wise per unit (2 biases, 1 add, tanh).</summary>
    public static double Rnn(double b, double t, double i, double h) => t * (2 * b * (i + h) * h + 4 * b * h);

    /// <summary>
    /// Multi-head self-attention forward on (B, T, d) with <paramref name="heads"/> heads: the q, k, v and output
    /// projections 4·2·B·T·d², the scores Q Kᵀ and the weighted sum A V 2·2·B·T²·d (over all heads), the softmax
    /// 5 per score (scale, max, e^x, sum, divide), biases 4·B·T·d.
    /// </summary>
    public static double Attention(double b, double t, double d, double heads) =>
        4 * 2 * b * t * d * d + 2 * 2 * b * t * t * d + 5 * b * heads * t * t + 4 * b * t * d;
}
