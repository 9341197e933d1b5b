using RnnToolkit.Cells;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// LSTM layer (PyTorch's nn.LSTM options and weights, Keras's batch-first default and
/// return_sequences): each layer and direction is an <see cref="LstmCell"/> (gates i, f, g, o;
/// weight_ih_l0 of shape (4H, I)). Runs on libtorch's fused kernel or on the cells (<see cref="StandardRecurrent.Backend"/>).
/// With <c>projSize</c> P &gt; 0 (PyTorch's proj_size) each layer projects its hidden state,
/// h_t = W_hr (o_t ⊙ tanh(c_t)), with weight_hr_l{k}[_reverse] of shape (P, H): h and the outputs have
/// P features per direction, c keeps H. TorchSharp's fused LSTM has no proj_size, so a projected
/// LSTM always runs on the cells (Auto and Kernels resolve to <see cref="RecurrentBackend.Cells"/>;
/// <see cref="RecurrentBackend.Fused"/> throws), with PyTorch's parameter names, shapes and count.
/// </summary>
public sealed class Lstm : StandardRecurrent
{
    /// <summary>A new LSTM layer with PyTorch's initialization.</summary>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="hiddenSize">Hidden units per direction.</param>
    /// <param name="numLayers">Stacked layers.</param>
    /// <param name="bias">Whether the layers have biases.</param>
    /// <param name="batchFirst">(B, T, F) input and output when true (default).</param>
    /// <param name="dropout">Dropout between stacked layers during training.</param>
    /// <param name="bidirectional">Run both directions and concatenate.</param>
    /// <param name="returnSequences">forward returns every step (default) or the last valid step.</param>
    /// <param name="recurrentDropout">Keras's recurrent_dropout: dropout on h_{t-1} inside the recurrence while training, one mask per sequence (training then runs on the cells).</param>
    /// <param name="projSize">P &gt; 0 projects each layer's hidden state to P features (PyTorch's proj_size, 0 &lt; P &lt; hiddenSize); runs on the cells. 0 (default): no projection.</param>
    /// <param name="returnState">Keras's return_state: forward keeps the final states (h, c per layer and direction) in <see cref="RecurrentLayer.FinalState"/>.</param>
    /// <param name="stateful">Keras's stateful: each call's final states, detached, are the next call's initial states (sample i continues sample i), until <see cref="RecurrentLayer.ResetStates"/>; not with <paramref name="bidirectional"/>.</param>
    public Lstm(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = true, double dropout = 0, bool bidirectional = false, bool returnSequences = true, long projSize = 0, double recurrentDropout = 0, bool returnState = false, bool stateful = false)
        : this(new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences, projSize, recurrentDropout, returnState, stateful).Validated(nameof(Lstm))) { }

    Lstm(RecurrentOptions o)
        : base(nameof(Lstm), o.ProjSize > 0 ? new ProjectedParameters(o) : nn.LSTM(o.InputSize, o.HiddenSize, o.NumLayers, o.Bias, o.BatchFirst, o.Dropout, o.Bidirectional),
               (wih, whh, bih, bhh, whr) => new LstmCell(wih, whh, bih, bhh, whr), o) { }

    /// <summary>
    /// The parameters of PyTorch's nn.LSTM(proj_size = P) in its names, order and shapes (weight_ih_l{k}
    /// (4H, I or P·directions), weight_hh_l{k} (4H, P), bias_ih_l{k}, bias_hh_l{k} (4H), weight_hr_l{k} (P, H),
    /// then the same with _reverse), each drawn from U(−1/√H, 1/√H) as PyTorch does. It stands in for the
    /// fused module, which TorchSharp cannot build with a projection; it is never run.
    /// </summary>
    sealed class ProjectedParameters : nn.Module
    {
        public ProjectedParameters(RecurrentOptions o) : base(nameof(ProjectedParameters))
        {
            long H = o.HiddenSize, P = o.ProjSize;
            int directions = o.Bidirectional ? 2 : 1;
            double k = 1.0 / Math.Sqrt(H);
            Parameter Uniform(params long[] shape) => new(empty(shape).uniform_(-k, k));
            for (long l = 0; l < o.NumLayers; l++)
            {
                long input = l == 0 ? o.InputSize : P * directions;
                foreach (var suffix in directions == 2 ? new[] { "", "_reverse" } : [""])
                {
                    register_parameter($"weight_ih_l{l}{suffix}", Uniform(4 * H, input));
                    register_parameter($"weight_hh_l{l}{suffix}", Uniform(4 * H, P));
                    if (o.Bias)
                    {
                        register_parameter($"bias_ih_l{l}{suffix}", Uniform(4 * H));
                        register_parameter($"bias_hh_l{l}{suffix}", Uniform(4 * H));
                    }
                    register_parameter($"weight_hr_l{l}{suffix}", Uniform(P, H));
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override bool HasMemoryCell => true;

    /// <inheritdoc/>
    protected override bool HasSequenceKernel => true;

    private protected override (Tensor Output, Tensor HN, Tensor? CN) RunFused(nn.Module fused, Tensor x, Tensor? h0, Tensor? c0) =>
        ((TorchSharp.Modules.LSTM)fused).call(x, h0 is null ? null : (h0, c0!));

    private protected override (nn.utils.rnn.PackedSequence Output, Tensor HN, Tensor? CN) RunFusedPacked(nn.Module fused, nn.utils.rnn.PackedSequence x, Tensor? h0, Tensor? c0) =>
        ((TorchSharp.Modules.LSTM)fused).call(x, h0 is null ? null : (h0, c0!));
}
