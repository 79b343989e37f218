using System.Diagnostics;

namespace WildlifeWatch.EndToEnd.Tests.Infrastructure;

/// <summary>rabbitmqctl of the local node (Debian's rabbitmq-server, as .ci/prepare starts it).</summary>
internal static class RabbitMqCtl
{
    public static string? Path { get; } = new[] { "/usr/sbin/rabbitmqctl", "/usr/lib/rabbitmq/bin/rabbitmqctl" }.FirstOrDefault(File.Exists);

    public static async Task RunAsync(params string[] args)
    {
        if (Path is null)
        {
            Assert.Fail("rabbitmqctl of a local node is needed (apt-get install rabbitmq-server; . .ci/prepare).");
        }

        var info = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["RABBITMQ_NODENAME"] = Environment.GetEnvironmentVariable("RABBITMQ_NODENAME") is { Length: > 0 } node ? node : "rabbit@localhost";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"rabbitmqctl {string.Join(' ', args)}: {output}");
    }
}
