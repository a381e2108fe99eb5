using System.Net;
using System.Text.RegularExpressions;

namespace SessionGrains.AspireTests;

/// <summary>What the demo page says: the session's counter and the front end that served it.</summary>
internal sealed partial record DemoPageReading(int Count, string FrontEnd)
{
    public static DemoPageReading Parse(string html)
    {
        var count = CountElement().Match(html);
        var frontEnd = FrontEndElement().Match(html);
        Assert.True(count.Success && frontEnd.Success, $"not the demo page: {html[..Math.Min(html.Length, 400)]}");
        return new(int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), WebUtility.HtmlDecode(frontEnd.Groups[1].Value));
    }

    [GeneratedRegex("""<dd id="count">(\d+)</dd>""")]
    private static partial Regex CountElement();

    [GeneratedRegex("""<dd id="front-end">([^<]*)</dd>""")]
    private static partial Regex FrontEndElement();
}
