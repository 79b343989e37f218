using System.Text;
using System.Text.RegularExpressions;
using PhoneNumbers;
using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Detection.Contacts;

/// <summary>
/// Finds the ways a listing tells buyers to reach or pay the seller: phone numbers (E.164 via libphonenumber),
/// e-mail addresses, WhatsApp, WeChat, Telegram, LINE and Zalo handles and links, checksum-valid Bitcoin, Ethereum and
/// Tron (USDT-TRC20) addresses, and external URLs.
/// </summary>
/// <remarks>
/// Values are canonical so that two listings naming the same contact share it: phones in E.164, handles and e-mails in
/// lower case. A messenger number is reported twice, as the messenger and as a phone, because sellers give the same
/// number as "WhatsApp" on one site and as a plain phone on another. Each found span is blanked before the next kind
/// is searched, so the digits of a crypto address or a URL never come back as a phone number. Without a default region
/// (the listing's country or site), only numbers written with their "+" country code are read as phones.
/// </remarks>
public sealed partial class ContactExtractor
{
    private const int MaxPhoneTries = 200;
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>The contacts in <paramref name="text"/>, in order of first appearance, each once.</summary>
    /// <param name="text">Listing text; links of the page (href values) may be appended on their own lines.</param>
    /// <param name="defaultRegion">ISO 3166-1 alpha-2 region for numbers written without "+country", or null.</param>
    /// <param name="listingHost">The listing's own host: links to it are not external URLs.</param>
    public IReadOnlyList<ContactIdentifier> Extract(string? text, string? defaultRegion = null, string? listingHost = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var region = NormalizeRegion(defaultRegion);
        var found = new Found();
        var work = new StringBuilder(Deobfuscate(text.Normalize(NormalizationForm.FormKC)));

        ReadUrls(work, found, region, listingHost);
        Blank(work, EmailPattern(), m => found.Add(ContactKinds.Email, m.Value.ToLowerInvariant()));
        Blank(work, CryptoPattern(), m => AddCrypto(found, m.Value));
        ReadLabelledHandles(work, found, region);
        ReadPhones(work.ToString(), found, region);
        return found.Items;
    }

    private static string? NormalizeRegion(string? region) =>
        region is { Length: 2 } && Phones.GetSupportedRegions().Contains(region.ToUpperInvariant()) ? region.ToUpperInvariant() : null;

    /// <summary>"name [at] mail [dot] com" and "name(at)mail(dot)com" are written to slip past scrapers.</summary>
    private static string Deobfuscate(string text)
    {
        var s = AtPattern().Replace(text, "@");
        return DotPattern().Replace(s, ".");
    }

    private static void ReadUrls(StringBuilder work, Found found, string? region, string? listingHost)
    {
        Blank(work, UrlPattern(), m =>
        {
            var raw = m.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"');
            var withScheme = raw.Contains("://", StringComparison.Ordinal) || raw.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
                || raw.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) ? raw : "https://" + raw;
            if (withScheme.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                var address = Uri.UnescapeDataString(withScheme[7..].Split('?')[0]);
                if (EmailPattern().IsMatch(address))
                {
                    found.Add(ContactKinds.Email, address.ToLowerInvariant());
                }

                return;
            }

            if (withScheme.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
            {
                AddPhone(found, Uri.UnescapeDataString(withScheme[4..]), region, null);
                return;
            }

            if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return;
            }

            if (!ReadMessengerLink(uri, found, region) && !SameSite(uri.Host, listingHost))
            {
                found.Add(ContactKinds.Url, uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped));
            }
        });
    }

    private static bool SameSite(string host, string? listingHost) =>
        listingHost is not null && string.Equals(host.TrimStart('w', '.'), listingHost.TrimStart('w', '.'), StringComparison.OrdinalIgnoreCase);

    /// <summary>wa.me/… , api.whatsapp.com/send?phone=…, t.me/…, line.me/ti/p/~…, zalo.me/…: the link names the contact.</summary>
    private static bool ReadMessengerLink(Uri uri, Found found, string? region)
    {
        var host = uri.Host.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        var segments = uri.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (host)
        {
            case "wa.me" when segments.Length > 0:
                AddPhone(found, "+" + segments[0], null, ContactKinds.WhatsApp);
                return true;
            case "api.whatsapp.com" or "web.whatsapp.com" or "whatsapp.com":
                var phone = QueryValue(uri, "phone");
                if (phone is not null)
                {
                    AddPhone(found, "+" + phone.TrimStart('+'), null, ContactKinds.WhatsApp);
                }

                return true;
            case "t.me" or "telegram.me" or "telegram.dog" when segments.Length > 0 && TelegramHandle().IsMatch(segments[0]):
                found.Add(ContactKinds.Telegram, segments[0].ToLowerInvariant());
                return true;
            case "line.me" or "lin.ee":
                var id = segments.LastOrDefault()?.TrimStart('~');
                if (id is { Length: >= 3 } && segments.Length >= 2)
                {
                    found.Add(ContactKinds.Line, id.ToLowerInvariant());
                }

                return true;
            case "zalo.me" when segments.Length > 0:
                AddPhone(found, segments[0], region ?? "VN", ContactKinds.Zalo);
                return true;
            default:
                return false;
        }
    }

    private static string? QueryValue(Uri uri, string name)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    private static void AddCrypto(Found found, string candidate)
    {
        if (candidate.StartsWith("0x", StringComparison.Ordinal))
        {
            if (CryptoAddresses.IsEthereum(candidate))
            {
                found.Add(ContactKinds.Ethereum, candidate.ToLowerInvariant());
            }
        }
        else if (candidate.StartsWith('T'))
        {
            if (CryptoAddresses.IsTron(candidate))
            {
                found.Add(ContactKinds.Tron, candidate);
            }
        }
        else if (CryptoAddresses.IsBitcoin(candidate))
        {
            // Bech32 is case-insensitive and canonically lower case; base58 is case-sensitive.
            found.Add(ContactKinds.Bitcoin, candidate.StartsWith("bc1", StringComparison.OrdinalIgnoreCase) ? candidate.ToLowerInvariant() : candidate);
        }
    }

    private static void ReadLabelledHandles(StringBuilder work, Found found, string? region)
    {
        Blank(work, WhatsAppLabel(), m => AddPhone(found, m.Groups["v"].Value, region, ContactKinds.WhatsApp));
        Blank(work, ZaloLabel(), m => AddPhone(found, m.Groups["v"].Value, region ?? "VN", ContactKinds.Zalo));
        Blank(work, TelegramLabel(), m => found.Add(ContactKinds.Telegram, m.Groups["v"].Value.ToLowerInvariant()));
        Blank(work, WeChatLabel(), m => AddHandleOrPhone(found, ContactKinds.WeChat, m.Groups["v"].Value, region));
        Blank(work, LineLabel(), m => AddHandleOrPhone(found, ContactKinds.Line, m.Groups["v"].Value, region));
    }

    /// <summary>WeChat and LINE ids may be phone numbers; a number is stored in E.164 so it meets the same phone elsewhere.</summary>
    private static void AddHandleOrPhone(Found found, string kind, string value, string? region)
    {
        if (value.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-'))
        {
            AddPhone(found, value, region, kind);
        }
        else
        {
            found.Add(kind, value.ToLowerInvariant());
        }
    }

    private static void ReadPhones(string text, Found found, string? region)
    {
        foreach (var match in Phones.FindNumbers(text, region ?? "ZZ", PhoneNumberUtil.Leniency.VALID, MaxPhoneTries))
        {
            found.Add(ContactKinds.Phone, Phones.Format(match.Number, PhoneNumberFormat.E164));
        }
    }

    private static void AddPhone(Found found, string raw, string? region, string? messenger)
    {
        try
        {
            var number = Phones.Parse(raw.Trim(), region ?? "ZZ");
            if (!Phones.IsValidNumber(number))
            {
                return;
            }

            var e164 = Phones.Format(number, PhoneNumberFormat.E164);
            if (messenger is not null)
            {
                found.Add(messenger, e164);
            }

            found.Add(ContactKinds.Phone, e164);
        }
        catch (NumberParseException)
        {
            // Not a number in any form libphonenumber knows: nothing to report.
        }
    }

    /// <summary>Runs <paramref name="pattern"/> and blanks every match with spaces, keeping offsets for the next pass.</summary>
    private static void Blank(StringBuilder work, Regex pattern, Action<Match> onMatch)
    {
        foreach (Match m in pattern.Matches(work.ToString()))
        {
            onMatch(m);
            for (var i = m.Index; i < m.Index + m.Length; i++)
            {
                work[i] = ' ';
            }
        }
    }

    [GeneratedRegex(@"\s*[\[\(\{]\s*(?:at|@)\s*[\]\)\}]\s*|\s+(?:\[at\]|\(at\))\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AtPattern();

    [GeneratedRegex(@"\s*[\[\(\{]\s*(?:dot|\.)\s*[\]\)\}]\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DotPattern();

    [GeneratedRegex(@"(?:https?://|mailto:|tel:|\b(?:wa\.me|t\.me|line\.me|zalo\.me)/)[^\s<>""'(){}\[\]]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:bc1[a-zA-HJ-NP-Z0-9]{11,87}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33}|0x[0-9a-fA-F]{40})(?![A-Za-z0-9])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex CryptoPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{4,31}$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TelegramHandle();

    // Labels are followed by optional "ID"/"number" words and a separator; the value must start right after.
    [GeneratedRegex(@"(?:whats\s?app|whatsap|(?<![A-Za-z0-9_])wa(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])ws(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])wsp(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])zap(?![A-Za-z0-9_])|วอทส์แอพ|ワッツアップ)\s*(?:no\.?|number|nr\.?|número|numero|số)?\s*[:：=\-]?\s*(?<v>\+?\d[\d\s().\-]{6,20}\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WhatsAppLabel();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])zalo(?![A-Za-z0-9_])\s*(?:số|so)?\s*[:：=\-]?\s*(?<v>\+?\d[\d\s.\-]{7,16}\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ZaloLabel();

    // Latin labels are words ("we chat", "tg") only with a separator or "@"/"id" after them; CJK letters count as word
    // characters in .NET, so explicit look-arounds replace \b ("加vx：…" has no \b before "v").
    [GeneratedRegex(@"(?:(?<![A-Za-z0-9_])(?:telegram|tg)(?![A-Za-z0-9_])\s*(?:id|handle)?\s*(?:[:：=]\s*@?|@)|(?:телеграм|电报|飛機|飞机)\s*[:：]?\s*@?)(?<v>[A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TelegramLabel();

    [GeneratedRegex(@"(?:(?<![A-Za-z0-9_])(?:we\s?chat|weixin|wx|vx)(?![A-Za-z0-9_])\s*(?:(?:id|号|號)\s*[:：=\-]?|[:：=])|v信|微信号|微信|威信|薇信)\s*(?:id|号|號)?\s*[:：=\-]?\s*(?<v>[A-Za-z][A-Za-z0-9_\-]{5,19}|\+?\d[\d\s\-]{7,16}\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WeChatLabel();

    // "line" is an English word: a LINE id needs "line id", "line:" or "@" before it, or a Thai/Japanese label.
    [GeneratedRegex(@"(?:(?<![A-Za-z0-9_])line\s?id(?![A-Za-z0-9_])\s*[:：=\-]?|(?<![A-Za-z0-9_])line(?![A-Za-z0-9_])\s*[:：=]|(?<![A-Za-z0-9_])line(?![A-Za-z0-9_])\s*(?=@)|ไอดีไลน์\s*[:：]?|ไลน์\s*(?:ไอดี)?\s*[:：]?|ライン\s*(?:id|ＩＤ)?\s*[:：]?)\s*@?(?<v>[A-Za-z0-9][A-Za-z0-9._\-]{2,19})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex LineLabel();

    private sealed class Found
    {
        private readonly HashSet<(string, string)> _seen = [];

        public List<ContactIdentifier> Items { get; } = [];

        public void Add(string kind, string value)
        {
            if (value.Length > 0 && _seen.Add((kind, value)))
            {
                Items.Add(new ContactIdentifier(kind, value));
            }
        }
    }
}
