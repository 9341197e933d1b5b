using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnToolkit.Runner.Export;

/// <summary>
/// Translates a code cell (C# script, as the kernel compiles it) into the pieces of a file-based app: using directives
/// (hoisted), top-level statements (a trailing expression without semicolon becomes <c>display(...)</c>, as the notebook
/// shows it), type declarations (moved after the statements) and the names it declares. Notebook kernel APIs
/// (<c>Microsoft.DotNet.Interactive</c>, <c>Kernel</c>, <c>HTML(...)</c>) have no app equivalent and are errors.
/// </summary>
static class CellTranslator
{
    static readonly CSharpParseOptions Script = new(LanguageVersion.Preview, kind: SourceCodeKind.Script);

    static readonly string[] KernelHelpers = ["HTML", "CSS", "Javascript", "PocketView"];

    /// <summary>The translated cell.</summary>
    /// <exception cref="AppExportException">The cell does not parse, uses a kernel API, or declares something an app cannot hold.</exception>
    public static TranslatedCell Translate(NotebookCell cell, string code)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, Script).GetRoot();
        var trailing = TrailingExpression(root);
        var error = root.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error
            && !(trailing is not null && d.Id == "CS1002" && d.Location.SourceSpan.Start >= trailing.Span.End));
        if (error is not null)
            throw cell.Error($"expected C# that compiles, got {error.Id} at line {error.Location.GetLineSpan().StartLinePosition.Line + 1}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        RejectKernelApis(cell, root);
        if (root.Externs.Count > 0 || root.AttributeLists.Count > 0)
            throw cell.Error("expected statements, usings and type declarations, got an extern alias or assembly attribute.");

        var usings = new List<string>();
        var statements = new StringBuilder();
        var types = new StringBuilder();
        var declared = new List<string>();
        foreach (var u in root.Usings)
        {
            usings.Add(u.WithoutTrivia().ToString());
            var comments = u.GetLeadingTrivia().ToFullString();
            if (comments.Trim().Length > 0) statements.Append(comments);
        }
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case GlobalStatementSyntax { Statement: ExpressionStatementSyntax expression } when expression == trailing:
                    statements.Append(expression.GetLeadingTrivia().ToFullString())
                        .Append("display(").Append(expression.Expression.WithoutTrivia()).Append(");")
                        .Append(expression.Expression.GetTrailingTrivia().ToFullString()).Append(expression.GetTrailingTrivia().ToFullString());
                    break;
                case GlobalStatementSyntax global:
                    statements.Append(global.ToFullString());
                    declared.AddRange(Declared(global.Statement));
                    break;
                case FieldDeclarationSyntax field:
                    statements.Append(field.ToFullString());
                    declared.AddRange(field.Declaration.Variables.Select(v => v.Identifier.ValueText));
                    break;
                case MethodDeclarationSyntax method:
                    statements.Append(method.ToFullString());
                    declared.Add(method.Identifier.ValueText);
                    break;
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    types.Append(member.ToFullString());
                    break;
                default:
                    throw cell.Error($"expected statements, local functions or type declarations, got a {member.Kind()} (`{First(member)}`), which a file-based app cannot hold at the top level.");
            }
        }
        statements.Append(root.EndOfFileToken.LeadingTrivia.ToFullString());   // a cell's closing comments (or a comment-only cell)
        var reserved = declared.FirstOrDefault(AppCellRules.ReservedNames.Contains);
        if (reserved is not null) throw cell.Error($"declares `{reserved}`, a name the exported app uses itself; expected another name.");
        return new TranslatedCell(usings, statements.ToString().Trim('\n', '\r'), types.ToString().Trim('\n', '\r'), declared);
    }

    /// <summary>The cell's last statement when it is an expression without semicolon (the value the notebook shows).</summary>
    static ExpressionStatementSyntax? TrailingExpression(CompilationUnitSyntax root) =>
        root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } e } ? e : null;

    /// <summary>The names a top-level statement puts in the app's one top-level scope.</summary>
    static IEnumerable<string> Declared(StatementSyntax statement)
    {
        switch (statement)
        {
            case LocalFunctionStatementSyntax function:
                return [function.Identifier.ValueText];
            case LocalDeclarationStatementSyntax or ExpressionStatementSyntax or ReturnStatementSyntax or ThrowStatementSyntax:
                // Declared variables, and expression variables (out var, patterns, deconstruction) outside lambdas.
                var variables = statement is LocalDeclarationStatementSyntax local
                    ? local.Declaration.Variables.Select(v => v.Identifier.ValueText)
                    : [];
                var designations = statement.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not QueryExpressionSyntax)
                    .OfType<SingleVariableDesignationSyntax>().Select(d => d.Identifier.ValueText);
                return variables.Concat(designations);
            default:
                return [];
        }
    }

    static void RejectKernelApis(NotebookCell cell, CompilationUnitSyntax root)
    {
        foreach (var node in root.DescendantNodes())
        {
            var use = node switch
            {
                QualifiedNameSyntax or MemberAccessExpressionSyntax when node.Parent is not (QualifiedNameSyntax or MemberAccessExpressionSyntax)
                    && Flatten(node).StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal) => Flatten(node),
                MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Kernel" } } access => access.ToString(),
                InvocationExpressionSyntax { Expression: IdentifierNameSyntax name } when KernelHelpers.Contains(name.Identifier.ValueText) => name + "(...)",
                _ => null,
            };
            if (use is not null)
                throw cell.Error($"uses the notebook kernel's API (`{use}`), which a file-based app does not have; expected plain C# (show values with display(x) or a trailing expression; a set-up cell that adds the package feed is tagged `{AppCellRules.LocalFeedTag}`).");
        }
    }

    static string Flatten(SyntaxNode node) => new string(node.ToString().Where(c => !char.IsWhiteSpace(c)).ToArray());

    static string First(SyntaxNode node)
    {
        var text = node.WithoutTrivia().ToString().Split('\n')[0].Trim();
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
