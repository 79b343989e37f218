namespace Pipeline.Cli.Tests.Commands;

/// <summary>Sends Console.Out and Console.Error to one writer while a command runs, and puts them back on dispose.</summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _out = Console.Out;
    private readonly TextWriter _error = Console.Error;
    private readonly StringWriter _captured = new();

    public ConsoleCapture()
    {
        Console.SetOut(_captured);
        Console.SetError(_captured);
    }

    public string Text => _captured.ToString();

    public void Dispose()
    {
        Console.SetOut(_out);
        Console.SetError(_error);
        _captured.Dispose();
    }
}
