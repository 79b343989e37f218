using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using WildlifeWatch.Cli;
using WildlifeWatch.Cli.Commands;

namespace Pipeline.Cli.Tests.Commands;

public sealed partial class PortalServerTests
{
    [Test]
    public async Task Serve_prints_the_portal_url_and_a_generated_admin_password_then_stops_on_cancel()
    {
        // A password set in the environment would be used instead of a generated one: this test runs without it.
        var configured = Environment.GetEnvironmentVariable(PortalServer.AdminPasswordVariable);
        Environment.SetEnvironmentVariable(PortalServer.AdminPasswordVariable, null);
        var directory = Path.Combine(Path.GetTempPath(), "wtw-cli-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        try
        {
            var overrides = new Dictionary<string, string?>
            {
                ["Bus:Transport"] = "InMemory",
                ["Portal:Port"] = "0",
                ["Classifier:ModelPath"] = Path.Combine(directory, "model.zip"),
                ["Classifier:ModelDirectory"] = directory,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            var serving = PortalServer.ServeAsync(overrides, Path.Combine(directory, "pipeline.db"), TextWriter.Synchronized(output), stop.Token);
            Match url;
            var waited = 0;
            while (!(url = Url().Match(output.ToString())).Success && waited++ < 600 && !serving.IsCompleted)
            {
                await Task.Delay(100);
            }

            Assert.That(url.Success, Is.True, output.ToString());
            using var client = new HttpClient { BaseAddress = new Uri(url.Groups[1].Value) };
            using var signIn = await client.GetAsync("/signin");
            var password = Password().Match(output.ToString());

            Assert.That(signIn.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(password.Success && password.Groups[1].Value.Length == 24, Is.True, output.ToString());
            await stop.CancelAsync();
            Assert.That(await serving, Is.EqualTo(ExitCodes.Ok));
        }
        finally
        {
            Environment.SetEnvironmentVariable(PortalServer.AdminPasswordVariable, configured);
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex(@"Portal: (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex Url();

    [GeneratedRegex(@"with the password (\S+) \(generated")]
    private static partial Regex Password();
}
