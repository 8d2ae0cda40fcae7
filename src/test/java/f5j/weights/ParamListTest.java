package f5j.weights;

import f5j.compute.Backend;
import f5j.config.ModelConfig;
import f5j.dit.DiT;
import f5j.testing.Goldens;
import f5j.vocoder.Vocos;
import f5j.vocoder.VocosConfig;
import f5j.vocoder.VocosShapes;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers read exactly the tensors their model's parameter list declares: each model is built from a golden
 * state dict that fits the declaration, and the names its constructors look up are compared with it.
 */
class ParamListTest {
    /** A state dict that notes every name looked up. */
    static final class Watched extends LinkedHashMap<String, RawTensor> {
        final Set<String> read = new LinkedHashSet<>();

        Watched(Map<String, RawTensor> sd) { super(sd); }

        @Override public RawTensor get(Object k) { read.add((String) k); return super.get(k); }

        @Override public boolean containsKey(Object k) { read.add((String) k); return super.containsKey(k); }
    }

    @Test
    void theDitReadsEveryDeclaredTensorAndNoOther() {
        for (String m : new String[] {"f5tts-tiny-v0", "f5tts-tiny-v1"}) {
            ModelConfig c = ModelConfig.load(Goldens.file(m + "/model.yaml"));
            Watched sd = new Watched(CheckpointsTest.reference(Goldens.file(m + "/model.safetensors")));
            var declared = DitShapes.params(c.arch(), VocabFile.size(Goldens.file(m + "/vocab.txt")), c.melSpec().nMels());
            assertThat(ShapeCheck.of(sd, Param.shapes(declared)).ok()).as(m).isTrue();
            DiT.load(sd, c.arch(), Backend.cpu());
            assertThat(sd.read).as(m).containsExactlyInAnyOrderElementsOf(Param.names(declared));
        }
    }

    @Test
    void vocosReadsEveryDeclaredTensorAndNoOther() {
        VocosConfig c = VocosConfig.load(Goldens.file("vocos-tiny/config.yaml"));
        Watched sd = new Watched(TorchCheckpoint.readStateDict(Goldens.file("vocos-tiny/pytorch_model.bin")));
        var declared = VocosShapes.params(c);
        assertThat(ShapeCheck.of(sd, Param.shapes(declared)).ok()).isTrue();
        Vocos.fromStateDict(sd, c, Backend.cpu());
        assertThat(sd.read).containsExactlyInAnyOrderElementsOf(Param.names(declared));
    }
}
