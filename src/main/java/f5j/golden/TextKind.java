package f5j.golden;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import f5j.text.PinyinConverter;
import f5j.text.TextChunker;
import f5j.text.Vocab;

import java.util.List;
import java.util.Map;

/**
 * Golden kind {@code text}: convert_char_to_pinyin of each text in {@code texts} (against {@code converted}),
 * the token ids of each with the vocab named in {@code vocab} (against {@code out/ids#i}), and
 * chunk_text(long_text, n) for each n in {@code chunks}. All compared exactly, token boundaries included.
 */
public final class TextKind implements GoldenKind {
    /** Both sides are written by the same Gson, so the JSON texts are equal iff the token lists are. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    @Override
    public String kind() { return "text"; }

    @Override
    public void verify(GoldenFile golden, VerifyOptions options, GoldenReport report) {
        Vocab vocab = Vocab.load(golden.dir().resolve(golden.requireMeta("vocab")));
        JsonArray texts = golden.metaJson("texts").getAsJsonArray();
        JsonArray converted = golden.metaJson("converted").getAsJsonArray();
        for (int i = 0; i < texts.size(); i++) {
            List<String> tokens = PinyinConverter.convert(texts.get(i).getAsString());
            report.compareText("converted#" + i, GSON.toJson(converted.get(i)), GSON.toJson(tokens));
            String ids = "out/ids#" + i;
            if (golden.has(ids)) report.compareExact(ids, golden.raw(ids).toLongs(), vocab.ids(tokens));
            else report.fail(ids, "missing from the golden");
        }
        String longText = golden.requireMeta("long_text");
        JsonObject chunks = golden.metaJson("chunks").getAsJsonObject();
        for (Map.Entry<String, JsonElement> e : chunks.entrySet()) {
            List<String> got = TextChunker.chunk(longText, Integer.parseInt(e.getKey()));
            report.compareText("chunks@" + e.getKey(), GSON.toJson(e.getValue()), GSON.toJson(got));
        }
    }
}
