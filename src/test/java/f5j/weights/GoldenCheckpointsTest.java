package f5j.weights;

import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `./f5j golden verify` on every golden checkpoint: all checks pass, none is skipped. */
class GoldenCheckpointsTest {
    @Test
    void everyGoldenCheckpointVerifies() {
        List<Path> files = new ArrayList<>();
        for (String m : new String[] {"f5tts-tiny-v0", "f5tts-tiny-v1"}) {
            for (String f : new String[] {"model_2.pt", "pruned_ema.pt", "model.safetensors", "model_online.safetensors"}) {
                files.add(Goldens.file(m + "/" + f));
            }
        }
        files.add(Goldens.file("vocos-tiny/pytorch_model.bin"));
        GoldenReport r = Verifier.verify(files, GoldenRun.CPU);
        assertThat(r.checks()).filteredOn(c -> !c.passed()).isEmpty();
        // 64 tensors per EMA/online comparison: 2 models x (model_2.pt ema + online, pruned ema) + 29 Vocos tensors.
        assertThat(r.checks().stream().filter(c -> c.note().equals("bit-exact")).count()).isEqualTo(2 * 3 * 64 + 29);
        assertThat(r.checks()).extracting(Check::name).contains(
                "f5tts-tiny-v1/model.safetensors: ema: same as model_2.pt", "f5tts-tiny-v1/model.safetensors: ema: same as pruned_ema.pt",
                "f5tts-tiny-v1/model_online.safetensors: online: same as model_2.pt", "f5tts-tiny-v1/model_2.pt: online differs from ema",
                "vocos-tiny/pytorch_model.bin: shapes fit config.yaml");
    }
}
