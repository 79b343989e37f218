using System.Text;
using System.Text.Encodings.Web;

namespace WildlifeWatch.DemoMarketplace;

/// <summary>
/// Server-side HTML. Listing pages are empty shells: listing text and listing links only ever arrive through
/// /static/app.js and the JSON API, so a crawler that does not run scripts sees none of them.
/// </summary>
internal static class Pages
{
    public const string SiteName = "OpenStall";

    public static string Shell(SiteState site, string pageKind, string title) =>
        Layout(site, title, pageKind, """<main id="app" aria-live="polite"><p class="loading">Loading…</p></main>""");

    public static string Home(SiteState site, IReadOnlyList<Category> categories, IReadOnlyList<string> searches)
    {
        var body = new StringBuilder();
        body.Append("""<main id="home"><h1>Buy and sell anything, near you</h1><section class="categories"><h2>Categories</h2><ul>""");
        foreach (var category in categories)
        {
            body.Append("<li><a href=\"/c/").Append(UrlEncoder.Default.Encode(category.Slug)).Append("\">")
                .Append(HtmlEncoder.Default.Encode(category.Name)).Append("</a></li>");
        }

        body.Append("""</ul></section><section class="popular"><h2>Popular searches</h2><ul>""");
        foreach (var term in searches)
        {
            body.Append("<li><a href=\"/search?q=").Append(UrlEncoder.Default.Encode(term)).Append("\">")
                .Append(HtmlEncoder.Default.Encode(term)).Append("</a></li>");
        }

        body.Append("</ul></section></main>");
        return Layout(site, $"{SiteName} – local marketplace", "home", body.ToString());
    }

    public static string Simple(SiteState site, string title, string message, string pageKind) =>
        Layout(site, title, pageKind,
            $"<main><h1>{HtmlEncoder.Default.Encode(title)}</h1><p>{HtmlEncoder.Default.Encode(message)}</p><p><a href=\"/\">Back to the home page</a></p></main>");

    public static string Login(SiteState site) =>
        Layout(site, "Sign in", "login", """
            <main><h1>Sign in</h1>
            <form method="post" action="/account/login"><label>E-mail <input type="email" name="email"></label>
            <label>Password <input type="password" name="password"></label><button type="submit">Sign in</button></form></main>
            """);

    private static string Layout(SiteState site, string title, string pageKind, string main)
    {
        // The "about" host is a different loopback address: a link a scoped crawler must not follow.
        var aboutUrl = $"http://127.0.0.2:{site.Port}/about";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{HtmlEncoder.Default.Encode(title)}</title>
            <link rel="stylesheet" href="/static/site.css">
            <script src="/static/app.js" defer></script>
            </head>
            <body data-page="{pageKind}">
            <header class="site-header">
            <a class="brand" href="/">{SiteName}</a>
            <form class="search" action="/search" method="get" role="search"><input type="search" name="q" placeholder="Search listings" aria-label="Search"><button type="submit">Search</button></form>
            <nav class="account"><a href="/account/login">Sign in</a> <a href="/cart">Cart (0)</a></nav>
            </header>
            {main}
            <footer class="site-footer"><a href="{aboutUrl}">About {SiteName}</a> · <a href="/">Home</a> · Demo site: all listings are fictional.</footer>
            </body>
            </html>
            """;
    }
}
