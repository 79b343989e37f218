using System.Collections.Concurrent;
using MassTransit;

namespace WildlifeWatch.TestSupport;

/// <summary>Records what a handler publishes, in order, instead of sending it anywhere.</summary>
public sealed class RecordingPublishEndpoint(Func<object, Task>? onPublish = null) : IPublishEndpoint
{
    private readonly ConcurrentQueue<object> _messages = new();

    public IReadOnlyList<object> Messages => _messages.ToArray();

    public IReadOnlyList<T> Of<T>() => _messages.OfType<T>().ToList();

    public ConnectHandle ConnectPublishObserver(IPublishObserver observer) => throw new NotSupportedException();

    public Task Publish<T>(T message, CancellationToken cancellationToken = default)
        where T : class => Record(message);

    public Task Publish<T>(T message, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default)
        where T : class => Record(message);

    public Task Publish<T>(T message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default)
        where T : class => Record(message);

    public Task Publish(object message, CancellationToken cancellationToken = default) => Record(message);

    public Task Publish(object message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) => Record(message);

    public Task Publish(object message, Type messageType, CancellationToken cancellationToken = default) => Record(message);

    public Task Publish(object message, Type messageType, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) => Record(message);

    public Task Publish<T>(object values, CancellationToken cancellationToken = default)
        where T : class => throw new NotSupportedException("The pipeline publishes typed records only.");

    public Task Publish<T>(object values, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default)
        where T : class => throw new NotSupportedException("The pipeline publishes typed records only.");

    public Task Publish<T>(object values, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default)
        where T : class => throw new NotSupportedException("The pipeline publishes typed records only.");

    private async Task Record(object message)
    {
        // Lets a test look at the world as it is at the moment of publishing (e.g. is it stored yet?).
        if (onPublish is not null)
        {
            await onPublish(message);
        }

        _messages.Enqueue(message);
    }
}
