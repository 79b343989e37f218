namespace WildlifeWatch.Scheduler.Tests.Fixtures;

/// <summary>Tests that talk to a fresh <see cref="LoopbackSite"/> each, through a plain <see cref="HttpClient"/>.</summary>
public abstract class LoopbackSiteTests
{
    protected LoopbackSite Site { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    [SetUp]
    public async Task StartSite()
    {
        Site = await LoopbackSite.StartAsync();
        Http = new HttpClient();
    }

    [TearDown]
    public async Task StopSite()
    {
        Http.Dispose();
        await Site.DisposeAsync();
    }
}
