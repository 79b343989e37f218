using Microsoft.Extensions.Hosting;

namespace WildlifeWatch.Scheduler.Tests.Fixtures;

/// <summary>Answers every request with 404: no robots.txt (everything allowed), no sitemaps.</summary>
public sealed class NotFoundHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound));
}

/// <summary>A host lifetime for background services called directly by a test.</summary>
public sealed class StartedLifetime : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => CancellationToken.None;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication()
    {
    }
}
