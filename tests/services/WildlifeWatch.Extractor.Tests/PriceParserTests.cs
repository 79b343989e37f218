namespace WildlifeWatch.Extractor.Tests;

public sealed class PriceParserTests
{
    [TestCase("1,250.00", 1250.00, null)]
    [TestCase("1.250,00", 1250.00, null)]
    [TestCase("¥1200", 1200, "JPY")]
    [TestCase("1 250 €", 1250, "EUR")]
    [TestCase("1\u00A0250,50\u00A0€", 1250.50, "EUR")]
    [TestCase("12.000.000 ₫", 12000000, "VND")]
    [TestCase("12.000.000đ", 12000000, "VND")]
    [TestCase("$1,250.00", 1250.00, "USD")]
    [TestCase("US$ 99.99", 99.99, "USD")]
    [TestCase("R$ 1.500,00", 1500.00, "BRL")]
    [TestCase("£45", 45, "GBP")]
    [TestCase("€ 0.50", 0.50, "EUR")]
    [TestCase("Price: 350 USD", 350, "USD")]
    [TestCase("EUR 1.234.567,89", 1234567.89, "EUR")]
    [TestCase("1'250.00 CHF", 1250.00, "CHF")]
    [TestCase("RMB 800", 800, "CNY")]
    [TestCase("12,5 €", 12.5, "EUR")]
    [TestCase("0.500", 0.5, null)]
    public void Written_prices_are_read_invariantly(string text, decimal amount, string? currency)
    {
        var price = PriceParser.Find(text);

        Assert.That(price, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(price!.Value.Amount, Is.EqualTo(amount));
            Assert.That(price.Value.Currency, Is.EqualTo(currency));
        });
    }

    [TestCase("$", "https://shop.example.com/x", "USD")]
    [TestCase("$", "https://shop.example.com.au/x", "AUD")]
    [TestCase("¥", "https://shop.example.cn/x", "CNY")]
    [TestCase("¥", "https://shop.example.jp/x", "JPY")]
    [TestCase("usd", "https://shop.example/x", "USD")]
    [TestCase("XYZ", "https://shop.example/x", null)]
    [TestCase("", "https://shop.example/x", null)]
    public void Currency_symbols_map_to_iso_codes_where_the_page_does_not_contradict(string token, string page, string? code) =>
        Assert.That(PriceParser.NormalizeCurrency(token, new Uri(page)), Is.EqualTo(code));

    [Test]
    public void Structured_prices_use_a_dot_as_the_decimal_mark() =>
        Assert.That(PriceParser.ParseStructured("1.250")!.Value.Amount, Is.EqualTo(1.25m));

    [Test]
    public void Parsing_does_not_depend_on_the_current_culture()
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.That(PriceParser.Find("$1,250.00")!.Value.Amount, Is.EqualTo(1250.00m));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }

    [TestCase("")]
    [TestCase("no price here")]
    public void Text_without_a_number_has_no_price(string text) => Assert.That(PriceParser.Find(text), Is.Null);
}
