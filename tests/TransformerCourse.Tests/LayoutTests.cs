using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests;

/// <summary>
/// How the code is laid out. One file, one test file: every library file <c>lib/TransformerCourse/Folder/Name.cs</c>
/// has <c>tests/TransformerCourse.Tests/Folder/NameTests.cs</c> (and
/// <c>lib/TransformerCourse.Recipes/Folder/Name.cs</c> has
/// <c>tests/TransformerCourse.Tests/Recipes/Folder/NameTests.cs</c>). No cycles: in no project do two namespaces
/// use each other, directly or around a loop (signatures and method bodies both count).
/// </summary>
public class LayoutTests
{
    /// <summary>Namespace cycles allowed, as "A ⇄ B": none.</summary>
    private static readonly string[] KnownCycles = [];

    /// <summary>
    /// The unit a namespace belongs to for the cycle check: a folder's <c>Kernels</c> corner (e.g.
    /// TransformerCourse.Autograd.Kernels) is that folder's internal part, so it counts as the folder itself.
    /// </summary>
    public static string Unit(string ns) =>
        ns.EndsWith(".Kernels", StringComparison.Ordinal) ? ns[..^".Kernels".Length] : ns;

    /// <summary>The library files (paths from the repository root, with '/') that have no
    /// same-named test file.</summary>
    public static IReadOnlyList<string> MissingTestFiles()
    {
        var missing = new List<string>();
        foreach (var (project, testFolder) in new[] { ("TransformerCourse", ""),
            ("TransformerCourse.Recipes", "Recipes") })
        {
            string root = Path.Combine(RepoPaths.Root, "lib", project);
            foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.StartsWith("obj/", StringComparison.Ordinal)
                    || relative.StartsWith("bin/", StringComparison.Ordinal))
                    continue;
                string test = Path.Combine(RepoPaths.Root, "tests", "TransformerCourse.Tests", testFolder,
                    relative[..^3] + "Tests.cs");
                if (!File.Exists(test)) missing.Add($"lib/{project}/{relative}");
            }
        }
        return missing.Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void EveryLibraryFileHasItsTestFile()
    {
        var missing = MissingTestFiles();
        Assert.True(missing.Count == 0,
            $"library files without tests/…/<Name>Tests.cs:\n  {string.Join("\n  ", missing)}");
    }

    /// <summary>The assemblies the no-cycle rule reads: every project under lib/ and bench/, and this test
    /// project.</summary>
    private static readonly string[] AssemblyNames =
    [
        "TransformerCourse", "TransformerCourse.Recipes", "TransformerCourse.Display", "TransformerCourse.Runner",
        "course", "TransformerCourse.Pretrained", "TransformerCourse.Bench", "TransformerCourse.Tests",
    ];

    public static TheoryData<string> Assemblies => new(AssemblyNames);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void NoProjectsNamespacesFormACycle(string assembly)
    {
        var cycles = Cycles(NamespaceUses(Assembly.Load(assembly)));
        var unexpected = cycles.Except(KnownCycles).ToList();
        Assert.True(unexpected.Count == 0,
            $"{assembly}: namespaces that use each other (directly or around a loop):\n  "
            + string.Join("\n  ", unexpected));
    }

    [Fact]
    public void NoKnownCycleIsStale()
    {
        var cycles = AssemblyNames.SelectMany(name => Cycles(NamespaceUses(Assembly.Load(name)))).ToList();
        var stale = KnownCycles.Except(cycles).ToList();
        Assert.True(stale.Count == 0, $"no longer a cycle; remove from KnownCycles:\n  {string.Join("\n  ", stale)}");
    }

    /// <summary>Every project under lib/ and bench/ is in <see cref="AssemblyNames"/> (by its AssemblyName, or its
    /// folder's name when it sets none).</summary>
    [Fact]
    public void TheCycleRuleReadsEveryProject()
    {
        var names = ProjectFolders().Where(f => !f.StartsWith("tests/", StringComparison.Ordinal)).Select(folder =>
        {
            string project = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*.csproj").Single();
            var name = Regex.Match(File.ReadAllText(project), "<AssemblyName>([^<]+)</AssemblyName>");
            return name.Success ? name.Groups[1].Value : Path.GetFileName(folder);
        });
        Assert.Empty(names.Except(AssemblyNames));
    }

    /// <summary>The namespace cycles in <paramref name="uses"/>, one "A ⇄ B" (A before B) per edge on a loop that
    /// leads to a later namespace, so every loop shows at least once.</summary>
    public static List<string> Cycles(Dictionary<string, HashSet<string>> uses)
    {
        var cycles = new List<string>();
        foreach (var (a, targets) in uses)
        {
            foreach (var b in targets)
            {
                if (string.CompareOrdinal(a, b) < 0 && Reaches(uses, b, a)) cycles.Add($"{a} ⇄ {b}");
            }
        }
        return cycles;
    }

    [Fact]
    public void TheCycleFinderFindsALoopOfThreeAndNothingElse()
    {
        var uses = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"], ["E"] = ["D"],
        };
        Assert.Equal(["A ⇄ B", "B ⇄ C"], Cycles(uses).Order(StringComparer.Ordinal));
        uses["C"] = [];
        Assert.Empty(Cycles(uses));
    }

    [Fact]
    public void TheCycleFinderSeesTheRunnersMethodBodies()
    {
        // NotebookRunner calls ProcessState.Reset() and ConsoleRouter writes to CellOutputs.Current, both inside
        // method bodies; the scripting side (what notebook code sees) uses nothing of the runner's namespace.
        var uses = NamespaceUses(typeof(TransformerCourse.Runner.NotebookRunner).Assembly);
        Assert.Contains("TransformerCourse.Runner.Scripting", uses["TransformerCourse.Runner"]);
        Assert.DoesNotContain("TransformerCourse.Runner", uses["TransformerCourse.Runner.Scripting"]);
        var recipes = NamespaceUses(typeof(TransformerCourse.Recipes.CourseTasks).Assembly);
        Assert.Contains("TransformerCourse.Recipes.KoEn", recipes["TransformerCourse.Recipes"]);
    }

    [Fact]
    public void TheCycleFinderSeesMethodBodies()
    {
        // Seq2SeqTransformer's methods build Decoders and call Masks (in their bodies, not only their signatures).
        var uses = NamespaceUses(typeof(Rng).Assembly);
        Assert.Contains("TransformerCourse.Attention", uses["TransformerCourse.Transformer"]);
        Assert.Contains("TransformerCourse.Generation", uses["TransformerCourse.Training"]);
        Assert.DoesNotContain("TransformerCourse.Training", uses["TransformerCourse.Seq2Seq"]);
        Assert.DoesNotContain("TransformerCourse.Transformer", uses["TransformerCourse.Training"]);
    }

    /// <summary>The model contract (Generation) sits below both model families: the Transformer does not depend on
    /// the GRU folder.</summary>
    [Fact]
    public void TheTransformerDoesNotDependOnTheRecurrentModels()
    {
        var uses = NamespaceUses(typeof(Rng).Assembly);
        Assert.Contains("TransformerCourse.Generation", uses["TransformerCourse.Transformer"]);
        Assert.Contains("TransformerCourse.Generation", uses["TransformerCourse.Seq2Seq"]);
        Assert.DoesNotContain("TransformerCourse.Seq2Seq", uses["TransformerCourse.Transformer"]);
    }

    /// <summary>
    /// SIMD stays in the kernels' corners: no library file outside a <c>Kernels/</c> folder calls <c>Simd</c> or
    /// System.Numerics' <c>Vector</c> / <c>Vector&lt;T&gt;</c> (the readable code a learner opens shows the arithmetic;
    /// the fused code that does the same is in one place).
    /// </summary>
    [Fact]
    public void OnlyTheKernelsCornersUseSimd()
    {
        var offenders = new List<string>();
        foreach (var (project, file, relative) in LibraryFiles())
        {
            if (relative.Split('/').Contains("Kernels")) continue;
            offenders.AddRange(SimdLines(File.ReadAllText(file)).Select(line => $"lib/{project}/{relative}:{line}"));
        }
        Assert.True(offenders.Count == 0, $"SIMD outside a Kernels folder:\n  {string.Join("\n  ", offenders)}");
    }

    [Fact]
    public void TheSimdFinderTellsSystemNumericsFromMathNet()
    {
        const string simd = "using System.Numerics;\nvar n = Vector<double>.Count;\nSimd.Add(x, y, z);\n" +
            "if (Vector.IsHardwareAccelerated) { }\nvar w = System.Numerics.Vector.Sum(v);";
        Assert.Equal([2, 3, 4, 5], SimdLines(simd));
        const string mathNet = "using System.Numerics;\nusing MathNet.Numerics.LinearAlgebra;\n" +
            "Vector<double> v = Vector<double>.Build.Dense(3);\nComplex c = Complex.One;";
        Assert.Empty(SimdLines(mathNet));
    }

    /// <summary>The 1-based lines of <paramref name="source"/> that use <c>Simd</c> or System.Numerics' vectors
    /// (<c>Vector&lt;T&gt;.Count</c>, <c>Vector.</c> members, <c>System.Numerics.Vector</c> by name).</summary>
    public static List<int> SimdLines(string source)
    {
        var lines = source.Split('\n');
        bool numerics = lines.Any(l => l.Trim() == "using System.Numerics;");
        var found = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            var l = lines[i];
            if (Regex.IsMatch(l, @"(?<![\w.])Simd\.") || l.Contains("System.Numerics.Vector", StringComparison.Ordinal)
                || (numerics && Regex.IsMatch(l, @"(?<![\w.])Vector(<[^>]+>\.Count|\.[A-Z])")))
                found.Add(i + 1);
        }
        return found;
    }

    /// <summary>The .cs files of the library projects (not bin/, obj/): project, full path,
    /// path in the project.</summary>
    private static IEnumerable<(string Project, string File, string Relative)> LibraryFiles() =>
        new[] { "TransformerCourse", "TransformerCourse.Recipes" }.SelectMany(project =>
            SourceFiles($"lib/{project}").Select(f => (project, f.File, f.Relative)));

    /// <summary>The longest line a source file may have, in Unicode characters (code points, not bytes).</summary>
    private const int MaxLineLength = 120;

    /// <summary>The projects the line rule covers: every project under lib/, the benchmark harness and the test
    /// projects.</summary>
    public static IReadOnlyList<string> ProjectFolders() =>
        new[] { "lib", "bench", "tests" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, top), "*.csproj",
                SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void TheLineRuleCoversEveryProject()
    {
        Assert.Equal(
            ["bench/TransformerCourse.Bench", "lib/TransformerCourse", "lib/TransformerCourse.Cli",
             "lib/TransformerCourse.Display", "lib/TransformerCourse.Pretrained", "lib/TransformerCourse.Recipes",
             "lib/TransformerCourse.Runner", "tests/TransformerCourse.Notebooks.Tests",
             "tests/TransformerCourse.Pretrained.Tests", "tests/TransformerCourse.Tests"],
            ProjectFolders());
    }

    /// <summary>The .cs files of a project folder (not bin/, obj/): full path, path in the project.</summary>
    private static IEnumerable<(string File, string Relative)> SourceFiles(string projectFolder)
    {
        string root = Path.Combine(RepoPaths.Root, projectFolder);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (!relative.StartsWith("obj/", StringComparison.Ordinal)
                && !relative.StartsWith("bin/", StringComparison.Ordinal))
                yield return (file, relative);
        }
    }

    [Fact]
    public void NoSourceLineIsLongerThan120Characters()
    {
        var offenders = new List<string>();
        foreach (var project in ProjectFolders())
        {
            foreach (var (file, relative) in SourceFiles(project))
            {
                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    int length = lines[i].EnumerateRunes().Count();
                    if (length > MaxLineLength)
                        offenders.Add($"{project}/{relative}:{i + 1} ({length} characters)");
                }
            }
        }
        offenders.Sort(StringComparer.Ordinal);
        Assert.True(offenders.Count == 0,
            $"lines longer than {MaxLineLength} characters:\n  {string.Join("\n  ", offenders)}");
    }

    /// <summary>The names of the test methods (public void/Task methods) in <paramref name="source"/> that are not
    /// PascalCase: they contain '_' or start with a lower-case letter.</summary>
    public static List<string> NotPascalCaseTestNames(string source) =>
        Regex.Matches(source, @"public\s+(?:async\s+)?(?:void|Task)\s+(\w+)\s*\(")
            .Select(m => m.Groups[1].Value).Where(n => n.Contains('_') || char.IsLower(n[0])).ToList();

    [Fact]
    public void TheNameFinderSeesSnakeCaseAndAsyncTests()
    {
        // "PUBLIC" so that this file's own scan does not see the examples.
        string source = ("[Fact]\nPUBLIC void Softmax_sums_to_one() { }\n[Fact]\nPUBLIC void SumsToOne() { }\n" +
            "[Theory]\nPUBLIC async Task runs_async(int n) { }\nprivate void Helper_x() { }\n" +
            "PUBLIC int Not_a_test() => 1;").Replace("PUBLIC", "public", StringComparison.Ordinal);
        Assert.Equal(["Softmax_sums_to_one", "runs_async"], NotPascalCaseTestNames(source));
    }

    /// <summary>One naming style for tests in every test project: PascalCase sentences
    /// (<c>RunnerAndKernelGiveTheSameOutputs</c>), no snake_case.</summary>
    [Fact]
    public void EveryTestMethodIsNamedInPascalCase()
    {
        var offenders = new List<string>();
        foreach (var project in ProjectFolders().Where(f => f.StartsWith("tests/", StringComparison.Ordinal)))
        {
            foreach (var (file, relative) in SourceFiles(project))
                offenders.AddRange(NotPascalCaseTestNames(File.ReadAllText(file))
                    .Select(n => $"{project}/{relative}: {n}"));
        }
        Assert.True(offenders.Count == 0, $"test methods not in PascalCase:\n  {string.Join("\n  ", offenders)}");
    }

    /// <summary>Every path a README names in backticks (lib/…, notebooks/…, or a file relative to the README or to the
    /// library, e.g. Autograd/Tensor.cs) exists.</summary>
    [Fact]
    public void EveryPathTheReadmesNameExists()
    {
        var readmes = Directory.EnumerateFiles(RepoPaths.Root, "README.md", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)
                && !f.Contains("/node_modules/", StringComparison.Ordinal)
                    && !f.Contains("/.git/", StringComparison.Ordinal));
        var missing = new List<string>();
        foreach (var readme in readmes)
        {
            string folder = Path.GetDirectoryName(readme)!;
            foreach (Match m in Regex.Matches(File.ReadAllText(readme),
                @"`((?:lib|notebooks|tests|bench|scripts|datasets|\.ci|\.devcontainer)/[^`\s*<>{}…]+"
                + @"|[\w.]+/[\w./-]+\.(?:cs|md|sh|py|ipynb|csx))`"))
            {
                string path = m.Groups[1].Value.TrimEnd('/', '.', ',');
                if (path.Contains("/bin", StringComparison.Ordinal) || path.Contains("out/", StringComparison.Ordinal))
                    continue;
                if (path.Contains("NN-", StringComparison.Ordinal)) continue; // a placeholder: notebooks/NN-name.ipynb
                string library = Path.Combine(RepoPaths.Root, "lib", "TransformerCourse");
                bool exists = new[] { RepoPaths.Root, folder, library }.Any(b =>
                    File.Exists(Path.Combine(b, path)) || Directory.Exists(Path.Combine(b, path)));
                if (!exists) missing.Add($"{Path.GetRelativePath(RepoPaths.Root, readme)}: {path}");
            }
        }
        Assert.True(missing.Count == 0, $"paths named in READMEs that do not exist:\n  {string.Join("\n  ", missing)}");
    }

    /// <summary>The trait that marks a test comparing against a PyTorch fixture; .ci/run's MKL-forced step selects
    /// the tests by it (<c>--filter Reference=PyTorch</c>).</summary>
    private static bool IsMarkedPyTorch(MethodInfo test) => test.GetCustomAttributesData().Any(a =>
        a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments.Select(c => c.Value as string)
            .SequenceEqual(["Reference", "PyTorch"]));

    /// <summary>The test methods of <paramref name="assembly"/> and whether each reads a PyTorch fixture: calls
    /// <c>TorchFixture.Load</c> or <c>Parse</c> itself, in a lambda, local function or async body, or through a
    /// helper of the same assembly.</summary>
    public static Dictionary<MethodInfo, bool> ReadsAFixture(Assembly assembly)
    {
        var loads = typeof(TorchFixture).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name is "Load" or "Parse").Select(m => (m.Module, m.MetadataToken)).ToHashSet();
        bool Reads(MethodBase method, HashSet<(Module, int)> seen)
        {
            foreach (var member in BodyMembers(method))
            {
                if (member is MethodBase callee && loads.Contains((callee.Module, callee.MetadataToken))) return true;
                var next = member switch
                {
                    MethodBase m when m.Module.Assembly == assembly => [m],
                    Type t when t.Assembly == assembly && typeof(IAsyncStateMachine).IsAssignableFrom(t) =>
                        t.GetMethods(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public
                            | BindingFlags.DeclaredOnly).Cast<MethodBase>().ToArray(),
                    _ => Array.Empty<MethodBase>(),
                };
                foreach (var m in next)
                    if (seen.Add((m.Module, m.MetadataToken)) && Reads(m, seen)) return true;
            }
            return false;
        }
        return assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .ToDictionary(m => m, m => Reads(m, []));
    }

    [Fact]
    public void EveryPyTorchFixtureTestAndOnlyThoseCarryTheTrait()
    {
        var wrong = ReadsAFixture(typeof(LayoutTests).Assembly).Where(t => t.Value != IsMarkedPyTorch(t.Key))
            .Select(t => $"{t.Key.DeclaringType!.Name}.{t.Key.Name}: "
                + (t.Value ? "reads a fixture, no [Trait(\"Reference\", \"PyTorch\")]" : "marked, reads no fixture"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void TheFixtureFinderSeesHelpersLambdasAndAsyncBodies()
    {
        var tests = ReadsAFixture(typeof(LayoutTests).Assembly)
            .ToDictionary(t => t.Key.DeclaringType!.Name + "." + t.Key.Name, t => t.Value);
        Assert.True(tests["AdamTests.ThreeStepsMatchPyTorch"]);           // through FixtureModules.StepsMatchPyTorch
        Assert.True(tests["SafeTensorsTests.PyTorchExportedFileLoadsAndReproducesPyTorchsOutputs"]);
        Assert.True(tests["TorchFixtureTests.ShapesBecomeTheCourseLayout"]);
        Assert.False(tests["AdamTests.DefaultsMatchPyTorch"]);
        Assert.False(tests["LayoutTests.TheFixtureFinderSeesHelpersLambdasAndAsyncBodies"]);
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> uses, string from, string to)
    {
        var seen = new HashSet<string> { from };
        var stack = new Stack<string>([from]);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n == to) return true;
            foreach (var m in uses.GetValueOrDefault(n) ?? []) if (seen.Add(m)) stack.Push(m);
        }
        return false;
    }

    /// <summary>For each namespace of <paramref name="assembly"/>, the other namespaces of
    /// it that its types use.</summary>
    public static Dictionary<string, HashSet<string>> NamespaceUses(Assembly assembly)
    {
        var uses = new Dictionary<string, HashSet<string>>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
            | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            if (type.Namespace is null) continue;
            string from = Unit(type.Namespace);
            var set = uses.TryGetValue(from, out var s) ? s : uses[from] = [];
            void Use(Type? t)
            {
                if (t is null) return;
                if (t.HasElementType) { Use(t.GetElementType()); return; }
                if (t.IsGenericType && !t.IsGenericTypeDefinition) foreach (var a in t.GetGenericArguments()) Use(a);
                if (t.IsGenericParameter || t.Assembly != assembly || t.Namespace is null
                    || Unit(t.Namespace) == from) return;
                set.Add(Unit(t.Namespace));
            }
            Use(type.BaseType);
            foreach (var i in type.GetInterfaces()) Use(i);
            foreach (var f in type.GetFields(all)) Use(f.FieldType);
            foreach (var p in type.GetProperties(all)) Use(p.PropertyType);
            foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (m is MethodInfo mi) Use(mi.ReturnType);
                foreach (var p in m.GetParameters()) Use(p.ParameterType);
                foreach (var member in BodyMembers(m)) Use(member as Type ?? member.DeclaringType);
            }
        }
        return uses;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The methods, fields and types a method's IL refers to (calls, field accesses,
    /// new objects, casts).</summary>
    private static IEnumerable<MemberInfo> BodyMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            int size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType
                or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                    // A token that does not resolve in this generic context: its signature was counted above.
                }
                if (member is not null) yield return member;
            }
            i += size;
        }
    }
}
