package f5j.weights;

import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tiny hostile checkpoints that used to hang, exhaust memory or end in a stack trace: each must now end
 * quickly in one F5jException naming the file. The files are built here, opcode by opcode.
 */
class HostileCheckpointTest {
    @TempDir Path tmp;

    private Path zip(String name, byte[] pkl) throws IOException {
        return new TorchZip("archive").pickle(pkl).write(tmp.resolve(name));
    }

    /** Opens {@code f} within a few seconds and returns the F5jException's message. */
    private static String refused(Path f) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                TorchCheckpoint.readStateDict(f);
            } catch (F5jException e) {
                assertThat(e.getMessage()).startsWith(f.toString()).hasSizeLessThan(600);
                return e.getMessage();
            }
            throw new AssertionError(f + " was accepted");
        });
    }

    private static TorchZip.Pickle rebuildWithArgs() { return new TorchZip.Pickle().global("torch._utils", "_rebuild_tensor_v2"); }

    @Test
    void aListDagAsADictKeyIsRefusedNotHashed() throws IOException {
        // L(k+1) = [L(k), L(k)], 60 levels: 756 bytes whose hashCode never ends. Lists are unhashable in Python.
        TorchZip.Pickle p = new TorchZip.Pickle().op('}').op(']').op('q').op(0).op('0');
        for (int i = 0; i < 60; i++) p.op(']').op('h').op(0).op('a').op('h').op(0).op('a').op('q').op(0).op('0');
        Path f = zip("dagkey.pt", p.op('h').op(0).op('N').op('s').end());
        assertThat(refused(f)).contains("a list used as a dict key");
    }

    @Test
    void aTupleDagInTensorArgumentsIsShownBounded() throws IOException {
        // T(k+1) = (T(k), T(k)): printing it whole (Arrays.deepToString) needs 2^60 elements.
        TorchZip.Pickle p = rebuildWithArgs().op('N').op('q').op(0).op('0');
        for (int i = 0; i < 60; i++) p.op('h').op(0).op('h').op(0).op(0x86).op('q').op(0).op('0');
        Path f = zip("dagtuple.pt", p.op('h').op(0).op(0x85).op('R').end());
        assertThat(refused(f)).contains("rebuilds a tensor from unexpected arguments");
    }

    @Test
    void cyclicAndDeeplyNestedStructuresAreShownBounded() throws IOException {
        Path cyclic = zip("cycle.pt", rebuildWithArgs().op(']').op('q').op(0).op('h').op(0).op('a').op(0x85).op('R').end());
        assertThat(refused(cyclic)).contains("unexpected arguments ([[[...]]])");

        TorchZip.Pickle p = rebuildWithArgs();
        for (int i = 0; i < 200_000; i++) p.op(']');
        for (int i = 1; i < 200_000; i++) p.op('a');
        assertThat(refused(zip("deep.pt", p.op(0x85).op('R').end()))).contains("unexpected arguments");
    }

    @Test
    void lengthsBeyondTheFileAreRefusedBeforeAllocating() throws IOException {
        Path str = zip("str.pt", new TorchZip.Pickle().opLe('X', 0x7fffffffL, 4).raw("abc".getBytes(StandardCharsets.US_ASCII)).end());
        assertThat(refused(str)).contains("claims 2147483647 bytes but only");
        Path bytes8 = zip("b8.pt", new TorchZip.Pickle().opLe(0x8e, 1L << 40, 8).end());
        assertThat(refused(bytes8)).contains("claims 1099511627776 bytes");
        Path neg = zip("neg.pt", new TorchZip.Pickle().opLe('T', -5, 4).end());
        assertThat(refused(neg)).contains("a negative length");
        Path digits = zip("digits.pt", new TorchZip.Pickle().op('L').raw(("1".repeat(50_000) + "L\n").getBytes(StandardCharsets.US_ASCII)).end());
        assertThat(refused(digits)).contains("an integer of more than 4300 digits");
    }

    @Test
    void theUnpicklerStackIsBounded() throws IOException {
        TorchZip.Pickle p = new TorchZip.Pickle();
        for (int i = 0; i <= RestrictedUnpickler.MAX_STACK; i++) p.op('N');
        assertThat(refused(zip("stack.pt", p.end()))).contains("objects on the unpickler stack");
    }

    @Test
    void setsAndOutOfBandBuffersAreRefused() throws IOException {
        assertThat(refused(zip("set.pt", new TorchZip.Pickle().op(0x8f).end()))).contains("builds a set");
        assertThat(refused(zip("buf.pt", new TorchZip.Pickle().op(0x97).end()))).contains("out-of-band buffers");
    }

    @Test
    void hugeNumelsOffsetsAndStridesAreRefused() throws IOException {
        byte[] bigStorage = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 1L << 62, 0, new long[] {2}, new long[] {1}).op('u').end();
        Path a = new TorchZip("archive").pickle(bigStorage).storage("0", TorchZip.floats(1, 2)).write(tmp.resolve("numel.pt"));
        assertThat(refused(a)).contains("storage '0' claims 4611686018427387904 elements");

        byte[] bigShape = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 2, 0, new long[] {1L << 40, 1L << 40}, new long[] {1, 1}).op('u').end();
        Path b = new TorchZip("archive").pickle(bigShape).storage("0", TorchZip.floats(1, 2)).write(tmp.resolve("shape.pt"));
        assertThat(refused(b)).contains("tensor w has shape [1099511627776, 1099511627776], more than");

        byte[] bigStride = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 2, 0, new long[] {2, 2}, new long[] {Long.MAX_VALUE / 2, 1}).op('u').end();
        Path c = new TorchZip("archive").pickle(bigStride).storage("0", TorchZip.floats(1, 2)).write(tmp.resolve("stride.pt"));
        assertThat(refused(c)).contains("reaches element");

        byte[] bigOffset = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 2, Long.MAX_VALUE - 1, new long[] {2}, new long[] {1}).op('u').end();
        Path d = new TorchZip("archive").pickle(bigOffset).storage("0", TorchZip.floats(1, 2)).write(tmp.resolve("offset.pt"));
        assertThat(refused(d)).contains("reaches element");
    }

    @Test
    void aCorruptedStorageFailsItsCrc() throws IOException {
        byte[] pkl = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1}).op('u').end();
        Path f = new TorchZip("archive").pickle(pkl).storage("0", TorchZip.floats(1, 2)).write(tmp.resolve("crc.pt"));
        byte[] z = Files.readAllBytes(f);
        byte[] two = TorchZip.floats(2);
        for (int p = 0; p + 4 <= z.length; p++) {
            if (java.util.Arrays.equals(z, p, p + 4, two, 0, 4)) { z[p + 3] ^= 0x10; break; }
        }
        Files.write(f, z);
        assertThat(refused(f)).contains("CRC-32 of entry archive/data/0").contains("corrupted");
    }

    @Test
    void compressedPicklesAreBoundedByTheirDeclaredSize() throws IOException {
        byte[] pkl = new TorchZip.Pickle().emptyOrderedDict().end();
        byte[] padded = java.util.Arrays.copyOf(pkl, pkl.length + (1 << 20));  // zeros after STOP compress ~1000:1
        Path lying = new TorchZip("archive").pickle(padded).deflatePickle().write(tmp.resolve("lying.pt"));
        TorchZip.patchCentral(lying, "archive/data.pkl", 24, 100);
        assertThat(refused(lying)).contains("inflates to more than the 100 bytes it declares");

        Path huge = new TorchZip("archive").pickle(padded).deflatePickle().write(tmp.resolve("huge.pt"));
        TorchZip.patchCentral(huge, "archive/data.pkl", 24, Integer.MAX_VALUE - 100);
        assertThat(refused(huge)).contains("data.pkl is 2147483547 bytes (at most 67108864");

        Path ratio = new TorchZip("archive").pickle(padded).deflatePickle().write(tmp.resolve("ratio.pt"));
        TorchZip.patchCentral(ratio, "archive/data.pkl", 24, 60 << 20);
        assertThat(refused(ratio)).contains("a ratio deflate cannot reach");
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() throws IOException {
        byte[] pkl = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 3, 0, new long[] {3}, new long[] {1}).op('u').end();
        Path f = new TorchZip("archive").pickle(pkl).storage("0", TorchZip.floats(1, Float.NaN, 2)).write(tmp.resolve("nan.pt"));
        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(f)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f + ": tensor w holds NaN at element 1 (non-finite weights");

        // A converted model folder whose weights were damaged afterwards: loading (synth, audit) refuses it.
        java.util.List<RawTensor> ts = new java.util.ArrayList<>();
        for (var e : CheckpointsTest.reference(f5j.testing.Goldens.file("f5tts-tiny-v1/model.safetensors")).entrySet()) {
            RawTensor t = e.getValue();
            t = new RawTensor(e.getKey(), t.dtype(), t.shape(), t.data());
            if (t.name().equals("transformer.proj_out.bias")) {
                float[] v = t.toFloats().clone();
                v[5] = Float.NEGATIVE_INFINITY;
                t = RawTensor.of(t.name(), new f5j.tensor.Tensor(v, t.intShape()));
            }
            ts.add(t);
        }
        Path st = tmp.resolve("inf.safetensors");
        SafeTensors.write(st, ts, java.util.Map.of());
        assertThatThrownBy(() -> Checkpoints.load(st, Weights.EMA)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(st + ": tensor transformer.proj_out.bias holds -Infinity at element 5");
        // and convert stops with exit code 2, writing nothing
        assertThat(f5j.cli.Main.execute("convert", "--checkpoint", st.toString(), "--config",
                f5j.testing.Goldens.file("f5tts-tiny-v1/model.yaml").toString(), "--vocab",
                f5j.testing.Goldens.file("f5tts-tiny-v1/vocab.txt").toString(), "--out-dir", tmp.resolve("w").toString(), "--name", "x"))
                .isEqualTo(2);
        assertThat(tmp.resolve("w/x")).doesNotExist();
    }
}
