using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// The one skeleton of the sequence kernels: a whole recurrence as one autograd node with hand-written
/// backpropagation through time, whose steps are <typeparamref name="TStep"/>'s equations. Forward it projects the
/// inputs, runs the steps t = 0…T−1 and keeps what the backward pass reads; backward it runs the steps back and
/// returns the gradients; each inside a dispose scope that lets out only what lives on. The loops run under the
/// variant's thread policy (<see cref="StepPair"/>); being generic over a struct, they call the steps directly.
/// </summary>
sealed class SequenceKernel<TStep> : autograd.MultiTensorFunction<SequenceKernel<TStep>>
    where TStep : struct, IStepEquations<TStep>
{
    public override string Name => TStep.Kernel;

    /// <summary>Runs the node on its inputs (x (T, B, I) time-first, first) and returns its one output.</summary>
    public static Tensor Run(params Tensor[] inputs) => apply(inputs)[0];

    /// <summary>Runs the node, whose output is h_1…h_T (T, B, H): that and h_T, a view of it.</summary>
    public static (Tensor Output, Tensor HT) RunToLast(params Tensor[] inputs)
    {
        var output = Run(inputs);
        return (output, output[-1]);
    }

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        KernelRuns.Count(TStep.Kernel);
        using var scope = NewDisposeScope();
        var inputs = Array.ConvertAll(vars, v => (Tensor)v);
        var step = TStep.Forward(inputs);
        using (var pair = Loop(step.Shape))
            for (int t = 0; t < step.Shape.T; t++) step.Forward(t, pair);
        Tensor[] saved = [.. step.Saved, step.Output];
        ctx.save_for_backward([.. saved]);
        ctx.set_materialize_grads(false);
        scope.MoveToOuter(saved);                               // what the node made lives on; its inputs stay where they were
        return [step.Output];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var output = saved[^1];
        var step = TStep.Backward(saved, output, IncomingGradient.Of(grads, output));
        using (var pair = Loop(step.Shape))
        {
            for (int t = (int)step.Shape.T - 1; t >= 0; t--) step.Backward(t, pair);
            pair.Join();
        }
        var gradients = step.Gradients();
        scope.MoveToOuter(gradients.OfType<Tensor>());
        return gradients!;
    }

    /// <summary>Where a loop's products run: paired with the partner thread for the variants that pair, else inline with the step size's threads.</summary>
    static StepPair Loop(Sequence s) => TStep.Pairs(s) ? StepPair.For(TStep.StepMacs(s)) : StepPair.Inline(TStep.StepMacs(s));
}
