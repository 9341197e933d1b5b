using static TorchSharp.torch;

namespace RnnToolkit.Layers;

/// <summary>
/// What <see cref="BackendPolicy.Choose"/> knows of one call of a standard layer: the layer's configuration and mode,
/// and the call's batch, mask and autograd. The caller reads them (tensors, flags); the choice only compares them.
/// </summary>
/// <param name="Layer">The layer's type name, for messages.</param>
/// <param name="InputSize">Features per input step.</param>
/// <param name="HiddenSize">Hidden units per direction.</param>
/// <param name="GateRows">Rows of weight_hh_l0: hidden × gates (RNN 1, GRU 3, LSTM 4).</param>
/// <param name="NumLayers">Stacked layers.</param>
/// <param name="Bidirectional">Both directions.</param>
/// <param name="ProjSize">The LSTM's proj_size, or 0.</param>
/// <param name="CellsOnly">Names the option when only the cells compute the layer's form (the reset-before GRU), else null.</param>
/// <param name="HasSequenceKernel">The layer's cell has a sequence kernel that trains faster than the fused module.</param>
/// <param name="RecurrentDropout">Keras's recurrent_dropout.</param>
/// <param name="TrainMode">The module is in train mode (<c>train()</c>, not <c>eval()</c>).</param>
/// <param name="Autograd">The call builds an autograd graph (grad mode on, and the input, a parameter or an initial state requires grad).</param>
/// <param name="Mask">The call's padding mask.</param>
/// <param name="Batch">The call's batch size B.</param>
/// <param name="DType">The input's element type (the sequence kernels compute float32; other types step the cells).</param>
readonly record struct CallShape(
    string Layer, long InputSize, long HiddenSize, long GateRows, long NumLayers, bool Bidirectional, long ProjSize,
    string? CellsOnly, bool HasSequenceKernel, double RecurrentDropout, bool TrainMode, bool Autograd, MaskKind Mask, long Batch,
    ScalarType DType)
{
    /// <summary>Features of each layer's output: both directions' h (projected when <see cref="ProjSize"/> is set).</summary>
    public long OutputSize => (Bidirectional ? 2 : 1) * (ProjSize > 0 ? ProjSize : HiddenSize);

    /// <summary>Multiply-adds of the widest layer's step: B × gate rows × (layer input + hidden).</summary>
    public long StepMacs => Batch * GateRows * (Math.Max(InputSize, NumLayers > 1 ? OutputSize : 0) + HiddenSize);
}
