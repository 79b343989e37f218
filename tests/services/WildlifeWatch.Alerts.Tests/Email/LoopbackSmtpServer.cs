using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WildlifeWatch.Alerts.Tests.Email;

/// <summary>
/// A tiny SMTP receiver on 127.0.0.1:0 for tests: speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT, keeps every
/// message it accepted, and can refuse the first N messages with a reply of our choosing (to drive the failure paths).
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _refusals;

    public LoopbackSmtpServer(int refuseFirst = 0, string refusal = "451 4.3.0 try again later")
    {
        _refusals = refuseFirst;
        Refusal = refusal;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Refusal { get; }

    /// <summary>Messages accepted: envelope recipients and the raw DATA.</summary>
    public List<(IReadOnlyList<string> Recipients, string Data)> Messages { get; } = [];

    public int Sessions { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Sessions++;
            try
            {
                await ServeAsync(client.GetStream(), _stop.Token);
            }
            catch (IOException)
            {
                // The client hung up; wait for the next one.
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream, CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 127.0.0.1 test ESMTP");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-127.0.0.1");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "MAIL":
                    recipients.Clear();
                    if (_refusals > 0)
                    {
                        _refusals--;
                        await writer.WriteLineAsync(Refusal);
                    }
                    else
                    {
                        await writer.WriteLineAsync("250 2.1.0 ok");
                    }

                    break;
                case "RCPT":
                    recipients.Add(line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)]);
                    await writer.WriteLineAsync("250 2.1.5 ok");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(ct) is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    Messages.Add((recipients.ToList(), data.ToString()));
                    await writer.WriteLineAsync("250 2.0.0 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 bye");
                    return;
                default:
                    await writer.WriteLineAsync(verb is "HELO" or "RSET" or "NOOP" ? "250 ok" : "502 5.5.2 not implemented");
                    break;
            }
        }
    }
}
