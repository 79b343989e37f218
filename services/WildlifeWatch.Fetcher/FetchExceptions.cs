namespace WildlifeWatch.Fetcher;

/// <summary>A page could not be captured; the message is the reason recorded with the frontier entry.</summary>
public abstract class FetchException : Exception
{
    protected FetchException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status of a 4xx/5xx answer that ended the fetch; the scheduler reads 404/410 as a removed page.</summary>
    public int? Status { get; init; }
}

/// <summary>A failure that may go away on its own: a timeout, a reset connection, HTTP 429/502/503/504.</summary>
public sealed class TransientFetchException : FetchException
{
    public TransientFetchException(string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException) => RetryAfter = retryAfter;

    /// <summary>How long the server asked us to wait (Retry-After), when it did.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>A failure that retrying will not fix: DNS failure, HTTP 4xx, a malformed or unsupported URL.</summary>
public class PermanentFetchException : FetchException
{
    public PermanentFetchException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The URL serves something other than an HTML page (a PDF, an image, ...): recorded and skipped.</summary>
public sealed class NonHtmlContentException : PermanentFetchException
{
    public NonHtmlContentException(string? contentType, int httpStatus)
        : base($"non-HTML content ({(string.IsNullOrEmpty(contentType) ? "unknown type" : contentType)}, HTTP {httpStatus})")
    {
        ContentType = contentType;
        HttpStatus = httpStatus;
    }

    public string? ContentType { get; }

    public int HttpStatus { get; }
}

/// <summary>Every attempt at a page failed transiently.</summary>
public sealed class FetchAttemptsExhaustedException : FetchException
{
    public FetchAttemptsExhaustedException(int attempts, TransientFetchException last)
        : base($"gave up after {attempts} attempt(s): {last.Message}", last)
    {
        Attempts = attempts;
        Status = last.Status;
    }

    public int Attempts { get; }
}
