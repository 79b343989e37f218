using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using WildlifeWatch.Portal;
using WildlifeWatch.Portal.Security;

namespace WildlifeWatch.Cli.Commands;

/// <summary><c>pipeline run --serve</c>: the portal in this process over the run's store, until Ctrl+C.</summary>
internal static class PortalServer
{
    public const string AdminPasswordVariable = "Portal__AdminPassword";

    public static async Task<int> ServeAsync(IReadOnlyDictionary<string, string?> runOverrides, string sqlitePath, TextWriter output, CancellationToken ct)
    {
        var overrides = new Dictionary<string, string?>(runOverrides, StringComparer.Ordinal)
        {
            ["Store:SqlitePath"] = sqlitePath,
            // The pipeline's host already serves health and metrics when asked to; two listeners cannot share its port.
            ["Health:Port"] = "0",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        var password = Environment.GetEnvironmentVariable(AdminPasswordVariable);
        var generated = string.IsNullOrWhiteSpace(password);
        if (generated)
        {
            password = PortalPasswords.Generate();
            overrides["Portal:AdminPassword"] = password;
        }

        WebApplication app;
        try
        {
            app = PortalApp.Build(PortalApp.CreateBuilder([], overrides));
            await app.StartAsync(ct);
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: invalid portal settings: {string.Join("; ", e.Failures)}");
            return ExitCodes.Usage;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"pipeline: the portal cannot listen ({e.Message}); set Portal__Port to a free port.");
            return ExitCodes.Failed;
        }

        await using (app)
        {
            var options = PortalApp.Options(app);
            await output.WriteLineAsync($"Portal: {PortalApp.BaseAddress(app)} (the pipeline keeps consuming; the demo marketplace stays up). Press Ctrl+C to stop.");
            await output.WriteLineAsync(generated
                ? $"Sign in as '{options.AdminName}' with the password {password} (generated for this run and shown only now; set {AdminPasswordVariable} to choose one)."
                : $"Sign in as '{options.AdminName}' with the password from {AdminPasswordVariable}.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
        }

        return ExitCodes.Ok;
    }
}
