namespace TransformerCourse.Data;

/// <summary>
/// One way of writing a date for people, e.g. "monday 21 march 1994" or "21/3/94". Every numeric format in the
/// dates set is day-first (day, then month, then year), so no input is ambiguous; two-digit years yy stand for
/// 1950–2049 (50–99 → 19yy, 00–49 → 20yy), the range the data set draws from.
/// </summary>
/// <param name="Name">A short description of the pattern, e.g. "d/m/yy (day first)".</param>
/// <param name="Render">Writes a date in this format.</param>
public sealed record DateFormat(string Name, Func<DateOnly, string> Render)
{
    /// <summary>English month names, January first.</summary>
    public static readonly IReadOnlyList<string> Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
            "December"];

    /// <summary>English weekday names, Sunday first (the order of <see cref="DayOfWeek"/>).</summary>
    public static readonly IReadOnlyList<string> Weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
        "Friday", "Saturday"];

    /// <summary>
    /// The 14 formats of the dates set, with the rendering of 21 March 1994 (a Monday):
    /// "monday 21 march 1994", "21/3/94", "March 21, 1994", "21 mar 1994", "21.03.1994", "monday, march 21 1994",
    /// "21 March 1994", "Mar 21 1994", "21/03/1994", "MONDAY 21 MARCH 1994", "Mon 21 Mar 1994", "21st March 1994",
    /// "March 21st, 1994", "21-Mar-1994". The longest possible input is 28 characters ("wednesday, september 30 2048").
    /// </summary>
    public static readonly IReadOnlyList<DateFormat> All =
    [
        new("weekday d month yyyy (lower case)", d => $"{Weekday(d)} {d.Day} {Month(d)} {d.Year}".ToLowerInvariant()),
        new("d/m/yy (day first)", d => $"{d.Day}/{d.Month}/{d.Year % 100:D2}"),
        new("Month d, yyyy", d => $"{Month(d)} {d.Day}, {d.Year}"),
        new("d mon yyyy (lower case)", d => $"{d.Day} {Mon(d)} {d.Year}".ToLowerInvariant()),
        new("dd.mm.yyyy", d => $"{d.Day:D2}.{d.Month:D2}.{d.Year}"),
        new("weekday, month d yyyy (lower case)", d => $"{Weekday(d)}, {Month(d)} {d.Day} {d.Year}".ToLowerInvariant()),
        new("d Month yyyy", d => $"{d.Day} {Month(d)} {d.Year}"),
        new("Mon d yyyy", d => $"{Mon(d)} {d.Day} {d.Year}"),
        new("dd/mm/yyyy (day first)", d => $"{d.Day:D2}/{d.Month:D2}/{d.Year}"),
        new("WEEKDAY D MONTH YYYY (upper case)", d => $"{Weekday(d)} {d.Day} {Month(d)} {d.Year}".ToUpperInvariant()),
        new("Wkd d Mon yyyy", d => $"{Weekday(d)[..3]} {d.Day} {Mon(d)} {d.Year}"),
        new("dth Month yyyy (ordinal day)", d => $"{Ordinal(d.Day)} {Month(d)} {d.Year}"),
        new("Month dth, yyyy (ordinal day)", d => $"{Month(d)} {Ordinal(d.Day)}, {d.Year}"),
        new("d-Mon-yyyy", d => $"{d.Day}-{Mon(d)}-{d.Year}"),
    ];

    /// <summary>The ISO 8601 form every date is paired with: "yyyy-MM-dd", e.g. "1994-03-21".</summary>
    public static string Iso(DateOnly date) => $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}";

    /// <summary>The English ordinal of a day: 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd,
    /// 23rd … 31st.</summary>
    public static string Ordinal(int day) => day + ((day % 100) is 11 or 12 or 13 ? "th" : (day % 10) switch
    {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    });

    private static string Month(DateOnly d) => Months[d.Month - 1];

    private static string Mon(DateOnly d) => Months[d.Month - 1][..3];

    private static string Weekday(DateOnly d) => Weekdays[(int)d.DayOfWeek];

    /// <inheritdoc/>
    public override string ToString() => Name;
}
