using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>One row of a <see cref="ModelSummary"/>.</summary>
/// <param name="Name">The layer's name in its parent.</param>
/// <param name="Type">The layer's type name.</param>
/// <param name="OutputShape">Its output shape with <c>None</c> for the batch dimension; tuples (recurrent layers returning
/// output and states) as <c>[(...), (...)]</c>; <c>?</c> when the layer was not called through <c>call</c>.</param>
/// <param name="Parameters">Its parameter count (including sublayers).</param>
public sealed record LayerSummary(string Name, string Type, string OutputShape, long Parameters);

/// <summary>
/// A Keras-style model summary: for each top-level layer (or the model itself when it has none) its output shape and
/// parameter count, then the totals. Output shapes are recorded with forward hooks while the model runs on zeros of the
/// given input shape, twice with different batch sizes, so the dimensions that follow the batch show as <c>None</c>.
/// </summary>
[Notebooks.TypeFormatterSource(typeof(Notebooks.ToolkitFormatterSource), FormattedType = typeof(ModelSummary))]
public sealed class ModelSummary
{
    ModelSummary(string modelName, IReadOnlyList<LayerSummary> layers, string outputShape, long total, long trainable)
    {
        ModelName = modelName;
        Layers = layers;
        OutputShape = outputShape;
        TotalParameters = total;
        TrainableParameters = trainable;
    }

    /// <summary>The model's type name.</summary>
    public string ModelName { get; }

    /// <summary>The rows.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>The model's own output shape.</summary>
    public string OutputShape { get; }

    /// <summary>All parameters.</summary>
    public long TotalParameters { get; }

    /// <summary>Parameters that require gradients.</summary>
    public long TrainableParameters { get; }

    /// <summary>Parameters that do not.</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>
    /// Summarizes <paramref name="model"/> for inputs of shape (batch, <paramref name="inputShape"/>...): token ids
    /// (int64) when the model starts with an embedding, float32 otherwise.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputShape">The shape of one sample (without the batch dimension), e.g. 50, 1.</param>
    public static ModelSummary Create(nn.Module<Tensor, Tensor> model, params long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model, StartsWithEmbedding(model) ? ScalarType.Int64 : ScalarType.Float32, inputShape);
    }

    /// <summary>Summarizes <paramref name="model"/> for inputs of shape (batch, <paramref name="inputShape"/>...) and type <paramref name="inputType"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputType">The input's element type, e.g. <see cref="ScalarType.Int64"/> for token ids.</param>
    /// <param name="inputShape">The shape of one sample (without the batch dimension).</param>
    public static ModelSummary Create(nn.Module<Tensor, Tensor> model, ScalarType inputType, params long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Any(d => d <= 0))
            throw new ArgumentException($"ModelSummary: expected a sample shape of positive sizes; got ({string.Join(", ", inputShape)}).", nameof(inputShape));
        using var scope = NewDisposeScope();
        var a = Record(model, zeros([2, .. inputShape], inputType));
        var b = Record(model, zeros([3, .. inputShape], inputType));
        return Build(model, a, b);
    }

    // The first module with parameters, in registration order, is an embedding: the model reads token ids.
    static bool StartsWithEmbedding(nn.Module model)
    {
        foreach (var (_, module) in model.named_modules())
        {
            if (module is TorchSharp.Modules.Embedding or TorchSharp.Modules.EmbeddingBag) return true;
            if (module.named_parameters(recurse: false).Any()) return false;
        }
        return false;
    }

    /// <summary>Summarizes <paramref name="model"/> on a sample batch (shapes shown as they are, batch included).</summary>
    /// <param name="model">The model.</param>
    /// <param name="sample">An input batch.</param>
    public static ModelSummary Create(nn.Module<Tensor, Tensor> model, Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var a = Record(model, sample);
        return Build(model, a, a);
    }

    static ModelSummary Build(nn.Module<Tensor, Tensor> model, Dictionary<string, object?> a, Dictionary<string, object?> b)
    {
        var children = model.named_children().ToList();
        var rows = new List<LayerSummary>();
        foreach (var (name, child) in children)
            rows.Add(new LayerSummary(name, child.GetType().Name,
                a.TryGetValue(name, out var oa) && b.TryGetValue(name, out var ob) ? Describe(oa, ob) : "?",
                child.parameters().Sum(p => p.numel())));
        var output = Describe(a[""], b[""]);
        if (children.Count == 0) rows.Add(new LayerSummary(model.GetName(), model.GetType().Name, output, model.parameters().Sum(p => p.numel())));
        long total = model.parameters().Sum(p => p.numel());
        long trainable = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        return new ModelSummary(model.GetType().Name, rows, output, total, trainable);
    }

    static Dictionary<string, object?> Record(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        var seen = new Dictionary<string, object?>();
        var removers = new List<Action>();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            foreach (var (name, child) in model.named_children())
                if (TryHook(child, o => seen[name] = Capture(o)) is Action remove) removers.Add(remove);
            using var _ = no_grad();
            seen[""] = Capture(model.call(input));
        }
        finally
        {
            foreach (var r in removers) r();
            model.train(wasTraining);
        }
        return seen;
    }

    /// <summary>Shapes of an output (tensor, tuple of tensors, or other).</summary>
    static object? Capture(object? o) => o switch
    {
        null => null,
        Tensor t => t.shape.ToArray(),
        ITuple tuple => Enumerable.Range(0, tuple.Length).Select(i => Capture(tuple[i])).ToArray(),
        _ => o.GetType().Name,
    };

    static string Describe(object? a, object? b) => (a, b) switch
    {
        (null, _) => "None",
        (long[] x, long[] y) => "(" + string.Join(", ", x.Select((d, i) => i < y.Length && y[i] != d ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")",
        (object?[] x, object?[] y) => "[" + string.Join(", ", x.Select((e, i) => Describe(e, i < y.Length ? y[i] : e))) + "]",
        _ => a.ToString() ?? "?",
    };

    /// <summary>Registers a forward hook on any <c>Module&lt;..., TResult&gt;</c> by reflection; returns its remover.</summary>
    static Action? TryHook(nn.Module module, Action<object?> onOutput)
    {
        for (var t = module.GetType(); t is not null; t = t.BaseType)
        {
            if (!t.IsGenericType || t.GetGenericTypeDefinition() != typeof(nn.HookableModule<,>)) continue;
            var hookType = t.GetGenericArguments()[1];
            var invoke = hookType.GetMethod("Invoke");
            if (invoke is null) return null;
            var ps = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
            var outParam = ps[^1];
            if (outParam.Type != invoke.ReturnType) return null;
            var body = Expression.Block(
                Expression.Invoke(Expression.Constant(onOutput), Expression.Convert(outParam, typeof(object))),
                outParam);
            var hook = Expression.Lambda(hookType, body, ps).Compile();
            var register = t.GetMethod("register_forward_hook", [hookType]);
            var remover = register?.Invoke(module, [hook]);
            var remove = remover?.GetType().GetMethod("remove", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            return remover is null || remove is null ? null : () => remove.Invoke(remover, null);
        }
        return null;
    }

    /// <summary>The Keras-style table.</summary>
    public override string ToString()
    {
        const int w1 = 32, w2 = 28, w3 = 12;
        var line = new string('_', w1 + w2 + w3);
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{ModelName}\"");
        sb.AppendLine(line);
        sb.AppendLine(" " + "Layer (type)".PadRight(w1 - 1) + "Output Shape".PadRight(w2) + "Param #");
        sb.AppendLine(new string('=', w1 + w2 + w3));
        for (int i = 0; i < Layers.Count; i++)
        {
            var l = Layers[i];
            sb.AppendLine(" " + $"{l.Name} ({l.Type})".PadRight(w1 - 1) + l.OutputShape.PadRight(w2 - 1) + " " + l.Parameters.ToString("N0", CultureInfo.InvariantCulture));
            if (i < Layers.Count - 1) sb.AppendLine();
        }
        sb.AppendLine(new string('=', w1 + w2 + w3));
        sb.AppendLine($"Total params: {TotalParameters.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Trainable params: {TrainableParameters.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Non-trainable params: {NonTrainableParameters.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.Append(line);
        return sb.ToString();
    }
}
