using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// What a sequence kernel's variant supplies to <see cref="SequenceKernel{TStep}"/>: its step equations forward and
/// their derivation back through time; the kernel's skeleton (autograd node, loops, threads, dispose scopes) is shared.
/// A variant is a struct, so the loops call its steps directly and the JIT compiles the loops for each variant.
/// </summary>
/// <remarks>
/// Forward: <see cref="Forward(Tensor[])"/> projects the inputs for every step at once and allocates what the steps
/// write; <see cref="Forward(int, StepPair)"/> runs step t (its recurrent products and its gate pass) for
/// t = 0…T−1. Backward: <see cref="Backward(IReadOnlyList{Tensor}, Tensor, Tensor)"/> reads what <see cref="Saved"/> kept, <see cref="Backward(int, StepPair)"/>
/// runs step t back for t = T−1…0, and <see cref="Gradients"/> takes the products over all steps.
/// </remarks>
interface IStepEquations<TSelf> where TSelf : struct, IStepEquations<TSelf>
{
    /// <summary>The kernel's name, for the autograd node and <see cref="KernelRuns"/>.</summary>
    static abstract string Kernel { get; }

    /// <summary>Multiply-adds of one step's recurrent products: they set the loops' libtorch threads (<see cref="Native.SingleThread.ForSteps"/>).</summary>
    static abstract long StepMacs(Sequence s);

    /// <summary>Whether the loops of a run of these sizes use the partner thread (<see cref="StepPair.For(long)"/>); otherwise they run inline.</summary>
    static virtual bool Pairs(Sequence s) => false;

    /// <summary>Before the forward loop, given the node's inputs (x first): the input projection and the buffers the steps write.</summary>
    static abstract TSelf Forward(Tensor[] inputs);

    /// <summary>The run's sizes.</summary>
    Sequence Shape { get; }

    /// <summary>Step t forward.</summary>
    void Forward(int t, StepPair pair);

    /// <summary>The node's one output (every other result is a view of it, so every gradient reaching the node is defined).</summary>
    Tensor Output { get; }

    /// <summary>What the backward pass reads, x first (the output is saved after it).</summary>
    Tensor[] Saved { get; }

    /// <summary>Before the backward loop: <paramref name="saved"/> as <see cref="Saved"/> kept it, the output, and ∂L/∂output.</summary>
    static abstract TSelf Backward(IReadOnlyList<Tensor> saved, Tensor output, Tensor dOutput);

    /// <summary>Step t back.</summary>
    void Backward(int t, StepPair pair);

    /// <summary>After the backward loop: the gradients of the node's inputs, in their order (null for one that has none).</summary>
    List<Tensor?> Gradients();
}
