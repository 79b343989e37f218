using System.Net.Http.Headers;

namespace WildlifeWatch.Extractor;

/// <summary>Where listing images come from: the bytes of one image, or null when it cannot be had within the limits.</summary>
public interface IImageSource
{
    Task<byte[]?> GetAsync(Uri url, long maxBytes, CancellationToken ct);
}

/// <summary>
/// Fetches images over HTTP(S) with a byte limit enforced while reading (a lying or missing Content-Length does not
/// get past it) and the client's timeout. Failures are answers, not exceptions: a listing is kept without that image.
/// </summary>
public sealed class HttpImageSource(HttpClient http) : IImageSource
{
    public async Task<byte[]?> GetAsync(Uri url, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme is not ("http" or "https"))
        {
            return null;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > maxBytes)
            {
                return null;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // The client's timeout, not our caller's cancellation.
            return null;
        }
    }
}
