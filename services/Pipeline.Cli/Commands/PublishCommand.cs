using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Cli.Commands;

/// <summary>
/// <c>pipeline publish V</c>: makes a registered model live (or, with --shadow, the challenger; --retire-shadow withdraws
/// it). The publication is recorded in the store's audit log, which classifiers read at start, and announced as
/// <see cref="ModelPublished"/> on the broker, so running classifiers swap the model without a restart.
/// </summary>
internal static class PublishCommand
{
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal)
    {
        "version", "shadow", "retire-shadow", "db", "models", "rabbitmq",
    };

    /// <summary>Lets <c>pipeline publish V</c> name the version without an option.</summary>
    public static string[] WithVersionOption(string[] args) =>
        args.Length > 1 && args[0] == "publish" && !args[1].StartsWith("--", StringComparison.Ordinal) ? ["publish", "--version", .. args[1..]] : args;

    public static async Task<int> ExecuteAsync(CommandLine line, CancellationToken ct)
    {
        var version = line.String("version") ?? throw new UsageException("publish needs the model version: pipeline publish V (see pipeline train).");
        if (line.Flag("shadow") && line.Flag("retire-shadow"))
        {
            throw new UsageException("--shadow and --retire-shadow exclude each other.");
        }

        var role = line.Flag("shadow") ? ModelRoles.Shadow : line.Flag("retire-shadow") ? ModelRoles.ShadowRetired : ModelRoles.Live;
        await using var access = await StoreAccess.OpenAsync(line, ct);
        ModelPublished message;
        try
        {
            message = await ModelAccess.Registry(access, line).PublishAsync(version, role, StoreAccess.Actor, ct);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(e.Message);
        }

        Console.WriteLine($"Model {version} is now {(role == ModelRoles.ShadowRetired ? "withdrawn from shadow" : role)} in {access.Description} (audited).");
        var broker = line.String("rabbitmq") ?? Environment.GetEnvironmentVariable("RABBITMQ_URI") ?? ModelAccess.Configuration["Bus:RabbitMqUri"];
        if (string.IsNullOrWhiteSpace(broker))
        {
            Console.WriteLine("No broker configured (RABBITMQ_URI): classifiers started from now on load it; running ones keep their model.");
            return ExitCodes.Ok;
        }

        var services = new ServiceCollection();
        services.AddMassTransit(x =>
        {
            // As in the services: no usage reports to the vendor, only our own broker.
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            x.UsingRabbitMq((_, cfg) => cfg.Host(new Uri(broker), h => h.PublisherConfirmation = true));
        });
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync(ct);
        try
        {
            await bus.Publish(message, ct);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }

        Console.WriteLine("Announced on the broker: running classifiers swap it in now.");
        return ExitCodes.Ok;
    }
}
