using WildlifeWatch.Cli.Commands;
using WildlifeWatch.Store;

namespace Pipeline.Cli.Tests;

public sealed class RemovalsCommandTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void The_report_gives_each_listing_and_the_time_to_removal_per_platform()
    {
        var watched = new[]
        {
            new WatchedListing("https://a.example/item/1", "a.example", "s", "c1", T0, T0.AddDays(1), T0.AddDays(2), "HTTP 404") { AlertedAt = T0.AddMinutes(3) },
            new WatchedListing("https://a.example/item/2", "a.example", "s", "c1", T0, T0.AddDays(1), T0.AddDays(6), "page says \"item removed\""),
            new WatchedListing("https://a.example/item/3", "a.example", "s", "c1", T0, T0.AddDays(9)),
            new WatchedListing("https://b.example/p/9", "b.example", "s", "c1", T0, T0.AddHours(1), T0.AddHours(5), "HTTP 410"),
        };
        using var output = new StringWriter();

        RemovalsCommand.Print(watched, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Single(l => l.EndsWith("(HTTP 404)", StringComparison.Ordinal)),
            Does.Contain("2025-06-01 08:00").And.Contain("2025-06-01 08:03").And.Contain("2025-06-03 08:00").And.Contain("2.0 d"));
        Assert.That(lines.Last(l => l.StartsWith("a.example", StringComparison.Ordinal)), Does.Match(@"^a\.example\s+3\s+2\s+6\.0 d\s+6\.0 d\s+1$"));
        Assert.That(lines.Last(l => l.StartsWith("b.example", StringComparison.Ordinal)), Does.Match(@"^b\.example\s+1\s+1\s+5\.0 h\s+5\.0 h\s+0$"));
    }

    [Test]
    public void An_empty_watch_says_so()
    {
        using var output = new StringWriter();

        RemovalsCommand.Print([], output);

        Assert.That(output.ToString().Trim(), Is.EqualTo("No watched listings."));
    }
}
