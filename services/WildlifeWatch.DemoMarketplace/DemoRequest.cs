namespace WildlifeWatch.DemoMarketplace;

/// <summary>
/// One request as the demo server saw it: what it lets a test measure politeness and work sharing at the server's side.
/// </summary>
/// <param name="PathAndQuery">The path and query requested.</param>
/// <param name="ArrivedAt">When the request reached the server.</param>
/// <param name="AnsweredAt">When the server had written its response.</param>
/// <param name="IsNavigation">A browser's page load (Sec-Fetch-Mode: navigate), not a sub-resource of a page.</param>
/// <param name="UserAgent">Who asked.</param>
/// <param name="Status">The status code answered.</param>
public sealed record DemoRequest(string PathAndQuery, DateTimeOffset ArrivedAt, DateTimeOffset AnsweredAt, bool IsNavigation, string UserAgent, int Status);
