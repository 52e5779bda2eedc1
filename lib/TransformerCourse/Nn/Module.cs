using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;

namespace TransformerCourse.Nn;

/// <summary>A named parameter of a module: its dotted name (as in PyTorch's <c>state_dict</c>), its tensor, and its
/// PyTorch shape.</summary>
/// <param name="Name">E.g. <c>encoder.layers.0.self_attn.in_proj_weight</c>.</param>
/// <param name="Value">The tensor (a bias of length d is stored as a 1×d row).</param>
/// <param name="Shape">The shape PyTorch gives it: [d] for a bias, [out, in] for a weight.</param>
public sealed record NamedParameter(string Name, Tensor Value, int[] Shape);

/// <summary>
/// A building block with parameters and sub-modules, like PyTorch's <c>nn.Module</c>: it knows its named parameters
/// (names joined with dots), and is in training or evaluation mode (dropout acts only in training).
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value, int[] Shape)> _parameters = new();
    private readonly List<(string Name, Module Module)> _children = new();

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers a trainable tensor under <paramref name="name"/>; its PyTorch shape is its matrix shape
    /// unless given.</summary>
    protected Tensor RegisterParameter(string name, Tensor value, params int[] torchShape)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.RequiresGrad)
            throw new ArgumentException($"{GetType().Name}: parameter '{name}' must require a gradient (use " +
                $"Tensor.Parameter).");
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered.");
        var shape = torchShape.Length > 0 ? torchShape : [value.Rows, value.Cols];
        if (shape.Aggregate(1, (a, b) => a * b) != value.Rows * value.Cols)
            throw new ArgumentException($"{GetType().Name}: parameter '{name}' is {value.Shape} but its PyTorch " +
                $"shape [{string.Join(", ", shape)}] has a different size.");
        value.Name ??= name;
        _parameters.Add((name, value, shape));
        return value;
    }

    /// <summary>Registers a sub-module under <paramref name="name"/> (its parameters get the prefix
    /// <c>name.</c>).</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered.");
        _children.Add((name, module));
        return module;
    }

    /// <summary>Every parameter with its dotted name and PyTorch shape, in registration order (depth first).</summary>
    public IEnumerable<NamedParameter> NamedParameters(string prefix = "")
    {
        foreach (var (name, value, shape) in _parameters) yield return new NamedParameter(prefix + name, value, shape);
        foreach (var (name, child) in _children)
        {
            foreach (var p in child.NamedParameters(prefix + name + ".")) yield return p;
        }
    }

    /// <summary>Every parameter tensor (for an optimiser).</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Value).ToList();

    /// <summary>The named sub-modules directly under this one.</summary>
    public IEnumerable<(string Name, Module Module)> Children() => _children;

    /// <summary>The total number of trainable numbers.</summary>
    public int ParameterCount => NamedParameters().Sum(p => p.Value.Rows * p.Value.Cols);

    /// <summary>Switches this module and all sub-modules to training mode (or evaluation mode if <paramref name="on"/>
    /// is false).</summary>
    public virtual Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in _children) child.Train(on);
        return this;
    }

    /// <summary>Switches to evaluation mode (dropout off).</summary>
    public Module Eval() => Train(false);

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in NamedParameters()) p.Value.ZeroGrad();
    }

    /// <summary>A copy of every parameter's values by dotted name (PyTorch's <c>state_dict()</c>).</summary>
    public Dictionary<string, Matrix<double>> StateDict() =>
        NamedParameters().ToDictionary(p => p.Name, p => p.Value.Data.Clone());

    /// <summary>
    /// Copies values into the parameters by name. With <paramref name="strict"/>, a missing or unexpected name
    /// is an error;
    /// a shape mismatch always is. Vectors may be given as 1×d or d×1. Everything is checked before anything is copied,
    /// so a failed load leaves the module as it was.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Matrix<double>> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var mine = NamedParameters().ToDictionary(p => p.Name);
        if (strict)
        {
            var missing = mine.Keys.Where(k => !state.ContainsKey(k)).ToList();
            var unexpected = state.Keys.Where(k => !mine.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException(
                    $"LoadStateDict: the state dict does not match {GetType().Name}: " +
                    NameMismatch.Describe(missing, unexpected, state.Keys, "the state dict"));
        }
        // Check every shape before copying anything, so that a failed load leaves the module as it was.
        var copies = new List<(Matrix<double> Value, Matrix<double> Target)>();
        foreach (var (name, value) in state)
        {
            if (!mine.TryGetValue(name, out var p)) continue;
            if (value is null) throw new ArgumentException($"LoadStateDict: '{name}' is null in the state dict.");
            var target = p.Value.Data;
            if (value.RowCount == target.RowCount && value.ColumnCount == target.ColumnCount)
                copies.Add((value, target));
            else if (value.RowCount == target.ColumnCount && value.ColumnCount == target.RowCount
                     && (target.RowCount == 1 || target.ColumnCount == 1))
                copies.Add((value.Transpose(), target));
            else
                throw new ArgumentException(
                    $"LoadStateDict: '{name}' is {value.RowCount}×{value.ColumnCount} in the state dict but " +
                    $"{target.RowCount}×{target.ColumnCount} in {GetType().Name}.");
        }
        foreach (var (value, target) in copies) value.CopyTo(target);
    }
}

/// <summary>Describes why a set of names (a state dict's, a file's) does not match a module's parameters.</summary>
internal static class NameMismatch
{
    /// <summary>How many names a message lists before saying how many more there are.</summary>
    private const int Listed = 6;

    /// <summary>
    /// "missing a, b, … (70 in all); unexpected c" — and, when one prefix explains the difference (the given names are
    /// the module's with <c>model.</c> in front, as in a training checkpoint, or the other way round), a sentence
    /// saying so instead of the lists.
    /// </summary>
    /// <param name="missing">The module's names that were not given.</param>
    /// <param name="unexpected">The given names the module does not have.</param>
    /// <param name="given">Every given name.</param>
    /// <param name="what">What was given, for the message ("the file", "the state dict").</param>
    public static string Describe(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IEnumerable<string> given, string what)
    {
        if (missing.Count > 0 && CommonPrefix(missing, given.ToList()) is string extra)
        {
            string hint = extra == "model."
                ? " — it looks like a training checkpoint (parameters under 'model.', the optimiser's state under " +
                  "'optimizer.'); load it with SafeTensors.LoadCheckpoint or Checkpoint.Load, " +
                  "or pass prefix: \"model.\" to SafeTensors.LoadInto"
                : $" — pass prefix: \"{extra}\" to SafeTensors.LoadInto, or remove it from the names";
            return $"all {missing.Count} of its parameter names appear in {what} with '{extra}' in front{hint}.";
        }
        string lists = (missing.Count > 0 ? $"missing {List(missing)}" : "") +
                       (missing.Count > 0 && unexpected.Count > 0 ? "; " : "") +
                       (unexpected.Count > 0 ? $"unexpected {List(unexpected)}" : "");
        if (unexpected.Count > 0 && missing.Count > 0
            && CommonPrefix(unexpected, missing) is string ours)
            return $"{lists} — the unexpected names are the module's '{ours}…' names with '{ours}' removed " +
                   "(the weights of that sub-module? load them into it).";
        return lists + ".";
    }

    /// <summary>"a, b, c" or, for many, "a, b, …, f and 64 more (70 in all)".</summary>
    public static string List(IReadOnlyList<string> names) =>
        names.Count <= Listed ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(Listed))} and {names.Count - Listed} more ({names.Count} in all)";

    /// <summary>
    /// A non-empty prefix p such that p + name is in <paramref name="ordered"/> for every name, if there is one (the
    /// first in that order, so that the message does not depend on hashing).
    /// </summary>
    private static string? CommonPrefix(IReadOnlyList<string> names, IReadOnlyList<string> ordered)
    {
        var pool = ordered.ToHashSet(StringComparer.Ordinal);
        string first = names[0];
        foreach (var candidate in ordered)
        {
            if (candidate.Length <= first.Length || !candidate.EndsWith(first, StringComparison.Ordinal)) continue;
            string prefix = candidate[..^first.Length];
            if (names.All(n => pool.Contains(prefix + n))) return prefix;
        }
        return null;
    }
}

/// <summary>A module that maps one tensor to another (so it can go in a <see cref="Sequential"/>).</summary>
public interface ILayer
{
    /// <summary>Applies the module.</summary>
    Tensor Forward(Tensor x);
}
