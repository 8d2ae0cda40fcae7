package f5j.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import f5j.golden.GoldenFile;
import f5j.infer.InferText;
import f5j.testing.Goldens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The text side of the infer_process goldens: the ref_text fix, max_chars from the preprocessed reference's
 * length, the chunks, each chunk's converted text (ref_text + chunk, joined: {@code text_chars}) and its
 * duration, all as recorded in the golden's {@code chunks} metadata.
 */
class InferGoldenTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0/infer_24k.safetensors", "f5tts-tiny-v0/infer_44k1_stereo.safetensors",
            "f5tts-tiny-v1/infer_24k.safetensors", "f5tts-tiny-v1/infer_44k1_stereo.safetensors"})
    void chunksTextCharsAndDurations(String file) throws IOException {
        try (GoldenFile g = GoldenFile.open(Goldens.file(file))) {
            String fixed = InferText.fixRefText(g.requireMeta("ref_text_in"));
            assertThat(fixed).isEqualTo(g.requireMeta("ref_text_fixed"));

            // The preprocessed reference keeps the original file's rate (pydub exports at its frame rate).
            long[] shape = g.raw("out/ref_preprocessed").shape();
            long samples = shape[shape.length - 1];
            int rate = wavSampleRate(g.dir().resolve(g.requireMeta("ref_file")));
            List<String> chunks = InferText.chunks(g.requireMeta("gen_text"), fixed, samples, rate, 1.0);

            JsonArray expected = g.metaJson("chunks").getAsJsonArray();
            assertThat(chunks).hasSize(expected.size());
            String batchRef = InferText.batchRefText(fixed);
            int refFrames = InferText.refFrames(InferText.resampledLength(samples, rate, InferText.TARGET_SAMPLE_RATE));
            for (int i = 0; i < chunks.size(); i++) {
                JsonObject e = expected.get(i).getAsJsonObject();
                assertThat(PinyinConverter.convertJoined(batchRef + chunks.get(i))).as("chunk %d text_chars", i)
                        .isEqualTo(e.get("text_chars").getAsString());
                assertThat(InferText.duration(refFrames, batchRef, chunks.get(i), 1.0, null)).as("chunk %d duration", i)
                        .isEqualTo(e.get("duration").getAsInt());
            }
        }
    }

    /** The sample rate in a RIFF/WAVE file's fmt chunk. */
    private static int wavSampleRate(Path wav) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        for (int pos = 12; pos + 8 <= b.limit(); pos += 8 + ((b.getInt(pos + 4) + 1) & ~1)) {
            if (b.get(pos) == 'f' && b.get(pos + 1) == 'm' && b.get(pos + 2) == 't') return b.getInt(pos + 12);
        }
        throw new IOException(wav + ": no fmt chunk");
    }
}
