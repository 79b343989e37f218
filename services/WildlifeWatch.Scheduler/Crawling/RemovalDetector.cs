using System.Text.RegularExpressions;
using WildlifeWatch.Detection;

namespace WildlifeWatch.Scheduler.Crawling;

/// <summary>
/// Decides whether a watched listing has disappeared: its URL answers 404 or 410, its page says the item was removed
/// (the seed's markers, else multilingual defaults, matched on normalized text so case and accents do not matter), or
/// it now redirects to a search, category-less or home page. Any other failure (a timeout, a 5xx) says nothing.
/// </summary>
public static partial class RemovalDetector
{
    /// <summary>Phrases marketplaces show on a taken-down listing, in the languages of the lexicon's markets.</summary>
    public static readonly IReadOnlyList<string> DefaultMarkers =
    [
        "this listing has been removed", "this item has been removed", "listing removed", "item removed", "listing has ended",
        "this listing is no longer available", "this item is no longer available", "this listing has been deleted",
        "cette annonce n'est plus disponible", "annonce supprimée", "annonce expirée",
        "este anuncio ya no está disponible", "anuncio eliminado", "este artículo ya no está disponible",
        "este anúncio não está mais disponível", "anúncio removido",
        "dieses angebot ist nicht mehr verfügbar", "artikel nicht mehr verfügbar", "angebot beendet",
        "questo annuncio non è più disponibile", "annuncio rimosso",
        "商品已下架", "该商品已删除", "商品不存在", "已下架", "此商品已被移除",
        "この商品は削除されました", "販売終了", "商品は存在しません",
        "tin đăng đã bị xóa", "sản phẩm không tồn tại", "sản phẩm đã bị xóa",
        "สินค้านี้ถูกลบแล้ว", "ไม่พบสินค้า",
        "produk tidak ditemukan", "iklan telah dihapus",
        "объявление удалено", "объявление снято с публикации", "товар удален",
    ];

    /// <summary>The reason a failed fetch shows removal, or null: only 404 and 410 do.</summary>
    public static string? FromStatus(int? status) => status is 404 or 410 ? $"HTTP {status}" : null;

    /// <summary>The reason a captured page shows removal, or null.</summary>
    public static string? FromCapture(Uri requested, Uri finalUrl, string visibleText, IReadOnlyList<string>? markers = null)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(finalUrl);
        if (!SamePage(requested, finalUrl) && LooksLikeSearchOrHome(finalUrl))
        {
            return $"redirected to {finalUrl.AbsoluteUri}";
        }

        var text = Comparable(visibleText);
        var found = (markers is { Count: > 0 } ? markers : DefaultMarkers)
            .FirstOrDefault(m => Comparable(m) is { Length: > 0 } normalized && text.Contains(normalized, StringComparison.Ordinal));
        return found is null ? null : $"page says \"{found}\"";
    }

    // Typographic apostrophes are common in French and Italian pages; markers are typed with the plain one.
    private static string Comparable(string text) => TextNormalizer.Normalize(text.Replace('\u2019', '\'').Replace('\u2018', '\''));

    private static bool SamePage(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.AbsolutePath.TrimEnd('/') == b.AbsolutePath.TrimEnd('/');

    private static bool LooksLikeSearchOrHome(Uri url) => url.AbsolutePath is "/" or "" || SearchShape().IsMatch(url.PathAndQuery);

    [GeneratedRegex(@"(^/(search|s|find|suche|recherche|buscar|busca|cerca|tim-kiem|cari)(/|\?|$))|[?&](q|query|keyword|keywords|k|search|s)=", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SearchShape();
}
