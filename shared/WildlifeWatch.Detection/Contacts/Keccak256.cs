namespace WildlifeWatch.Detection.Contacts;

/// <summary>
/// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not SHA3-256's 0x06), needed only for the
/// EIP-55 address checksum; .NET's SHA3_256 pads differently and gives other digests.
/// </summary>
internal static class Keccak256
{
    private const int Rate = 136;

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000, 0x000000000000808b, 0x0000000080000001,
        0x8000000080008081, 0x8000000000008009, 0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
        0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003, 0x8000000000008002, 0x8000000000000080,
        0x000000000000800a, 0x800000008000000a, 0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ];

    private static readonly int[] Rotations = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];
    private static readonly int[] Lanes = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];

    public static byte[] Hash(ReadOnlySpan<byte> input)
    {
        var state = new ulong[25];
        var padded = new byte[((input.Length / Rate) + 1) * Rate];
        input.CopyTo(padded);
        padded[input.Length] ^= 0x01;
        padded[^1] ^= 0x80;
        for (var offset = 0; offset < padded.Length; offset += Rate)
        {
            for (var i = 0; i < Rate / 8; i++)
            {
                state[i] ^= BitConverter.ToUInt64(padded, offset + (i * 8));
            }

            Permute(state);
        }

        var output = new byte[32];
        for (var i = 0; i < 4; i++)
        {
            BitConverter.TryWriteBytes(output.AsSpan(i * 8), state[i]);
        }

        return output;
    }

    private static void Permute(ulong[] a)
    {
        Span<ulong> c = stackalloc ulong[5];
        foreach (var rc in RoundConstants)
        {
            for (var x = 0; x < 5; x++)
            {
                c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
            }

            for (var x = 0; x < 5; x++)
            {
                var d = c[(x + 4) % 5] ^ ulong.RotateLeft(c[(x + 1) % 5], 1);
                for (var y = 0; y < 25; y += 5)
                {
                    a[y + x] ^= d;
                }
            }

            var current = a[1];
            for (var i = 0; i < 24; i++)
            {
                var lane = Lanes[i];
                (a[lane], current) = (ulong.RotateLeft(current, Rotations[i]), a[lane]);
            }

            for (var y = 0; y < 25; y += 5)
            {
                for (var x = 0; x < 5; x++)
                {
                    c[x] = a[y + x];
                }

                for (var x = 0; x < 5; x++)
                {
                    a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
                }
            }

            a[0] ^= rc;
        }
    }
}
