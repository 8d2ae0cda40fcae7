package f5j.weights;

import f5j.tensor.DType;
import f5j.testing.Goldens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every checkpoint layout of the golden models loads bit-exactly against its safetensors reference. */
class CheckpointsTest {

    /** A golden safetensors file with the ema_model. prefix stripped (the reference). */
    static Map<String, RawTensor> reference(Path file) {
        Map<String, RawTensor> m = new LinkedHashMap<>();
        for (RawTensor t : SafeTensors.openManaged(file).tensors()) {
            String n = t.name().startsWith("ema_model.") ? t.name().substring("ema_model.".length()) : t.name();
            m.put(n, t);
        }
        return m;
    }

    static void assertSame(Map<String, RawTensor> actual, Map<String, RawTensor> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
            RawTensor a = actual.get(e.getKey());
            assertThat(a.sameAs(e.getValue())).as("%s bit-exact", e.getKey()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0", "f5tts-tiny-v1"})
    void trainerCheckpointEmaAndOnlineMatchSafetensors(String model) {
        Path dir = Goldens.file(model);
        Map<String, RawTensor> ema = reference(dir.resolve("model.safetensors"));
        Map<String, RawTensor> online = reference(dir.resolve("model_online.safetensors"));

        StateDict e = Checkpoints.load(dir.resolve("model_2.pt"), Weights.EMA);
        assertSame(e.tensors(), ema);
        assertThat(e.info().layout()).isEqualTo("trainer");
        assertThat(e.info().source()).isEqualTo("ema_model_state_dict");
        assertThat(e.info().update()).isEqualTo(2L);
        assertThat(e.info().initted()).isTrue();
        assertThat(e.info().emaStep()).isNotNull();
        assertThat(e.info().dropped()).containsExactlyInAnyOrder("initted", "step");

        StateDict o = Checkpoints.load(dir.resolve("model_2.pt"), Weights.ONLINE);
        assertSame(o.tensors(), online);
        assertThat(o.info().source()).isEqualTo("model_state_dict");

        assertSame(Checkpoints.loadStateDict(dir.resolve("pruned_ema.pt"), Weights.EMA), ema);
        assertSame(Checkpoints.loadStateDict(dir.resolve("model.safetensors"), Weights.EMA), ema);
        assertThat(e.tensors().keySet()).allMatch(k -> k.startsWith("transformer."));
    }

    @Test
    void onlineAndEmaWeightsDiffer() {
        Path pt = Goldens.file("f5tts-tiny-v1/model_2.pt");
        Map<String, RawTensor> ema = Checkpoints.loadStateDict(pt, Weights.EMA);
        Map<String, RawTensor> online = Checkpoints.loadStateDict(pt, Weights.ONLINE);
        assertThat(online.keySet()).isEqualTo(ema.keySet());
        long differing = ema.keySet().stream().filter(k -> !ema.get(k).sameAs(online.get(k))).count();
        assertThat(differing).isGreaterThan(0);
    }

    @Test
    void vocosBinIsAPlainStateDict() {
        Path bin = Goldens.file("vocos-tiny/pytorch_model.bin");
        Map<String, RawTensor> sd = TorchCheckpoint.readStateDict(bin);
        assertThat(sd).containsKeys("backbone.embed.weight", "head.out.weight", "head.istft.window");
        assertThat(sd.get("backbone.embed.weight").shape()).containsExactly(64, 100, 7);
        assertThat(sd.get("head.istft.window").dtype()).isEqualTo(DType.F32);
        // The window's storage holds 1025 elements (periodic Hann sliced to 1024): the view honours that.
        assertThat(sd.get("head.istft.window").shape()).containsExactly(1024);
        assertThat(sd.get("head.istft.window").data().byteSize()).isEqualTo(4096);
        assertSame(Checkpoints.loadStateDict(bin, Weights.EMA), sd);
    }
}
