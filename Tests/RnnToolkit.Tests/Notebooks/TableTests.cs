using RnnToolkit.Notebooks;

namespace RnnToolkit.Tests.Notebooks;

public class TableTests
{
    [Fact]
    public void Anonymous_objects_become_columns_in_declaration_order()
    {
        var table = new[] { new { model = "LSTM", parameters = 17_152, accuracy = 0.91234 }, new { model = "GRU", parameters = 12_864, accuracy = double.NaN } }.ToTable();
        Assert.Equal(["model", "parameters", "accuracy"], table.Columns);
        Assert.Equal(["GRU", 12_864, double.NaN], table.Rows[1]);
        var lines = table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("model  parameters  accuracy", lines[0]);
        Assert.Equal("LSTM        17152    0.9123", lines[1]);   // numbers right-aligned, four decimals at most
        Assert.Equal("GRU         12864       NaN", lines[2]);
    }

    [Fact]
    public void A_list_of_objects_takes_its_columns_from_the_rows_type()
    {
        var rows = new List<object> { new { optimizer = "SGD", mse = 0.05 }, new { optimizer = "Adam", mse = 0.012 } };
        var table = rows.ToTable();
        Assert.Equal(["optimizer", "mse"], table.Columns);
        Assert.Equal(["Adam", 0.012], table.Rows[1]);
        Assert.Contains("different types (<>f__AnonymousType",
            Assert.Throws<ArgumentException>(() => new List<object> { new { a = 1 }, new { b = 2 } }.ToTable()).Message);
    }

    [Fact]
    public void A_row_with_the_wrong_width_or_a_type_without_properties_is_refused()
    {
        Assert.Contains("Row 1 has 1 values; expected one per column (2: a, b)",
            Assert.Throws<ArgumentException>(() => new Table(["a", "b"], [[1, 2], [3]])).Message);
        Assert.Contains("Int32 has no public properties", Assert.Throws<ArgumentException>(() => new[] { 1, 2 }.ToTable()).Message);
    }
}
