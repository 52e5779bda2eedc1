using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TransformerCourse.Runner;

/// <summary>
/// Decides whether a cell that fails to compile does so only because a package was missing: every error must be an
/// unresolved-name error (CS0246, CS0234, CS0103, CS1061) about a name that comes from a missing package — its
/// namespace, a namespace its <c>#r</c> cell imported, or anything a skipped cell declared. Any other compile error
/// is a real failure.
/// </summary>
internal sealed partial class MissingPackageTracker
{
    private static readonly HashSet<string> unresolvedCodes = ["CS0246", "CS0234", "CS0103", "CS1061"];
    private readonly HashSet<string> unavailable = new(StringComparer.Ordinal);
    private readonly List<string> missing = [];

    public IReadOnlyList<string> Missing => missing;

    public void AddMissingPackages(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (!missing.Contains(name, StringComparer.OrdinalIgnoreCase)) missing.Add(name);
            unavailable.Add(name);
            unavailable.Add(name.Split('.')[0]);
        }
    }

    /// <summary>Remembers the names a skipped cell would have declared or imported.</summary>
    public void AddSkippedCell(string code, CSharpParseOptions parseOptions)
    {
        var root = CSharpSyntaxTree.ParseText(code, parseOptions).GetRoot();
        foreach (var node in root.DescendantNodes())
        {
            switch (node)
            {
                case UsingDirectiveSyntax u when u.NamespaceOrType is { } name:
                    foreach (var part in name.ToString().Split('.')) unavailable.Add(part.Trim());
                    break;
                case VariableDeclaratorSyntax v
                    when v.Ancestors().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault() is null
                        && v.Ancestors().OfType<LocalFunctionStatementSyntax>().FirstOrDefault() is null
                        && v.Ancestors().OfType<AnonymousFunctionExpressionSyntax>().FirstOrDefault() is null:
                    unavailable.Add(v.Identifier.ValueText);
                    break;
                case MethodDeclarationSyntax m: unavailable.Add(m.Identifier.ValueText); break;
                case LocalFunctionStatementSyntax f: unavailable.Add(f.Identifier.ValueText); break;
                case BaseTypeDeclarationSyntax t: unavailable.Add(t.Identifier.ValueText); break;
                case DelegateDeclarationSyntax d: unavailable.Add(d.Identifier.ValueText); break;
            }
        }
    }

    /// <summary>True when <paramref name="errors"/> can all be blamed on missing packages.</summary>
    public bool Explains(IReadOnlyCollection<Diagnostic> errors) =>
        missing.Count > 0 && errors.Count > 0 && errors.All(d =>
            unresolvedCodes.Contains(d.Id) &&
            Quoted().Matches(d.GetMessage()).Any(m => unavailable.Contains(m.Groups[1].Value)));

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex Quoted();
}
