using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using RnnToolkit.Layers;

namespace RnnToolkit.Tests.Naming;

/// <summary>
/// The naming rule (README, "Naming"): a notebook that opens TorchSharp's namespaces as TorchSharp code usually does
/// (<c>using TorchSharp; using TorchSharp.Modules; using static TorchSharp.torch;</c>) and every toolkit namespace can
/// still name every public toolkit type, and builds the layers by their documented names. Compiled as a C# script,
/// the language of the notebooks' kernel.
/// </summary>
public class NotebookNamingTests
{
    static readonly Assembly Toolkit = typeof(Recurrent).Assembly;

    static string[] ToolkitNamespaces() =>
        Toolkit.GetExportedTypes().Select(t => t.Namespace!).Distinct().Order(StringComparer.Ordinal).ToArray();

    static string Usings() =>
        string.Concat(new[] { "System", "System.Linq", "TorchSharp", "TorchSharp.Modules" }.Concat(ToolkitNamespaces()).Select(n => $"using {n};\n"))
        + "using static TorchSharp.torch;\n";

    static ScriptOptions Options() =>
        ScriptOptions.Default
            .WithReferences(typeof(TorchSharp.torch).Assembly, Toolkit, typeof(object).Assembly)
            .AddReferences(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.Location.Length > 0 && a.GetName().Name is "System.Runtime" or "netstandard" or "System.Collections" or "System.Linq"));

    static string Errors(Script script) =>
        string.Join("\n", script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));

    static string CSharpName(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{new string(',', t.GetGenericArguments().Length - 1)}>" : t.Name;

    [Fact]
    public void Every_public_toolkit_type_is_named_unambiguously_beside_TorchSharp_Modules()
    {
        var types = Toolkit.GetExportedTypes().Where(t => !t.IsNested).ToArray();
        Assert.Contains(typeof(Recurrent), types);
        var code = Usings() + string.Concat(types.Select(t => $"_ = typeof({CSharpName(t)});\n"));
        var errors = Errors(CSharpScript.Create(code, Options()));
        Assert.True(errors.Length == 0, $"names that do not bind to the toolkit's type in a notebook with TorchSharp.Modules open:\n{errors}");
    }

    [Fact]
    public async Task The_documented_layer_names_build_the_toolkit_layers()
    {
        var code = Usings() + """
            LSTM torchSharpLstm = nn.LSTM(4, 6);   // TorchSharp's own LSTM keeps its name
            var built = new nn.Module[]
            {
                new Rnn(4, 6), new Lstm(4, 6), new Gru(4, 6, numLayers: 2, bidirectional: true),
                new TransformerEncoderBlock(8, 2, 16), new TransformerDecoderBlock(8, 2, 16),
                new TransformerEncoderStack(2, _ => new TransformerEncoderBlock(8, 2, 16)),
                new TransformerDecoderStack(2, _ => new TransformerDecoderBlock(8, 2, 16)),
                torchSharpLstm,
            };
            built.Select(m => m.GetType().FullName).ToArray()
            """;
        var script = CSharpScript.Create<string[]>(code, Options());
        var errors = Errors(script);
        Assert.True(errors.Length == 0, errors);
        var names = (await script.RunAsync()).ReturnValue;
        Assert.Equal(
            [
                "RnnToolkit.Layers.Rnn", "RnnToolkit.Layers.Lstm", "RnnToolkit.Layers.Gru",
                "RnnToolkit.Models.TransformerEncoderBlock", "RnnToolkit.Models.TransformerDecoderBlock",
                "RnnToolkit.Models.TransformerEncoderStack", "RnnToolkit.Models.TransformerDecoderStack",
                "TorchSharp.Modules.LSTM",
            ],
            names);
    }
}
