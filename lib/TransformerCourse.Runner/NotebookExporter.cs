using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TransformerCourse.Runner;

/// <summary>
/// Turns a notebook into a C# file-based app (<c>dotnet run file.cs</c>): markdown becomes comments,
/// <c>#r "nuget: X, V"</c> becomes <c>#:package X@V</c>, a <c>#r</c> of a project's build output becomes
/// <c>#:project</c> of that project, and <c>#:property PublishAot=false</c> keeps reflection-based code working.
/// Script-only C# is rewritten: <c>using</c> directives move to the top, type declarations to the bottom, and a
/// cell's trailing expression <c>x</c> becomes <c>display(x);</c>. <c>display</c>, <c>Display()</c> and
/// <c>DisplayAs()</c> are defined at the end of the file and print to the console.
/// </summary>
public static class NotebookExporter
{
    private static readonly CSharpParseOptions scriptParse = new(LanguageVersion.CSharp12, kind: SourceCodeKind.Script);

    /// <summary>Exports <paramref name="notebookPath"/> to <paramref name="outputFile"/>; returns the file's
    /// text.</summary>
    /// <param name="notebookPath">The .ipynb to export.</param>
    /// <param name="outputFile">The .cs file to write (its folder is created).</param>
    /// <param name="solutions">If given, exercise stubs are replaced by these solutions.</param>
    public static string Export(
        string notebookPath, string outputFile, IReadOnlyDictionary<string, string>? solutions = null)
    {
        var notebook = NotebookDocument.Load(notebookPath);
        if (notebook.NotCSharp is { } notCSharp) throw new InvalidDataException(notCSharp);
        var outDir = Path.GetDirectoryName(Path.GetFullPath(outputFile))!;
        var packages = new List<PackageRef>();
        var projects = new List<string>();
        var usings = new List<string>(NotebookRunner.DefaultImports.Select(i => $"using {i};"));
        var body = new StringBuilder();
        var types = new StringBuilder();
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var cell in notebook.Cells)
        {
            if (cell.CellType != "code")
            {
                body.Append(Comment(cell.Source)).Append('\n');
                continue;
            }
            var source = cell.Source;
            if (solutions is not null && Exercises.StubId(source) is { } id && solutions.TryGetValue(id,
                out var solution)) source = solution;
            var parsed = CellParser.Parse(source, cell.KernelName);
            if (parsed.Errors.Count > 0)
                throw new InvalidDataException(
                    $"{notebookPath}: {cell.Label}, line {parsed.Errors[0].Line}: {parsed.Errors[0].Message}");
            body.Append($"// ── {cell.Name} ──\n");
            foreach (var (kernel, text) in parsed.OtherKernels)
                body.Append($"// (#!{kernel} part, not C#)\n").Append(Comment(text));
            packages.AddRange(parsed.Packages.Where(p => !packages.Any(q => q.Name.Equals(p.Name,
                StringComparison.OrdinalIgnoreCase))));

            var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(parsed.CSharpCode, scriptParse).GetRoot();
            foreach (var directive in root.GetLeadingTrivia().Concat(root.DescendantTrivia()).Select(t =>
                t.GetStructure()).OfType<ReferenceDirectiveTriviaSyntax>())
            {
                var dll = Path.GetFullPath(Path.Combine(notebook.Directory, directive.File.ValueText));
                if (ReferencedProjects.ProjectFor(dll) is { } project)
                {
                    if (!projects.Contains(project)) projects.Add(project);
                }
                else
                    throw new InvalidDataException(
                        $"{notebookPath}: {cell.Label}: #r \"{directive.File.ValueText}\" is not the output of a " +
                        "project, and a file-based app can only reference projects and packages");
            }
            if (root.DescendantTrivia().Any(t => t.IsKind(SyntaxKind.LoadDirectiveTrivia)))
                throw new InvalidDataException(
                    $"{notebookPath}: {cell.Label}: #load cannot be exported; put that code in the library");

            usings.AddRange(root.Usings.Select(u => u.WithoutTrivia().ToFullString()));
            var members = root.Members;
            for (var i = 0; i < members.Count; i++)
            {
                var member = members[i];
                foreach (var name in TopLevelNames(member))
                {
                    if (declared.TryGetValue(name, out var first))
                        throw new InvalidDataException(
                            $"{notebookPath}: {cell.Label} declares '{name}' again (first in {first}); " +
                            "a notebook may, a C# program may not: rename one of them");
                    declared[name] = cell.Label;
                }
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                {
                    types.Append(member.ToFullString().Trim('\n')).Append("\n\n");
                    continue;
                }
                var text = member.ToFullString();
                if (i == members.Count - 1
                    && member is GlobalStatementSyntax
                    {
                        Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last,
                    })
                    text = member.GetLeadingTrivia().ToFullString() + $"display({last.Expression.WithoutTrivia()});"
                        + member.GetTrailingTrivia().ToFullString();
                body.Append(StripDirectives(text).TrimEnd()).Append('\n');
            }
            body.Append('\n');
        }

        var file = new StringBuilder();
        file.Append($"// {Path.GetFileName(notebookPath)}, exported by `course export` as a C# file-based app.\n");
        file.Append($"// Run it with: dotnet run {Path.GetFileName(outputFile)}\n");
        foreach (var p in packages) file.Append($"#:package {p.Name}@{(p.Version is "" or "*-*" ? "*" : p.Version)}\n");
        foreach (var p in projects) file.Append($"#:project {Path.GetRelativePath(outDir, p).Replace('\\', '/')}\n");
        file.Append("#:property PublishAot=false\n");
        // Inside a repository with central package management, #:package versions would otherwise be refused (NU1008).
        file.Append("#:property ManagePackageVersionsCentrally=false\n\n");
        foreach (var u in usings.Distinct()) file.Append(u).Append('\n');
        file.Append("using static NotebookDisplay;\n\n");
        file.Append(body.ToString().TrimEnd()).Append("\n\n");
        file.Append(types);
        file.Append(DisplayHelpers);

        AtomicFile.WriteAllText(outputFile, file.ToString());
        return file.ToString();
    }

    private static IEnumerable<string> TopLevelNames(MemberDeclarationSyntax member) => member switch
    {
        FieldDeclarationSyntax f => f.Declaration.Variables.Select(v => v.Identifier.ValueText),
        GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax l } => l.Declaration.Variables.Select(v =>
            v.Identifier.ValueText),
        GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax f } => [f.Identifier.ValueText],
        MethodDeclarationSyntax m => [m.Identifier.ValueText],
        BaseTypeDeclarationSyntax t => [t.Identifier.ValueText],
        _ => [],
    };

    // #r and #load lines stay in the script text for Roslyn; a program has #:project instead.
    private static string StripDirectives(string text) =>
        string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("#r ", StringComparison.Ordinal)));

    private static string Comment(string text) =>
        string.Concat(text.TrimEnd().Split('\n').Select(l => l.Trim().Length == 0 ? "//\n" : $"// {l.TrimEnd()}\n"));

    private const string DisplayHelpers = """
        /// <summary>Stand-ins for the notebook kernel's display functions: they print to the console.</summary>
        static class NotebookDisplay
        {
            public static DisplayedValue display(object? value, params string[] mimeTypes) => value.Display(mimeTypes);

            public static DisplayedValue Display(this object? value, params string[] mimeTypes)
            {
                Console.WriteLine(Plain(value));
                return new DisplayedValue();
            }

            public static DisplayedValue DisplayAs(this string value, string mimeType) => value.Display(mimeType);

            static string Plain(object? value) => value switch
            {
                null => "<null>",
                string s => s,
                System.Collections.IEnumerable items
                    when value.GetType().GetMethod("ToString", Type.EmptyTypes)?.DeclaringType == typeof(object)
                    => "[ " + string.Join(", ", items.Cast<object?>().Select(Plain)) + " ]",
                _ => value.ToString() ?? "",
            };
        }

        /// <summary>What display returns; Update prints the new value.</summary>
        sealed class DisplayedValue
        {
            public void Update(object? value) => value.Display();
        }

        """;
}
