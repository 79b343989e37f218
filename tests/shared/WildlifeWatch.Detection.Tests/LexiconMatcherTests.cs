using WildlifeWatch.Contracts.V1;

namespace WildlifeWatch.Detection.Tests;

public sealed class LexiconMatcherTests
{
    private static readonly LexiconMatcher Matcher = LexiconMatcher.LoadDefault();

    private static IReadOnlyList<LexiconHit> Positives(string text) => Matcher.Match(text).Where(h => !h.Negative).ToList();

    [Test]
    public void The_embedded_lexicon_has_several_hundred_terms_in_every_language()
    {
        var byLanguage = Matcher.Lexicon.Terms.GroupBy(t => t.Language).ToDictionary(g => g.Key, g => g.Count());

        Assert.Multiple(() =>
        {
            Assert.That(Matcher.TermCount, Is.GreaterThan(500));
            foreach (var language in new[] { "en", "fr", "es", "pt", "zh-Hans", "zh-Hant", "vi", "th", "id", "de", "ja" })
            {
                Assert.That(byLanguage.GetValueOrDefault(language), Is.GreaterThan(20), language);
            }

            Assert.That(Matcher.Lexicon.Terms.Count(t => t.Negative), Is.GreaterThan(200));
        });
    }

    [TestCase("Antique carved ivory bangle", "ivory", "ivory", TestName = "English_ivory")]
    [TestCase("Bracelet en ivoire d'éléphant", "ivory", "ivory", TestName = "French_ivory")]
    [TestCase("Pulsera de marfil antiguo", "ivory", "ivory", TestName = "Spanish_ivory")]
    [TestCase("Pulseira de marfim legítimo", "ivory", "ivory", TestName = "Portuguese_ivory")]
    [TestCase("老象牙手镯 满肉", "ivory", "ivory", TestName = "Simplified_Chinese_ivory")]
    [TestCase("象牙手鐲 老料", "ivory", "ivory", TestName = "Traditional_Chinese_ivory")]
    [TestCase("Vòng tay ngà voi thật", "ivory", "ivory", TestName = "Vietnamese_ivory")]
    [TestCase("vong tay nga voi that", "ivory", "ivory", TestName = "Vietnamese_ivory_without_tone_marks")]
    [TestCase("กำไลงาช้างแท้", "ivory", "ivory", TestName = "Thai_ivory")]
    [TestCase("Gelang gading gajah asli", "ivory", "ivory", TestName = "Indonesian_ivory")]
    [TestCase("Armreif aus echtem Elfenbein", "ivory", "ivory", TestName = "German_ivory")]
    [TestCase("本象牙 印鑑", "ivory", "ivory", TestName = "Japanese_ivory")]
    [TestCase("Rhino horn powder 50g", "rhino", "horn", TestName = "English_rhino_horn")]
    [TestCase("Corne de rhinocéros entière", "rhino", "horn", TestName = "French_rhino_horn")]
    [TestCase("sừng tê giác nguyên chiếc", "rhino", "horn", TestName = "Vietnamese_rhino_horn")]
    [TestCase("犀牛角粉 退烧", "rhino", "horn", TestName = "Chinese_rhino_horn")]
    [TestCase("Escamas de pangolín por kilo", "pangolin", "scales", TestName = "Spanish_pangolin_scales")]
    [TestCase("Escamas de pangolim secas", "pangolin", "scales", TestName = "Portuguese_pangolin_scales")]
    [TestCase("穿山甲片 炮山甲", "pangolin", "scales", TestName = "Chinese_pangolin_scales")]
    [TestCase("Vảy tê tê khô", "pangolin", "scales", TestName = "Vietnamese_pangolin_scales")]
    [TestCase("Sisik trenggiling kering", "pangolin", "scales", TestName = "Indonesian_pangolin_scales")]
    [TestCase("Tiger bone wine", "big-cats", "bones-medicine", TestName = "English_tiger_bone")]
    [TestCase("เขี้ยวเสือแท้", "big-cats", "bones-medicine", TestName = "Thai_tiger_fang")]
    [TestCase("熊膽粉 野生", "bears", "bones-medicine", TestName = "Traditional_Chinese_bear_bile")]
    [TestCase("熊の胆 乾燥", "bears", "bones-medicine", TestName = "Japanese_bear_bile")]
    [TestCase("Bärengalle Kapseln", "bears", "bones-medicine", TestName = "German_bear_bile")]
    [TestCase("Aleta de tiburón seca", "sharks", "other-wildlife", TestName = "Spanish_shark_fin")]
    [TestCase("フカヒレ 姿煮用", "sharks", "other-wildlife", TestName = "Japanese_shark_fin")]
    [TestCase("Peigne de carey", "marine-turtles", "other-wildlife", TestName = "Spanish_hawksbill")]
    [TestCase("Kukang jinak", "primates", "live-animal", TestName = "Indonesian_slow_loris")]
    [TestCase("Graupapagei Wildfang", "birds", "live-animal", TestName = "German_grey_parrot")]
    [TestCase("i.v.o.r.y netsuke", "ivory", "ivory", TestName = "Dotted_evasion_spelling")]
    [TestCase("1vory chopsticks", "ivory", "ivory", TestName = "Leetspeak_evasion_spelling")]
    [TestCase("p4ngolin scales", "pangolin", "scales", TestName = "Leetspeak_pangolin")]
    [TestCase("ＩＶＯＲＹ carving", "ivory", "ivory", TestName = "Full_width_evasion_spelling")]
    [TestCase("elephant tusks pair", "ivory", "ivory", TestName = "Plural_forms_hit")]
    [TestCase("Bracelet en 1voire ancien", "ivory", "ivory", TestName = "French_leetspeak_evasion")]
    [TestCase("Pulsera de m.a.r.f.i.l", "ivory", "ivory", TestName = "Spanish_dotted_evasion")]
    [TestCase("Pulseira de marf1m", "ivory", "ivory", TestName = "Portuguese_leetspeak_evasion")]
    [TestCase("Armreif aus E l f e n b e i n", "ivory", "ivory", TestName = "German_spaced_evasion")]
    [TestCase("Gelang g4ding gajah", "ivory", "ivory", TestName = "Indonesian_leetspeak_evasion")]
    [TestCase("VONG TAY NGA VOI", "ivory", "ivory", TestName = "Vietnamese_without_tone_marks_in_capitals")]
    [TestCase("ｃｏｒｎｅ ｄｅ ｒｈｉｎｏｃéｒｏｓ", "rhino", "horn", TestName = "French_full_width_evasion")]
    [TestCase("Escamas de pang0lín", "pangolin", "scales", TestName = "Spanish_leetspeak_with_accent")]
    [TestCase("犀角杯 老件", "rhino", "horn", TestName = "Chinese_simplified_rhino_cup")]
    [TestCase("老象牙手鐲", "ivory", "ivory", TestName = "Chinese_traditional_bangle")]
    [TestCase("ｗｈｉｔｅ ｇｏｌｄ for sale, pm", "ivory", "ivory", TestName = "Trade_code_white_gold_in_full_width")]
    public void A_term_is_found_with_its_group_and_product(string text, string group, string product)
    {
        var hits = Positives(text);

        Assert.That(hits.Any(h => h.SpeciesGroup == group && h.ProductType == product), Is.True,
            () => $"hits: {string.Join(", ", hits.Select(h => $"{h.Term}/{h.SpeciesGroup}/{h.ProductType}"))}");
    }

    [Test]
    public void A_hit_carries_taxon_appendix_language_and_its_span_in_the_normalized_text()
    {
        const string text = "Selling i.v.o.r.y bangle";
        var normalized = TextNormalizer.Normalize(text);

        var hit = Positives(text).Single(h => h.Term == "ivory");

        Assert.Multiple(() =>
        {
            Assert.That(hit.Language, Is.EqualTo("en"));
            Assert.That(hit.Taxon, Does.Contain("Loxodonta"));
            Assert.That(hit.CitesAppendix, Is.EqualTo("I"));
            Assert.That(normalized.Substring(hit.Start, hit.Length), Is.EqualTo("ivory"));
        });
    }

    [TestCase("pythonic code style", "python", TestName = "Python_inside_pythonic_does_not_hit")]
    [TestCase("ivoryx brand", "ivory", TestName = "Ivory_inside_a_longer_word_does_not_hit")]
    [TestCase("the tigerauge stone", "tiger", TestName = "Tiger_inside_a_German_compound_does_not_hit")]
    [TestCase("unterhaltung", "tusk", TestName = "A_term_in_the_middle_of_a_word_does_not_hit")]
    public void Latin_terms_need_word_boundaries(string text, string term) =>
        Assert.That(Matcher.Match(text).Select(h => h.Term), Has.No.Member(term));

    [Test]
    public void CJK_terms_need_no_word_boundaries()
    {
        Assert.That(Positives("出售老象牙手镯一只").Select(h => h.Term), Has.Member("象牙"));
    }

    [Test]
    public void Jaguar_the_car_is_recorded_as_negative_context_over_the_species_name()
    {
        var hits = Matcher.Match("Jaguar XF front bumper 2016");

        var jaguar = hits.Single(h => h.Term == "jaguar" && !h.Negative);
        Assert.That(hits.Any(h => h.Negative && h.Start <= jaguar.Start && h.Start + h.Length >= jaguar.Start + jaguar.Length), Is.True);
    }

    [TestCase("Faux fur coat", "faux")]
    [TestCase("Resin rhino figurine", "resin")]
    [TestCase("Ivory-coloured cardigan", "ivory-coloured")]
    [TestCase("ivory white paint", "ivory white")]
    [TestCase("Tiger Balm ointment", "tiger balm")]
    [TestCase("Rhino 3D license", "rhino 3d")]
    [TestCase("crocodile embossed PU leather bag", "pu leather")]
    [TestCase("Manteau fausse fourrure", "fausse fourrure")]
    [TestCase("仿象牙 树脂 手镯", "树脂")]
    [TestCase("Váy màu trắng ngà", "trắng ngà")]
    [TestCase("アイボリー ワンピース", "アイボリー")]
    [TestCase("虎皮鹦鹉 一对", "虎皮鹦鹉")]
    public void Decoy_context_is_reported_as_negative_hits(string text, string term)
    {
        var negatives = Matcher.Match(text).Where(h => h.Negative).Select(h => h.Term).ToList();

        Assert.That(negatives, Has.Member(term));
    }

    [Test]
    public void A_matcher_can_be_built_from_a_small_lexicon()
    {
        var lexicon = new Lexicon(
        [
            new LexiconTerm("he", "en", "T", "I", "g", "ivory", false),
            new LexiconTerm("she", "en", "T", "I", "g", "ivory", false),
            new LexiconTerm("hers", "en", "T", "I", "g", "ivory", false),
            new LexiconTerm("他们", "zh-Hans", "T", "II", "g", "horn", false),
            new LexiconTerm("fake", "en", "", "", "", "not-wildlife", true),
        ]);
        var matcher = new LexiconMatcher(lexicon);

        var hits = matcher.Match("she said hers is fake, 他们说");

        Assert.That(hits.Select(h => (h.Term, h.Start, h.Negative)), Is.EqualTo(new[]
        {
            ("she", 0, false), ("hers", 9, false), ("fake", 17, true), ("他们", 23, false),
        }));
    }
}
