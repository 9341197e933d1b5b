namespace RnnToolkit.Cells;

/// <summary>The height and width of a 2-D feature map (a frame), e.g. the map a <see cref="ConvLstm2dCell"/>'s peephole weights cover.</summary>
/// <param name="Height">Rows of the map.</param>
/// <param name="Width">Columns of the map.</param>
public sealed record MapSize(long Height, long Width)
{
    /// <summary>"H×W".</summary>
    public override string ToString() => $"{Height}×{Width}";
}
