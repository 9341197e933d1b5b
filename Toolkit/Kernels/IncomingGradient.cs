using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>The loss gradient reaching a sequence kernel's one output (every kernel node has exactly one).</summary>
static class IncomingGradient
{
    /// <summary>∂L/∂output as autograd passed it, or zeros shaped like <paramref name="output"/> when none reached it (materialisation is off).</summary>
    public static Tensor Of(List<Tensor> grads, Tensor output) =>
        grads.Count > 0 && grads[0] is { IsInvalid: false } g ? g : zeros_like(output);
}
