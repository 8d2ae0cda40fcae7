package f5j.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tools/gen_goldens.sh's parts that need no upstream checkout: the rng generator reproduces the committed
 * rng.safetensors, and compare.py tells a regenerated file from one with a changed number.
 * (The other kinds need F5J_UPSTREAM; the goldens README lists what they gave.)
 */
class GoldenGeneratorTest {
    @Test
    void rngRegeneratesEqualAndCompareCatchesAChange(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("log.txt");
        assumeTrue(Python.hasTorch(log), "PyTorch is not installed");
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThat(Python.run(log, List.of("tools/goldens/gen_rng.py", out.toString()))).as(Files.readString(log)).isZero();
        String goldens = Goldens.dir().toString();

        assertThat(Python.run(log, List.of("tools/goldens/compare.py", goldens, out.toString()))).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("rng.safetensors: equal");

        try (RandomAccessFile f = new RandomAccessFile(out.resolve("rng.safetensors").toFile(), "rw")) {
            f.seek(f.length() - 4);  // the last float of the last tensor: add 1.0 to it
            int bits = Integer.reverseBytes(f.readInt());
            f.seek(f.length() - 4);
            f.writeInt(Integer.reverseBytes(Float.floatToIntBits(Float.intBitsToFloat(bits) + 1f)));
        }
        assertThat(Python.run(log, List.of("tools/goldens/compare.py", goldens, out.toString()))).isEqualTo(1);
        assertThat(Files.readString(log)).contains("rng.safetensors: differs: out/randn_seed2147483647_n1001");
    }
}
