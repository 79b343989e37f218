using System.Text;

namespace WildlifeWatch.Fetcher.Tests;

[TestFixture]
public sealed class HttpWireTests
{
    private static HttpWireReader Reader(string wire) => new(new MemoryStream(Encoding.Latin1.GetBytes(wire)));

    [Test]
    public async Task A_request_head_is_split_into_method_target_version_and_headers()
    {
        var head = await Reader("\r\nGET http://shop.example/a?b=1 HTTP/1.1\r\nHost: shop.example\r\nAccept:  */* \r\n\r\n").ReadHeadAsync(default);

        var (method, target, version, headers) = HttpWire.ParseRequest(head!);

        Assert.Multiple(() =>
        {
            Assert.That((method, target, version), Is.EqualTo(("GET", "http://shop.example/a?b=1", "HTTP/1.1")));
            Assert.That(headers, Is.EqualTo(new[] { KeyValuePair.Create("Host", "shop.example"), KeyValuePair.Create("Accept", "*/*") }));
        });
    }

    [Test]
    public async Task A_closed_connection_between_requests_is_the_end_not_an_error() =>
        Assert.That(await Reader(string.Empty).ReadHeadAsync(default), Is.Null);

    [Test]
    public void A_connection_closed_inside_a_head_is_an_error() =>
        Assert.ThrowsAsync<ProxyProtocolException>(() => Reader("GET http://shop.example/ HTTP/1.1\r\nHost: sh").ReadHeadAsync(default));

    [Test]
    public void A_line_longer_than_the_buffer_is_refused() =>
        Assert.ThrowsAsync<ProxyProtocolException>(() => Reader($"GET http://shop.example/{new string('a', 20_000)} HTTP/1.1\r\n\r\n").ReadHeadAsync(default));

    [Test]
    public void A_head_longer_than_its_bound_is_refused()
    {
        var headers = string.Concat(Enumerable.Range(0, 100).Select(i => $"X-Filler-{i}: {new string('b', 1000)}\r\n"));

        Assert.ThrowsAsync<ProxyProtocolException>(() => Reader($"GET http://shop.example/ HTTP/1.1\r\n{headers}\r\n").ReadHeadAsync(default));
    }

    [Test]
    public async Task Bodies_by_length_and_by_chunks_are_read_and_the_next_request_follows()
    {
        var reader = Reader(
            "POST http://a/ HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" +
            "POST http://a/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n1\r\nf\r\n0\r\nX-Trailer: 1\r\n\r\n" +
            "GET http://a/next HTTP/1.1\r\n\r\n");

        var bodies = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var (_, _, _, headers) = HttpWire.ParseRequest((await reader.ReadHeadAsync(default))!);
            bodies.Add(Encoding.Latin1.GetString(await reader.ReadBodyAsync(headers, 100, default)));
        }

        var last = HttpWire.ParseRequest((await reader.ReadHeadAsync(default))!);

        Assert.Multiple(() =>
        {
            Assert.That(bodies, Is.EqualTo(new[] { "abc", "def" }));
            Assert.That(last.Target, Is.EqualTo("http://a/next"));
        });
    }

    [TestCase("Content-Length: 101\r\n\r\n", TestName = "A_declared_body_over_the_bound_is_refused")]
    [TestCase("Transfer-Encoding: chunked\r\n\r\n65\r\n", TestName = "A_chunk_over_the_bound_is_refused")]
    [TestCase("Transfer-Encoding: gzip\r\n\r\n", TestName = "An_unknown_transfer_coding_is_refused")]
    [TestCase("Content-Length: -1\r\n\r\n", TestName = "A_negative_content_length_is_refused")]
    [TestCase("Transfer-Encoding: chunked\r\n\r\nzz\r\n", TestName = "A_chunk_size_that_is_not_hex_is_refused")]
    public async Task Bad_or_oversized_bodies_are_refused(string rest)
    {
        var reader = Reader("POST http://a/ HTTP/1.1\r\n" + rest);
        var (_, _, _, headers) = HttpWire.ParseRequest((await reader.ReadHeadAsync(default))!);

        Assert.ThrowsAsync<ProxyProtocolException>(() => reader.ReadBodyAsync(headers, 100, default));
    }

    [Test]
    public void A_response_carries_its_length_and_body()
    {
        var wire = Encoding.Latin1.GetString(HttpWire.Response(200, "OK", [KeyValuePair.Create("Content-Type", "text/html")], "hi"u8, headRequest: false, close: false));

        Assert.That(wire, Is.EqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi"));
    }

    [TestCase(204, false)]
    [TestCase(304, false)]
    [TestCase(200, true)]
    public void No_body_is_sent_where_http_allows_none(int status, bool headRequest)
    {
        var wire = Encoding.Latin1.GetString(HttpWire.Response(status, "X", [], "body"u8, headRequest, close: true));

        Assert.Multiple(() =>
        {
            Assert.That(wire, Does.EndWith("Connection: close\r\n\r\n"));
            Assert.That(wire.Contains("Content-Length", StringComparison.Ordinal), Is.EqualTo(status == 200), "a HEAD answer still says the length");
        });
    }

    [Test]
    public void A_header_value_cannot_split_the_response()
    {
        var wire = Encoding.Latin1.GetString(HttpWire.Response(200, "OK", [KeyValuePair.Create("X-Evil", "a\r\nSet-Cookie: stolen=1")], [], headRequest: false, close: false));

        Assert.That(wire.Split("\r\n"), Has.None.StartsWith("Set-Cookie"));
    }
}
