using Microsoft.Extensions.Hosting;
using WildlifeWatch.Fetcher;
using WildlifeWatch.Hosting;

var builder = PipelineHost.CreateBuilder(args, new FetcherModule());
await builder.Build().RunAsync();
