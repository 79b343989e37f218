namespace WildlifeWatch.Detection.Tests;

public sealed class LanguageIdentifierTests
{
    private static readonly LanguageIdentifier Identifier = LanguageIdentifier.Default;

    [TestCase("Antique hand carved bangle from an old collection, shipping worldwide, message me for more photos", "en")]
    [TestCase("Bracelet ancien sculpté à la main, provenant d'une vieille collection, envoi dans le monde entier", "fr")]
    [TestCase("Pulsera antigua tallada a mano de una colección vieja, envío a todo el mundo, escríbeme para más fotos", "es")]
    [TestCase("Pulseira antiga esculpida à mão de uma coleção velha, envio para todo o mundo, fale comigo", "pt")]
    [TestCase("老物件手镯，手工雕刻，品相完好，全国包邮，需要更多照片请联系我们", "zh-Hans")]
    [TestCase("老物件手鐲，手工雕刻，品相完好，全國包郵，需要更多照片請聯繫我們", "zh-Hant")]
    [TestCase("Vòng tay cổ chạm khắc thủ công, hàng sưu tầm lâu năm, giao hàng toàn quốc, liên hệ để xem thêm ảnh", "vi")]
    [TestCase("กำไลเก่าแกะสลักด้วยมือ ของสะสมเก่า ส่งทั่วประเทศ ติดต่อเพื่อดูรูปเพิ่มเติม", "th")]
    [TestCase("Gelang antik ukiran tangan dari koleksi lama, kirim ke seluruh Indonesia, hubungi untuk foto lainnya", "id")]
    [TestCase("Antiker handgeschnitzter Armreif aus einer alten Sammlung, weltweiter Versand, schreiben Sie mir für mehr Fotos", "de")]
    [TestCase("古いコレクションの手彫りのバングルです。全国送料無料、写真が必要な方はご連絡ください。", "ja")]
    public void A_listing_text_is_identified_in_its_language(string text, string expected) =>
        Assert.That(Identifier.Identify(text), Is.EqualTo(expected));

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("12345 !!!")]
    public void Text_without_language_gives_no_guess(string text) =>
        Assert.That(Identifier.Identify(text), Is.Null);
}
