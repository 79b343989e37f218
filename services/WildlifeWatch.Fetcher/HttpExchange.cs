using System.Globalization;
using System.Text;

namespace WildlifeWatch.Fetcher;

/// <summary>
/// One HTTP request and its response as the fetcher sent and received them. <see cref="Body"/> is the payload as it
/// came off the wire (content-coding kept, transfer-coding removed); <see cref="Content"/> is that payload decoded.
/// </summary>
public sealed record HttpExchange(
    Uri Url,
    string Method,
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders,
    byte[] RequestBody,
    Version HttpVersion,
    int Status,
    string Reason,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    byte[] Body,
    byte[] Content,
    DateTimeOffset StartedAt,
    DateTimeOffset AnsweredAt)
{
    public string? Header(string name) =>
        HttpWire.Header(ResponseHeaders, name);

    public string? ContentType => Header("content-type");

    public bool IsRedirect => Status is 301 or 302 or 303 or 307 or 308 && Header("location") is not null;

    /// <summary>Request line and headers, CRLF-terminated, as in a WARC request record.</summary>
    public byte[] RequestHead()
    {
        var b = new StringBuilder();
        b.Append(Method).Append(' ').Append(Url.PathAndQuery).Append(" HTTP/").Append(Version(HttpVersion)).Append("\r\n");
        AppendHeaders(b, RequestHeaders);
        return Encoding.Latin1.GetBytes(b.ToString());
    }

    /// <summary>Status line and headers, CRLF-terminated, as in a WARC response record.</summary>
    public byte[] ResponseHead()
    {
        var b = new StringBuilder();
        b.Append("HTTP/").Append(Version(HttpVersion)).Append(' ').Append(Status.ToString(CultureInfo.InvariantCulture));
        b.Append(' ').Append(Reason).Append("\r\n");
        AppendHeaders(b, ResponseHeaders);
        return Encoding.Latin1.GetBytes(b.ToString());
    }

    private static string Version(Version v) => v.Major >= 2 ? v.Major.ToString(CultureInfo.InvariantCulture) : $"{v.Major}.{v.Minor}";

    private static void AppendHeaders(StringBuilder b, IEnumerable<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            b.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        b.Append("\r\n");
    }
}
