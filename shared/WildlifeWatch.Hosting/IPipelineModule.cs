using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WildlifeWatch.Hosting;

/// <summary>
/// One pipeline stage as the host sees it: its services and its consumers. A stage's own process hosts
/// one module; <c>pipeline run</c> hosts all five in one process on the in-memory bus.
/// </summary>
public interface IPipelineModule
{
    string Name { get; }

    void ConfigureServices(IServiceCollection services, IConfiguration configuration);

    void ConfigureConsumers(IBusRegistrationConfigurator bus);
}
