namespace WildlifeWatch.Detection.Tests;

public sealed class TextNormalizerTests
{
    [TestCase("Ngà Voi", "nga voi", TestName = "Vietnamese_tone_marks_are_stripped")]
    [TestCase("Đũa ngà", "dua nga", TestName = "Vietnamese_d_with_stroke_becomes_d")]
    [TestCase("MARFÍM legítimo", "marfim legitimo", TestName = "Portuguese_accents_are_stripped")]
    [TestCase("Écailles de pangolín", "ecailles de pangolin", TestName = "French_and_Spanish_accents_are_stripped")]
    [TestCase("Stoßzahn", "stosszahn", TestName = "German_sharp_s_is_folded")]
    [TestCase("ＩＶＯＲＹ　ＴＵＳＫ", "ivory tusk", TestName = "Full_width_forms_are_folded")]
    [TestCase("i.v.o.r.y bangle", "ivory bangle", TestName = "Dotted_letters_are_joined")]
    [TestCase("i v o r y", "ivory", TestName = "Spaced_letters_are_joined")]
    [TestCase("r-h-i-n-o horn", "rhino horn", TestName = "Dashed_letters_are_joined")]
    [TestCase("1vory rh1no p4ngolin t1ger", "ivory rhino pangolin tiger", TestName = "Leetspeak_digits_inside_words_become_letters")]
    [TestCase("i.v.0.r.y", "ivory", TestName = "Spaced_leetspeak_is_undone")]
    [TestCase("50cm 5kg 24k mp3 2024", "50cm 5kg 24k mp3 2024", TestName = "Numbers_and_units_are_left_alone")]
    [TestCase("$500 @seller", "$500 @seller", TestName = "Currency_and_handles_are_left_alone")]
    [TestCase("象牙手镯 老料", "象牙手镯 老料", TestName = "Simplified_Chinese_is_untouched")]
    [TestCase("象牙手鐲 老貨", "象牙手鐲 老貨", TestName = "Traditional_Chinese_is_untouched")]
    [TestCase("べっ甲 かんざし ガラス", "べっ甲 かんざし ガラス", TestName = "Japanese_voiced_kana_are_untouched")]
    [TestCase("  many   spaces\n\tand tabs ", "many spaces and tabs", TestName = "White_space_is_collapsed")]
    public void Normalize_gives_the_expected_form(string input, string expected) =>
        Assert.That(TextNormalizer.Normalize(input), Is.EqualTo(expected));

    [Test]
    public void Thai_text_keeps_its_vowel_marks()
    {
        var normalized = TextNormalizer.Normalize("เขี้ยวเสือ");

        Assert.That(normalized, Is.EqualTo("เขี้ยวเสือ"));
    }

    [TestCase("Vòng tay ngà voi thật 100%, i.v.o.r.y, 1vory, ＴＵＳＫ")]
    [TestCase("象牙 サイズ กำไลงาช้าง Stoßzahn")]
    public void Normalizing_twice_changes_nothing(string input)
    {
        var once = TextNormalizer.Normalize(input);

        Assert.That(TextNormalizer.Normalize(once), Is.EqualTo(once));
    }
}
