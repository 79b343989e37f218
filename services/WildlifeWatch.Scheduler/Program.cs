using Microsoft.Extensions.Hosting;
using WildlifeWatch.Hosting;
using WildlifeWatch.Scheduler;

// Reads seeds, owns the crawl frontier, and asks the fetchers for pages.
var builder = PipelineHost.CreateBuilder(args, new SchedulerModule());
await builder.Build().RunAsync();
