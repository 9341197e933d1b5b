using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnToolkit.Runner.Export;

/// <summary>
/// Translates the parameters cell (tag <c>parameters</c>): each <c>var name = value;</c> becomes
/// <c>var name = notebookParameters.Get("name", value);</c>, read from the app's command line (<c>--name value</c>) with
/// the notebook's value as default. Only declarations of one variable with a literal value (or an array of literals) of a
/// type the command line can give are accepted.
/// </summary>
static class ParametersCellTranslator
{
    static readonly CSharpParseOptions Script = new(LanguageVersion.Preview, kind: SourceCodeKind.Script);

    static readonly HashSet<string> Types = ["int", "long", "double", "float", "decimal", "bool", "string"];

    /// <summary>The app's statements for the cell and the parameter names.</summary>
    /// <exception cref="AppExportException">The cell holds anything but such declarations.</exception>
    public static (string Statements, IReadOnlyList<string> Names) Translate(NotebookCell cell, string code)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, Script).GetRoot();
        if (root.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
            throw cell.Error($"expected parameter declarations that compile, got {error.Id}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        var names = new List<string>();
        var body = new StringBuilder();
        foreach (var member in root.Members)
        {
            var declaration = member switch
            {
                GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax { Modifiers.Count: 0 } local } => local.Declaration,
                FieldDeclarationSyntax { Modifiers.Count: 0 } field => field.Declaration,
                _ => null,
            };
            if (declaration is not { Variables: [{ Initializer: { } initializer } variable] })
                throw cell.Error($"expected only declarations of one parameter each (`var name = value;`), got `{member.WithoutTrivia()}`.");
            var name = variable.Identifier.ValueText;
            var type = declaration.Type.IsVar ? null : declaration.Type.WithoutTrivia().ToString();
            if (type is not null && !Types.Contains(type.TrimEnd('[', ']')))
                throw cell.Error($"parameter `{name}` has type {type}: expected one of {string.Join(", ", Types)} or an array of them.");
            if (!IsLiteral(initializer.Value))
                throw cell.Error($"parameter `{name}` = `{initializer.Value}`: expected a literal value (number, string, true/false) or an array of literals (`new[] {{ ... }}`).");
            names.Add(name);
            var read = type is null
                ? $"{AppCellRules.ParametersVariable}.Get(\"{name}\", {initializer.Value.WithoutTrivia()})"
                : $"{AppCellRules.ParametersVariable}.Get<{type}>(\"{name}\", {initializer.Value.WithoutTrivia()})";
            body.Append(member.GetLeadingTrivia().ToFullString())
                .Append(declaration.Type.WithoutTrivia()).Append(' ').Append(name).Append(" = ").Append(read).Append(';')
                .Append(member.GetTrailingTrivia().ToFullString());
        }
        // The cell's opening comments (its tags line), then the command line read, then the parameters.
        var opening = root.Members.FirstOrDefault()?.GetLeadingTrivia().ToFullString() ?? "";
        var header = $"var {AppCellRules.ParametersVariable} = Notebook.Parameters(args{string.Concat(names.Select(n => $", \"{n}\""))});\n";
        var parameters = body.ToString()[opening.Length..];
        return (opening.TrimStart('\n', '\r') + header + (parameters + root.EndOfFileToken.LeadingTrivia.ToFullString()).Trim('\n', '\r'), names);
    }

    static bool IsLiteral(ExpressionSyntax value) => value switch
    {
        LiteralExpressionSyntax literal => !literal.IsKind(SyntaxKind.NullLiteralExpression) && !literal.IsKind(SyntaxKind.DefaultLiteralExpression),
        PrefixUnaryExpressionSyntax { OperatorToken.ValueText: "-" or "+", Operand: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } } => true,
        ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions.Count > 0 && array.Initializer.Expressions.All(IsLiteral),
        ArrayCreationExpressionSyntax { Initializer: { } init } array => Types.Contains(array.Type.ElementType.ToString()) && init.Expressions.All(IsLiteral),
        _ => false,
    };
}
