using WildlifeWatch.Contracts.V1;
using WildlifeWatch.Detection.Contacts;

namespace WildlifeWatch.Detection.Tests.Contacts;

public sealed class ContactExtractorTests
{
    private static readonly ContactExtractor Extractor = new();

    private static IEnumerable<TestCaseData> RealWorldFormats()
    {
        // Phones: international and national formats of the regions the lexicon's languages are spoken in.
        yield return Case("Call +84 912 345 678 today", null, "phone", "+84912345678", "Phone_VN_international");
        yield return Case("Liên hệ 0912.345.678", "VN", "phone", "+84912345678", "Phone_VN_national_dotted");
        yield return Case("โทร 081-234-5678", "TH", "phone", "+66812345678", "Phone_TH_national");
        yield return Case("Hubungi 0812-3456-7890", "ID", "phone", "+6281234567890", "Phone_ID_national");
        yield return Case("电话 138 0013 8000", "CN", "phone", "+8613800138000", "Phone_CN_mobile");
        yield return Case("Tel. (+852) 9123 4567", null, "phone", "+85291234567", "Phone_HK_parenthesised");
        yield return Case("Ruf an: 0151 23456789", "DE", "phone", "+4915123456789", "Phone_DE_mobile");
        yield return Case("Appelez le 06 12 34 56 78", "FR", "phone", "+33612345678", "Phone_FR_pairs");
        yield return Case("call (650) 253-0000", "US", "phone", "+16502530000", "Phone_US_parenthesised");
        yield return Case("ring 07911 123456", "GB", "phone", "+447911123456", "Phone_GB_mobile");
        yield return Case("Llamar al +34 612 34 56 78", null, "phone", "+34612345678", "Phone_ES_international");
        yield return Case("<a href=\"tel:+55-11-91234-5678\">ligar</a>", null, "phone", "+5511912345678", "Phone_BR_tel_link");
        yield return Case("電話 090-1234-5678", "JP", "phone", "+819012345678", "Phone_JP_mobile");

        // WhatsApp
        yield return Case("WhatsApp: +84 912 345 678", null, "whatsapp", "+84912345678", "WhatsApp_label_international");
        yield return Case("WA 0812-3456-7890 fast response", "ID", "whatsapp", "+6281234567890", "WhatsApp_WA_label_national");
        yield return Case("chat https://wa.me/84912345678?text=hi", null, "whatsapp", "+84912345678", "WhatsApp_wa_me_link");
        yield return Case("wa.me/6281234567890", null, "whatsapp", "+6281234567890", "WhatsApp_bare_wa_me");
        yield return Case("https://api.whatsapp.com/send?phone=66812345678", null, "whatsapp", "+66812345678", "WhatsApp_api_link");
        yield return Case("Whatsapp number：+852 9123 4567", null, "whatsapp", "+85291234567", "WhatsApp_fullwidth_colon");

        // WeChat
        yield return Case("微信: ivory_trader88", null, "wechat", "ivory_trader88", "WeChat_chinese_label");
        yield return Case("WeChat ID: Gold-Tusk2024", null, "wechat", "gold-tusk2024", "WeChat_english_label");
        yield return Case("加vx：abc12345 详谈", null, "wechat", "abc12345", "WeChat_vx_slang");
        yield return Case("V信 wxid_abc123", null, "wechat", "wxid_abc123", "WeChat_V_xin_slang");
        yield return Case("微信号 13800138000", "CN", "wechat", "+8613800138000", "WeChat_phone_number_id");

        // Telegram
        yield return Case("t.me/rhinohorn_shop", null, "telegram", "rhinohorn_shop", "Telegram_t_me");
        yield return Case("Telegram: @Tusk_Dealer", null, "telegram", "tusk_dealer", "Telegram_label_at");
        yield return Case("TG @ivory_hk for price", null, "telegram", "ivory_hk", "Telegram_TG_label");
        yield return Case("https://telegram.me/pangolin_scale", null, "telegram", "pangolin_scale", "Telegram_telegram_me");

        // LINE
        yield return Case("Line ID: @ivoryshop", null, "line", "ivoryshop", "Line_id_label");
        yield return Case("ไลน์: tusk.th", null, "line", "tusk.th", "Line_thai_label");
        yield return Case("https://line.me/ti/p/~ivoryth", null, "line", "ivoryth", "Line_link");
        yield return Case("LINE: gadingasli", null, "line", "gadingasli", "Line_colon_label");

        // Zalo
        yield return Case("Zalo: 0912 345 678", null, "zalo", "+84912345678", "Zalo_label_national_defaults_to_VN");
        yield return Case("https://zalo.me/0912345678", null, "zalo", "+84912345678", "Zalo_link");

        // E-mail
        yield return Case("mail trader@example.com", null, "email", "trader@example.com", "Email_plain");
        yield return Case("Trader.Ivory [at] example [dot] com", null, "email", "trader.ivory@example.com", "Email_obfuscated_brackets");
        yield return Case("write to sales(at)example(dot)org", null, "email", "sales@example.org", "Email_obfuscated_parentheses");

        // Crypto: valid checksums only.
        yield return Case("BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", null, "btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "Bitcoin_P2PKH");
        yield return Case("pay 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", null, "btc", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "Bitcoin_P2SH");
        yield return Case("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", null, "btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "Bitcoin_bech32");
        yield return Case("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", null, "btc", "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", "Bitcoin_taproot_bech32m");
        yield return Case("ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", null, "eth", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "Ethereum_EIP55");
        yield return Case("USDT TRC20: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", null, "trx", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "Tron_USDT_TRC20");

        // External URLs
        yield return Case("more photos at https://photos.example.org/album/77.", null, "url", "https://photos.example.org/album/77", "Url_external");
    }

    private static TestCaseData Case(string text, string? region, string kind, string value, string name) =>
        new TestCaseData(text, region, kind, value).SetName(name);

    [TestCaseSource(nameof(RealWorldFormats))]
    public void A_real_world_format_yields_its_canonical_contact(string text, string? region, string kind, string value)
    {
        var contacts = Extractor.Extract(text, region, "market.example");

        Assert.That(contacts, Does.Contain(new ContactIdentifier(kind, value)), string.Join(", ", contacts));
    }

    [Test]
    public void A_messenger_number_is_also_a_phone_so_it_links_to_plain_phones() =>
        Assert.That(Extractor.Extract("WhatsApp +84 912 345 678"), Does.Contain(new ContactIdentifier(ContactKinds.Phone, "+84912345678")));

    [TestCase("BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", TestName = "Bitcoin_with_a_wrong_checksum")]
    [TestCase("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", TestName = "Bech32_with_a_wrong_checksum")]
    [TestCase("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", TestName = "Ethereum_with_a_wrong_EIP55_case")]
    [TestCase("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", TestName = "Tron_with_a_wrong_checksum")]
    [TestCase("sha256 0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", TestName = "A_64_digit_hash_is_not_an_address")]
    public void Strings_that_only_look_like_addresses_are_not_reported(string text) =>
        Assert.That(Extractor.Extract(text).Where(c => c.Kind is ContactKinds.Bitcoin or ContactKinds.Ethereum or ContactKinds.Tron), Is.Empty);

    [TestCase("Antique carving, 24 cm, 1.2 kg, price 1500000 VND, ref 20231115", "VN", TestName = "Sizes_prices_and_dates_are_not_phones")]
    [TestCase("A fine line of carvings, we chat together, telegram sent", null, TestName = "English_line_and_we_chat_are_not_handles")]
    [TestCase("Call 0912 345 678", null, TestName = "A_national_number_without_a_region_is_not_guessed")]
    [TestCase("see https://market.example/item/12 and https://www.market.example/c/ivory", null, TestName = "Links_to_the_listing_site_are_not_external")]
    public void Ordinary_text_yields_no_contact(string text, string? region) =>
        Assert.That(Extractor.Extract(text, region, "market.example"), Is.Empty);

    [Test]
    public void The_digits_of_an_address_or_url_are_not_read_again_as_a_phone()
    {
        var contacts = Extractor.Extract("wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 see https://photos.example.org/84912345678", "VN");

        Assert.That(contacts.Select(c => c.Kind), Is.EquivalentTo(new[] { ContactKinds.Bitcoin, ContactKinds.Url }));
    }

    [Test]
    public void Each_contact_is_reported_once_in_order_of_first_appearance()
    {
        var contacts = Extractor.Extract("mail a@example.com or A@Example.com; t.me/seller_one, Telegram: @seller_one");

        Assert.That(contacts, Is.EqualTo(new[]
        {
            new ContactIdentifier(ContactKinds.Telegram, "seller_one"),
            new ContactIdentifier(ContactKinds.Email, "a@example.com"),
        }));
    }
}
