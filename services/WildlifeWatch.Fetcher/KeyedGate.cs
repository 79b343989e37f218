namespace WildlifeWatch.Fetcher;

/// <summary>One holder per key at a time; the gates of idle keys are dropped so memory follows what is in flight.</summary>
public sealed class KeyedGate
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new(StringComparer.Ordinal);

    public async Task<IDisposable> EnterAsync(string key, CancellationToken ct)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            var entry = _gates.TryGetValue(key, out var found) ? found : (new SemaphoreSlim(1, 1), 0);
            _gates[key] = (entry.Item1, entry.Item2 + 1);
            gate = entry.Item1;
        }

        try
        {
            await gate.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Leave(key, held: false);
            throw;
        }

        return new Holder(this, key);
    }

    public int Count
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    private void Leave(string key, bool held)
    {
        lock (_gates)
        {
            var (gate, users) = _gates[key];
            if (held)
            {
                gate.Release();
            }

            if (users == 1)
            {
                _gates.Remove(key);
                gate.Dispose();
            }
            else
            {
                _gates[key] = (gate, users - 1);
            }
        }
    }

    private sealed class Holder(KeyedGate owner, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Leave(key, held: true);
            }
        }
    }
}
