using WildlifeWatch.Portal.Rendering;

namespace WildlifeWatch.Portal.Tests.Rendering;

public sealed class HtmlTests
{
    [Test]
    public void Interpolated_text_is_encoded_and_literal_markup_is_kept()
    {
        var captured = "<script>alert(1)</script>";
        var attribute = "\" onmouseover=\"x";

        var html = Html.Of($"<p title=\"{attribute}\">{captured}</p>").ToString();

        Assert.That(html, Does.StartWith("<p title=\"&quot; onmouseover=&quot;x\">"));
        Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.EndWith("</p>"));
    }

    [Test]
    public void Fragments_and_lists_of_fragments_are_inserted_as_markup_once()
    {
        var items = new List<Html> { Html.Of($"<li>{"a&b"}</li>"), Html.Of($"<li>{"<c>"}</li>") };

        var html = Html.Of($"<ul>{items}</ul>{Html.Text("<d>")}").ToString();

        Assert.That(html, Is.EqualTo("<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>&lt;d&gt;"));
    }

    [Test]
    public void Numbers_are_written_in_the_invariant_culture()
    {
        var before = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.That(Html.Of($"{0.5}|{1234.5m:0.0}").ToString(), Is.EqualTo("0.5|1234.5"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = before;
        }
    }
}
