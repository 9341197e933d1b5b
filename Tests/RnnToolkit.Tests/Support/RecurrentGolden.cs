using System.Text.Json;
using RnnToolkit.Cells;
using RnnToolkit.Layers;

namespace RnnToolkit.Tests.Support;

/// <summary>Runs a recurrent layer on a PyTorch golden case (tools/pytorch/make_goldens.py layout) and compares everything.</summary>
public static class RecurrentGolden
{
    /// <summary>
    /// x, h0, c0 (and lengths) from the case through <paramref name="layer"/> (its parameters already loaded): output, h_n,
    /// c_n, the loss Σ output·r_out + Σ h_n·r_h [+ Σ c_n·r_c], and ∂L/∂x, ∂L/∂h0, ∂L/∂c0 and every parameter's gradient.
    /// </summary>
    public static void Check(JsonElement c, string name, StandardRecurrent layer)
    {
        var x = c.Tensor("x").requires_grad_();
        var h0 = c.TensorOrNull("h0")?.requires_grad_();
        var c0 = c.TensorOrNull("c0")?.requires_grad_();
        var initial = h0 is null ? null : Enumerable.Range(0, (int)h0.shape[0]).Select(i => new RecurrentState(h0[i], c0?[i])).ToList();
        RecurrentResult r = c.IsNull("lengths")
            ? layer.Run(x, initial)
            : layer.RunWithLengths(x, tensor(c.GetProperty("lengths").EnumerateArray().Select(v => v.GetInt64()).ToArray()), initial);

        TensorAssert.Close(c.Tensor("output"), r.Output, $"{name} output");
        TensorAssert.Close(c.Tensor("h_n"), r.HN, $"{name} h_n");
        if (!c.IsNull("c_n")) TensorAssert.Close(c.Tensor("c_n"), r.CN, $"{name} c_n");

        var loss = (r.Output * c.Tensor("r_out")).sum() + (r.HN * c.Tensor("r_h")).sum();
        if (!c.IsNull("c_n")) loss = loss + (r.CN! * c.Tensor("r_c")).sum();
        // Four decimals for the small cases' ~100 terms; the independent per-term differences of a larger case (the
        // wide ones: 4,000 terms) add up like a random walk, so the tolerance grows with the square root of the count.
        long terms = r.Output.numel() + r.HN.numel() + (r.CN?.numel() ?? 0);
        double lossTolerance = 5e-5 * Math.Max(1, Math.Sqrt(terms / 100.0)), lossDiff = Math.Abs(c.GetProperty("loss").GetDouble() - loss.item<float>());
        Assert.True(lossDiff <= lossTolerance, $"{name} loss: |diff| {lossDiff:E2} over {terms} terms exceeds {lossTolerance:E2}");
        loss.backward();

        TensorAssert.Close(c.Tensor("grad_x"), x.grad, $"{name} ∂L/∂x");
        if (h0 is not null) TensorAssert.Close(c.Tensor("grad_h0"), h0.grad, $"{name} ∂L/∂h0");
        if (c0 is not null) TensorAssert.Close(c.Tensor("grad_c0"), c0.grad, $"{name} ∂L/∂c0");
        var grads = c.GetProperty("grad_params");
        foreach (var (pname, p) in layer.named_parameters())
            TensorAssert.Close(grads.Tensor(pname), p.grad, $"{name} ∂L/∂{pname}");
    }
}
