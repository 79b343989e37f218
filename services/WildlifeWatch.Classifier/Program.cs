using Microsoft.Extensions.Hosting;
using WildlifeWatch.Classifier;
using WildlifeWatch.Hosting;

var builder = PipelineHost.CreateBuilder(args, new ClassifierModule());
await builder.Build().RunAsync();
