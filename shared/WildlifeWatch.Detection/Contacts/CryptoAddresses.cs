using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace WildlifeWatch.Detection.Contacts;

/// <summary>
/// Checksum validation of the cryptocurrency addresses sellers ask buyers to pay to. A string that only looks like an
/// address (a hash, a random token) fails the checksum and is not reported, so seller links never rest on a typo.
/// </summary>
public static class CryptoAddresses
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    /// <summary>Bitcoin mainnet: base58check P2PKH ("1…", version 0) or P2SH ("3…", version 5), or bech32/bech32m ("bc1…").</summary>
    public static bool IsBitcoin(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.StartsWith("bc1", StringComparison.OrdinalIgnoreCase))
        {
            return IsSegwit(address);
        }

        return address.Length is >= 26 and <= 35
            && TryBase58Check(address, out var payload)
            && payload.Length == 21
            && payload[0] is 0x00 or 0x05;
    }

    /// <summary>Tron (TRC-20 tokens such as USDT): base58check, 21 bytes, version 0x41, so the text starts with "T".</summary>
    public static bool IsTron(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Length == 34 && address[0] == 'T' && TryBase58Check(address, out var payload) && payload.Length == 21 && payload[0] == 0x41;
    }

    /// <summary>
    /// Ethereum (and ERC-20 tokens): "0x" and 40 hex digits. A mixed-case address carries an EIP-55 checksum, which must
    /// hold; an all-lower or all-upper one has none to check.
    /// </summary>
    public static bool IsEthereum(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Length != 42 || !address.StartsWith("0x", StringComparison.Ordinal) || !address.Skip(2).All(char.IsAsciiHexDigit))
        {
            return false;
        }

        var hex = address[2..];
        var hasLower = hex.Any(char.IsAsciiLetterLower);
        var hasUpper = hex.Any(char.IsAsciiLetterUpper);
        if (!(hasLower && hasUpper))
        {
            return true;
        }

        var hash = Keccak256.Hash(Encoding.ASCII.GetBytes(hex.ToLowerInvariant()));
        for (var i = 0; i < 40; i++)
        {
            if (!char.IsAsciiLetter(hex[i]))
            {
                continue;
            }

            var nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
            if (char.IsAsciiLetterUpper(hex[i]) != nibble >= 8)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes base58 and verifies the 4-byte double-SHA-256 checksum; the payload excludes the checksum.</summary>
    internal static bool TryBase58Check(string text, out byte[] payload)
    {
        payload = [];
        var value = BigInteger.Zero;
        foreach (var c in text)
        {
            var digit = Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = (value * 58) + digit;
        }

        var leadingZeros = text.TakeWhile(c => c == '1').Count();
        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bytes = new byte[leadingZeros + body.Length];
        body.CopyTo(bytes, leadingZeros);
        if (bytes.Length < 5)
        {
            return false;
        }

        var data = bytes.AsSpan(0, bytes.Length - 4);
        var check = SHA256.HashData(SHA256.HashData(data));
        if (!check.AsSpan(0, 4).SequenceEqual(bytes.AsSpan(bytes.Length - 4)))
        {
            return false;
        }

        payload = data.ToArray();
        return true;
    }

    /// <summary>BIP-173 (witness v0, bech32) and BIP-350 (v1+, bech32m) with the "bc" prefix.</summary>
    private static bool IsSegwit(string address)
    {
        if (address.Length is < 14 or > 90 || (address.Any(char.IsAsciiLetterLower) && address.Any(char.IsAsciiLetterUpper)))
        {
            return false;
        }

        var lower = address.ToLowerInvariant();
        var separator = lower.LastIndexOf('1');
        if (separator != 2 || lower.Length - separator - 1 < 7)
        {
            return false;
        }

        var data = new List<int>();
        foreach (var c in lower[(separator + 1)..])
        {
            var v = Bech32Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            data.Add(v);
        }

        var values = new List<int>();
        foreach (var c in "bc")
        {
            values.Add(c >> 5);
        }

        values.Add(0);
        foreach (var c in "bc")
        {
            values.Add(c & 31);
        }

        values.AddRange(data);
        var polymod = Polymod(values);
        var witnessVersion = data[0];
        var expected = witnessVersion == 0 ? 1u : 0x2bc830a3u;
        if (polymod != expected || witnessVersion > 16)
        {
            return false;
        }

        // The witness program: 5-bit groups (without version and checksum) regrouped into bytes, 2..40 bytes long.
        var bits = (data.Count - 7) * 5;
        var programLength = bits / 8;
        return programLength is >= 2 and <= 40 && (witnessVersion != 0 || programLength is 20 or 32) && bits % 8 < 5;
    }

    private static uint Polymod(List<int> values)
    {
        uint[] generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ (uint)v;
            for (var i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0)
                {
                    chk ^= generator[i];
                }
            }
        }

        return chk;
    }
}
