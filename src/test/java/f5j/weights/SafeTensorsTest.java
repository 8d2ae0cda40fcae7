package f5j.weights;

import f5j.tensor.DType;
import f5j.tensor.Tensor;
import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeTensorsTest {
    @TempDir Path tmp;

    @Test
    void writesAndReadsBack() {
        Tensor t = new Tensor(new float[]{1, -2, 3.5f, 4, 5, 6}, 2, 3);
        Path f = tmp.resolve("x.safetensors");
        SafeTensors.write(f, List.of(RawTensor.of("a", t), RawTensor.ofLongs("ids", new long[]{7, -1}, 2),
                RawTensor.ofBools("m", new boolean[]{true, false}, 2)), Map.of("kind", "test"));
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.meta("kind")).isEqualTo("test");
            assertThat(st.get("a").toFloats()).containsExactly(t.data);
            assertThat(st.get("a").shape()).containsExactly(2, 3);
            assertThat(st.get("ids").dtype()).isEqualTo(DType.I64);
            assertThat(st.get("ids").toLongs()).containsExactly(7, -1);
            assertThat(st.get("m").toBools()).containsExactly(true, false);
        }
    }

    @Test
    void readsAGolden() {
        try (SafeTensors st = SafeTensors.open(Goldens.file("rng.safetensors"))) {
            assertThat(st.meta("kind")).isEqualTo("rng");
            assertThat(st.get("out/randn_seed0_n7").shape()).containsExactly(7, 100);
        }
    }

    @Test
    void truncatedFileIsNamed() throws Exception {
        byte[] all = Files.readAllBytes(Goldens.file("rng.safetensors"));
        Path f = tmp.resolve("cut.safetensors");
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> SafeTensors.open(f)).isInstanceOf(F5jException.class)
                .hasMessageContaining("cut.safetensors").hasMessageContaining("truncated");
    }

    @Test
    void garbageIsNotASafetensorsFile() throws Exception {
        Path f = tmp.resolve("junk.safetensors");
        Files.writeString(f, "hello, this is not a tensor file at all");
        assertThatThrownBy(() -> SafeTensors.open(f)).isInstanceOf(F5jException.class)
                .hasMessageContaining("junk.safetensors");
    }
}
