namespace RnnToolkit.Runner.Export;

/// <summary>A code cell as the app holds it.</summary>
/// <param name="Usings">Its using directives, hoisted to the top of the app.</param>
/// <param name="Statements">Its top-level statements (the trailing expression displayed).</param>
/// <param name="Types">Its type declarations, moved after all top-level statements.</param>
/// <param name="Declared">The top-level names it declares (variables, local functions).</param>
sealed record TranslatedCell(IReadOnlyList<string> Usings, string Statements, string Types, IReadOnlyList<string> Declared);
