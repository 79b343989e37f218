using System.Net.Sockets;
using Testcontainers.RabbitMq;

namespace WildlifeWatch.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The RabbitMQ broker a distributed test runs on: RABBITMQ_URI when set (CI starts Debian's
/// rabbitmq-server), else a Testcontainers broker when a Docker engine answers, else a failure that
/// says what to start. A missing broker never turns into a passing or skipped test.
/// </summary>
internal sealed class Broker : IAsyncDisposable
{
    private readonly RabbitMqContainer? _container;

    private Broker(string uri, RabbitMqContainer? container)
    {
        Uri = uri;
        _container = container;
    }

    public string Uri { get; }

    public static async Task<Broker> AcquireAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("RABBITMQ_URI");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            await EnsureReachableAsync(fromEnvironment);
            return new Broker(fromEnvironment, null);
        }

        if (!DockerAnswers())
        {
            Assert.Fail(
                "No RabbitMQ broker: set RABBITMQ_URI (for example amqp://guest:guest@127.0.0.1:5672/ after " +
                "'apt-get install rabbitmq-server' and starting it; .ci/run does both) or start a Docker engine for Testcontainers.");
        }

        var container = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
        await container.StartAsync();
        return new Broker(container.GetConnectionString(), container);
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private static async Task EnsureReachableAsync(string uri)
    {
        var parsed = new Uri(uri);
        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(parsed.Host, parsed.Port > 0 ? parsed.Port : 5672, cts.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Assert.Fail($"RABBITMQ_URI is {parsed.Host}:{parsed.Port} but nothing answers there ({e.Message}); start rabbitmq-server.");
        }
    }

    private static bool DockerAnswers()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socket = host is { Length: > 0 } && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : "/var/run/docker.sock";
        if (!File.Exists(socket))
        {
            return host is { Length: > 0 } && !host.StartsWith("unix://", StringComparison.Ordinal);
        }

        try
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            probe.Connect(new UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
