using WildlifeWatch.Portal;

// The investigators' portal as its own service: pages, the screening API, on the shared pipeline hosting.
var builder = PortalApp.CreateBuilder(args);
var app = PortalApp.Build(builder);
await app.RunAsync();
