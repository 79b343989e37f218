using Microsoft.Extensions.Hosting;
using WildlifeWatch.Extractor;
using WildlifeWatch.Hosting;

var builder = PipelineHost.CreateBuilder(args, new ExtractorModule());
await builder.Build().RunAsync();
