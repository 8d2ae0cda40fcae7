package f5j.vocoder;

import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VocosConfigTest {
    @TempDir Path tmp;

    @Test
    void readsTheGoldenConfig() {
        VocosConfig c = VocosConfig.load(Goldens.file("vocos-tiny/config.yaml"));
        assertThat(c).isEqualTo(new VocosConfig(24000, 1024, 256, 100, "center", 100, 64, 192, 2, 64, 1024, 256, "center"));
    }

    @Test
    void rejectsOtherVariantsAndBrokenFiles() throws IOException {
        String golden = Files.readString(Goldens.file("vocos-tiny/config.yaml"));
        expect(golden.replace("vocos.heads.ISTFTHead", "vocos.heads.IMDCTCosHead"), "head.class_path vocos.heads.IMDCTCosHead is not supported");
        expect(golden.replace("    num_layers: 2\n", ""), "init_args.num_layers is missing");
        expect(golden.replace("    padding: center\n\nbackbone", "    padding: valid\n\nbackbone"), "feature_extractor.padding must be center or same");
        expect("backbone: [1, 2\n", "not valid YAML");
        assertThatThrownBy(() -> Vocos.load(tmp.resolve("nowhere"), f5j.compute.Backend.cpu()))
                .isInstanceOf(F5jException.class).hasMessageContaining("nowhere: not a folder");
    }

    private void expect(String yaml, String problem) throws IOException {
        Path f = tmp.resolve("config.yaml");
        Files.writeString(f, yaml);
        assertThatThrownBy(() -> VocosConfig.load(f)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(problem);
    }
}
