using System.Net;
using Microsoft.Extensions.Options;

namespace WildlifeWatch.Hosting;

/// <summary>The HTTP health endpoints of a service (section <c>Health</c>): <c>/health/live</c> and <c>/health/ready</c>.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>TCP port of the health endpoints; 0 (the default) serves none.</summary>
    public int Port { get; set; }

    /// <summary>Address to listen on; loopback unless a probe from outside the machine (a kubelet) needs it.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";
}

public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            return ValidateOptionsResult.Fail($"Health:Port must be between 0 (off) and {IPEndPoint.MaxPort}, not {options.Port}.");
        }

        return IPAddress.TryParse(options.BindAddress, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Health:BindAddress '{options.BindAddress}' is not an IP address.");
    }
}

/// <summary>How long a stopping service may take (section <c>Host</c>).</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Host";

    /// <summary>Time in-flight messages get to finish after SIGTERM; what is still running then returns to its queue.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ShutdownTimeout >= TimeSpan.FromSeconds(1) && options.ShutdownTimeout <= TimeSpan.FromMinutes(30)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Host:ShutdownTimeout must be between 00:00:01 and 00:30:00, not {options.ShutdownTimeout}.");
    }
}
