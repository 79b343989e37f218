using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using WildlifeWatch.Store;

namespace WildlifeWatch.Alerts.Email;

/// <summary>
/// Sends alert and digest e-mails over SMTP (MailKit), retried with back-off on transient failures (connection errors,
/// timeouts, 4xx replies). Each delivery and each final failure is written to the audit log, as webhooks are, so
/// failures are visible and a redelivered alert skips mail already sent.
/// </summary>
public sealed class EmailSender
{
    public const string Delivered = "email-delivered";
    public const string Failed = "email-failed";

    private readonly SmtpOptions _options;
    private readonly IPipelineStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger<EmailSender> _logger;
    private readonly ResiliencePipeline _pipeline;

    public EmailSender(IOptions<SmtpOptions> options, IPipelineStore store, TimeProvider clock, ILogger<EmailSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _store = store;
        _clock = clock;
        _logger = logger;
        _pipeline = BuildPipeline();
    }

    public bool IsEnabled => _options.IsEnabled;

    public IReadOnlyList<string> RecipientsOf(string subscription) => _options.RecipientsOf(subscription);

    /// <summary>
    /// Sends one message (plain text, and HTML when given) to <paramref name="to"/>. <paramref name="auditSubject"/> is the
    /// audit log subject (a listing, or a digest) and <paramref name="receipt"/> names this delivery in it. Returns false,
    /// after auditing the failure, when every attempt failed; true when sent now or already sent before.
    /// </summary>
    public async Task<bool> SendAsync(string subject, string text, string? html, IReadOnlyList<string> to, string auditSubject, string receipt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (!IsEnabled)
        {
            throw new InvalidOperationException("E-mail is not configured (Alerts:Smtp:Host).");
        }

        var details = $"{receipt} to {string.Join(", ", to)}";
        if ((await _store.GetAuditAsync(subject: auditSubject, ct: ct)).Any(a => a.Action == Delivered && a.Details == details))
        {
            return true;
        }

        string reason;
        try
        {
            await _pipeline.ExecuteAsync(async token => await SendOnceAsync(Message(subject, text, html, to), token), ct);
            await _store.AppendAuditAsync(new AuditEntry("alerts", Delivered, auditSubject, details, _clock.GetUtcNow()), ct);
            return true;
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or TimeoutRejectedException
                                       or ServiceNotConnectedException or AuthenticationException or SslHandshakeException)
        {
            reason = e.Message;
        }

        _logger.LogError("E-mail {Receipt} to {Recipients} failed after {Attempts} attempts: {Reason}", receipt, to.Count, _options.MaxAttempts, reason);
        await _store.AppendAuditAsync(new AuditEntry("alerts", Failed, auditSubject, $"{details}: {reason}", _clock.GetUtcNow()), ct);
        return false;
    }

    private MimeMessage Message(string subject, string text, string? html, IReadOnlyList<string> to)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse(_options.From));
        message.To.AddRange(to.Select(MailboxAddress.Parse));
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    private async Task SendOnceAsync(MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = _options.TimeoutMs };
        var security = _options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.Auto => SecureSocketOptions.Auto,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(_options.Host!, _options.Port, security, ct);
        if (!string.IsNullOrEmpty(_options.User))
        {
            await client.AuthenticateAsync(_options.User, _options.Password ?? string.Empty, ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _clock };
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // A 5xx reply (bad recipient, refused message) will not change on retry; a 4xx, a lost connection or a timeout may.
                ShouldHandle = new PredicateBuilder()
                    .Handle<SmtpCommandException>(e => (int)e.StatusCode is >= 400 and < 500)
                    .Handle<SmtpProtocolException>()
                    .Handle<IOException>()
                    .Handle<SocketException>()
                    .Handle<ServiceNotConnectedException>()
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(_options.RetryBaseDelayMs),
                OnRetry = args =>
                {
                    _logger.LogWarning("E-mail attempt {Attempt} failed ({Reason}); retrying in {Delay}", args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay);
                    return default;
                },
            });
        }

        return builder.AddTimeout(TimeSpan.FromMilliseconds(_options.TimeoutMs)).Build();
    }
}
