using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WildlifeWatch.Hosting.Tests;

/// <summary>A pipeline module with no services and no consumers: the shared hosting alone, under a name.</summary>
internal sealed class EmptyModule(string name) : IPipelineModule
{
    public string Name => name;

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void ConfigureConsumers(IBusRegistrationConfigurator bus)
    {
    }
}

internal static class Loopback
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
