namespace RnnToolkit.Layers;

/// <summary>What a call's padding mask allows, as far as choosing a backend goes.</summary>
enum MaskKind
{
    /// <summary>No mask: every step is real.</summary>
    None,
    /// <summary>A prefix mask whose every length is ≥ 1: libtorch runs it as packed sequences.</summary>
    Packable,
    /// <summary>A mask with gaps, or a sequence of length 0: only the cells honour it.</summary>
    NotPackable,
}
