using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;

namespace TransformerCourse.Notebooks.Scripting;

/// <summary>
/// Turns a value into MIME-typed text. <c>text/plain</c> follows the kernel's plain-text formatter: <c>&lt;null&gt;</c>
/// for null, strings as they are, a type's own <c>ToString()</c> when it overrides it, collections as
/// <c>[ 1, 2, 3 ]</c>, other objects as <c>Type { Name: value, … }</c>. <c>text/html</c> wraps the plain text
/// in <c>&lt;pre&gt;</c> unless the value is already a string.
/// </summary>
public static class Formatter
{
    private const int MaxItems = 20;

    /// <summary>Formats <paramref name="value"/> for each requested MIME type (default: <c>text/plain</c>).</summary>
    public static IReadOnlyList<(string MimeType, string Value)> Format(object? value, IReadOnlyList<string>? mimeTypes)
    {
        var types = mimeTypes is { Count: > 0 } ? mimeTypes : ["text/plain"];
        return types.Select(m => (m, m switch
        {
            "text/plain" => Plain(value),
            "text/html" when value is string s => s,
            "text/html" => $"<pre>{WebUtility.HtmlEncode(Plain(value))}</pre>",
            _ => value as string ?? Plain(value),
        })).ToList();
    }

    /// <summary>The <c>text/plain</c> form of a value.</summary>
    public static string Plain(object? value) => Plain(value, 0);

    private static string Plain(object? value, int depth)
    {
        switch (value)
        {
            case null: return "<null>";
            case string s: return s;
            case IFormattable f when value.GetType().IsPrimitive || value is decimal: return f.ToString(null, CultureInfo.InvariantCulture);
        }
        var type = value.GetType();
        if (OverridesToString(type)) return value.ToString() ?? "";
        if (value is IEnumerable items)
        {
            if (depth > 2) return type.Name;
            var shown = items.Cast<object?>().Take(MaxItems + 1).Select(i => Plain(i, depth + 1)).ToList();
            var more = shown.Count > MaxItems ? ", …" : "";
            return $"[ {string.Join(", ", shown.Take(MaxItems))}{more} ]";
        }
        if (depth > 2) return type.Name;
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0);
        var fields = props.Select(p => $"{p.Name}: {Plain(Safe(() => p.GetValue(value)), depth + 1)}");
        return $"{TypeName(type)} {{ {string.Join(", ", fields)} }}";
    }

    private static bool OverridesToString(Type type)
    {
        if (type.IsArray || type.IsPrimitive) return false;
        var method = type.GetMethod(nameof(ToString), Type.EmptyTypes);
        if (method is null || method.DeclaringType == typeof(object) || method.DeclaringType == typeof(ValueType)) return false;
        // Collections in the BCL override nothing useful; compiler-made anonymous types and tuples do.
        return !(method.DeclaringType?.Namespace?.StartsWith("System.Collections", StringComparison.Ordinal) ?? false);
    }

    private static object? Safe(Func<object?> get)
    {
        try { return get(); }
        catch (Exception e) { return $"<{e.GetType().Name}>"; }
    }

    private static string TypeName(Type type) =>
        type.Name.Contains("AnonymousType", StringComparison.Ordinal) ? "" : type.IsGenericType ? type.Name[..type.Name.IndexOf('`')] : type.Name;
}
