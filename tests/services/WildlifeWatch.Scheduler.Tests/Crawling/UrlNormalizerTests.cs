using WildlifeWatch.Scheduler.Crawling;

namespace WildlifeWatch.Scheduler.Tests.Crawling;

public sealed class UrlNormalizerTests
{
    private readonly UrlNormalizer _normalizer = new(["sessionid"], ["pk_"]);

    [TestCase("HTTP://Example.COM/a", "http://example.com/a")]
    [TestCase("http://example.com:80/a", "http://example.com/a")]
    [TestCase("https://example.com:443/a", "https://example.com/a")]
    [TestCase("http://example.com:8080/a", "http://example.com:8080/a")]
    [TestCase("http://example.com", "http://example.com/")]
    [TestCase("http://example.com/a#reviews", "http://example.com/a")]
    [TestCase("http://example.com/a/./b/../c", "http://example.com/a/c")]
    [TestCase("http://example.com/s?q=ivory&page=2", "http://example.com/s?page=2&q=ivory")]
    [TestCase("http://example.com/s?utm_source=x&q=horn&UTM_Medium=y&fbclid=z", "http://example.com/s?q=horn")]
    [TestCase("http://example.com/s?sessionid=42&q=horn", "http://example.com/s?q=horn")]
    [TestCase("http://example.com/s?utm_source=x", "http://example.com/s")]
    [TestCase("http://user:pw@example.com/a", "http://example.com/a")]
    [TestCase("http://example.com./a", "http://example.com/a")]
    [TestCase("http://example.com/s?gclid=1&msclkid=2&_ga=3&q=%E8%B1%A1%E7%89%99", "http://example.com/s?q=%E8%B1%A1%E7%89%99")]
    [TestCase("http://example.com/s?pk_campaign=x&PK_KWD=y&page=1", "http://example.com/s?page=1")]
    [TestCase("http://example.com/s?b=2&a=1&a=0", "http://example.com/s?a=0&a=1&b=2")]
    [TestCase("https://EXAMPLE.com:443/item/7?utm_campaign=x#photos", "https://example.com/item/7")]
    public void Normalizes_spellings_of_one_page_to_one_key(string input, string expected) =>
        Assert.That(_normalizer.Key(input), Is.EqualTo(expected));

    [TestCase("mailto:seller@example.com")]
    [TestCase("javascript:void(0)")]
    [TestCase("ftp://example.com/file")]
    [TestCase("")]
    [TestCase("   ")]
    public void Refuses_what_is_not_a_crawlable_http_url(string input) =>
        Assert.That(_normalizer.Normalize(input, new Uri("http://example.com/")), Is.Null);

    [Test]
    public void Resolves_relative_links_against_the_page()
    {
        var page = new Uri("http://example.com/c/ivory?page=2");

        Assert.That(_normalizer.Key("../item/7#top", page), Is.EqualTo("http://example.com/item/7"));
        Assert.That(_normalizer.Key("?page=3", page), Is.EqualTo("http://example.com/c/ivory?page=3"));
        Assert.That(_normalizer.Key("//other.example.org/x", page), Is.EqualTo("http://other.example.org/x"));
    }
}
