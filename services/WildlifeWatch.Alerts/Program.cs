using Microsoft.Extensions.Hosting;
using WildlifeWatch.Alerts;
using WildlifeWatch.Hosting;

// Raises an alert for every listing scored over the threshold.
var builder = PipelineHost.CreateBuilder(args, new AlertsModule());
await builder.Build().RunAsync();
