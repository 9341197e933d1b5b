using static TorchSharp.torch;

namespace RnnToolkit.Training;

/// <summary>The training and validation parts of <c>Fit</c>'s data: the validation data given, or a split off the end, or none.</summary>
sealed class FitData : IDisposable
{
    readonly bool ownsSplit;

    FitData(Tensor[] x, Tensor y, Tensor[]? valX, Tensor? valY, bool ownsSplit)
    {
        (X, Y, ValX, ValY) = (x, y, valX, valY);
        this.ownsSplit = ownsSplit;
    }

    /// <summary>Training inputs, one tensor per model input.</summary>
    public Tensor[] X { get; }
    /// <summary>Training targets.</summary>
    public Tensor Y { get; }
    /// <summary>Validation inputs, or null.</summary>
    public Tensor[]? ValX { get; }
    /// <summary>Validation targets, or null.</summary>
    public Tensor? ValY { get; }

    /// <summary>Checks the validation data, or splits the last <see cref="FitOptions.ValidationSplit"/> of the samples off.</summary>
    public static FitData Split(Tensor[] x, Tensor y, FitOptions options, Trainer trainer)
    {
        if (options.ValidationData is { } validation)
        {
            ArgumentNullException.ThrowIfNull(validation.X, "validationData.X");
            trainer.CheckValidationData(validation.X, validation.Y);
            return new FitData(x, y, validation.X, validation.Y, ownsSplit: false);
        }
        if (options.ValidationSplit == 0) return new FitData(x, y, null, null, ownsSplit: false);
        long n = x[0].shape[0];
        long nTrain = (long)Math.Floor(n * (1 - options.ValidationSplit));
        if (nTrain <= 0 || nTrain >= n)
            throw new ArgumentException($"A validation split of {options.ValidationSplit} of {n} samples leaves {nTrain} for training and {n - nTrain} for validation; both need at least one.", "options.ValidationSplit");
        return new FitData(x.Select(t => t.narrow(0, 0, nTrain)).ToArray(), y.narrow(0, 0, nTrain),
            x.Select(t => t.narrow(0, nTrain, n - nTrain)).ToArray(), y.narrow(0, nTrain, n - nTrain), ownsSplit: true);
    }

    /// <summary>Disposes the split's views (never the caller's tensors).</summary>
    public void Dispose()
    {
        if (!ownsSplit) return;
        foreach (var t in X.Concat(ValX!)) t.Dispose();
        Y.Dispose();
        ValY!.Dispose();
    }
}
