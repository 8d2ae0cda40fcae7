package f5j.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;
import f5j.testing.FuzzTargets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzz targets for the PyTorch checkpoint reader: whole files (zip structure, CRCs, inflation) and data.pkl
 * alone inside a valid archive (the restricted unpickler, storages and views). Without JAZZER_FUZZ only
 * the seed corpus runs; see the README for fuzzing longer.
 */
class CheckpointFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void zipFile(byte[] data) throws Throwable {
        Path f = FuzzTargets.tempFile("fuzz.pt", data);
        try {
            FuzzTargets.expectCleanOutcome(() -> touch(Checkpoints.load(f, Weights.EMA).tensors()));
        } finally {
            FuzzTargets.delete(f);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void dataPkl(byte[] pickle) throws Throwable {
        Path f = FuzzTargets.tempFile("fuzz.pt", archive(pickle));
        try {
            FuzzTargets.expectCleanOutcome(() -> {
                TorchCheckpoint ck = TorchCheckpoint.open(f);
                if (ck.root() instanceof Map<?, ?> m) touch(ck.tensors(m, ""));
            });
        } finally {
            FuzzTargets.delete(f);
        }
    }

    private static void touch(Map<String, RawTensor> sd) {
        for (RawTensor t : sd.values()) t.toFloats();
    }

    /** A valid archive around {@code pickle}, with storages "0" (4 floats) and "1" (2 longs) to point at. */
    private static byte[] archive(byte[] pickle) throws IOException {
        Path tmp = Files.createTempFile("f5j-fuzz", ".pt");
        try {
            new TorchZip("archive").pickle(pickle).storage("0", TorchZip.floats(1, 2, 3, 4))
                    .storage("1", new byte[16]).write(tmp);
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static TorchZip.Pickle oneTensor(long numel, long offset, long[] size, long[] stride) {
        return new TorchZip.Pickle().emptyOrderedDict().mark().str("w").tensor("FloatStorage", "0", numel, offset, size, stride).op('u');
    }

    /** data.pkl seeds: a valid state dict and the hostile pickles of HostileCheckpointTest, small. */
    static Map<String, byte[]> pickleSeeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("valid", oneTensor(4, 0, new long[] {2, 2}, new long[] {2, 1}).end());
        s.put("strided", oneTensor(4, 1, new long[] {3}, new long[] {1}).end());
        s.put("trainer", new TorchZip.Pickle().op('}').mark().str("ema_model_state_dict").emptyOrderedDict().mark()
                .str("ema_model.w").tensor("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).op('u')
                .str("step").tensor("LongStorage", "1", 2, 0, new long[0], new long[0]).op('u').end());
        TorchZip.Pickle dag = new TorchZip.Pickle().op('}').op(']').op('q').op(0).op('0');
        for (int i = 0; i < 60; i++) dag.op(']').op('h').op(0).op('a').op('h').op(0).op('a').op('q').op(0).op('0');
        s.put("list-dag-key", dag.op('h').op(0).op('N').op('s').end());
        TorchZip.Pickle tuples = new TorchZip.Pickle().global("torch._utils", "_rebuild_tensor_v2").op('N').op('q').op(0).op('0');
        for (int i = 0; i < 60; i++) tuples.op('h').op(0).op('h').op(0).op(0x86).op('q').op(0).op('0');
        s.put("tuple-dag-args", tuples.op('h').op(0).op(0x85).op('R').end());
        s.put("cyclic-list", new TorchZip.Pickle().global("torch._utils", "_rebuild_tensor_v2").op(']').op('q').op(0).op('h').op(0)
                .op('a').op(0x85).op('R').end());
        TorchZip.Pickle deep = new TorchZip.Pickle();
        for (int i = 0; i < 2000; i++) deep.op(']');
        for (int i = 1; i < 2000; i++) deep.op('a');
        s.put("deep-list", deep.end());
        s.put("string-2gb", new TorchZip.Pickle().opLe('X', 0x7fffffffL, 4).raw("abc".getBytes(StandardCharsets.US_ASCII)).end());
        s.put("long-digits", new TorchZip.Pickle().op('L').raw(("9".repeat(4400) + "L\n").getBytes(StandardCharsets.US_ASCII)).end());
        s.put("numel-2e62", oneTensor(1L << 62, 0, new long[] {2}, new long[] {1}).end());
        s.put("shape-2e80", oneTensor(4, 0, new long[] {1L << 40, 1L << 40}, new long[] {1, 1}).end());
        s.put("stride-huge", oneTensor(4, 0, new long[] {2, 2}, new long[] {Long.MAX_VALUE / 2, 1}).end());
        s.put("offset-huge", oneTensor(4, Long.MAX_VALUE - 1, new long[] {2}, new long[] {1}).end());
        s.put("os-system", new TorchZip.Pickle().global("os", "system").mark().str("true").tuple().op('R').end());
        s.put("set", new TorchZip.Pickle().op(0x8f).end());
        s.put("truncated", Arrays.copyOf(oneTensor(4, 0, new long[] {4}, new long[] {1}).end(), 40));
        return s;
    }

    /** Whole-file seeds: valid, ZIP64, a bad CRC, a lying deflated size, legacy and foreign formats. */
    static Map<String, byte[]> fileSeeds() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        byte[] valid = archive(oneTensor(4, 0, new long[] {4}, new long[] {1}).end());
        s.put("valid.pt", valid);
        Path tmp = Files.createTempFile("f5j-fuzz", ".pt");
        try {
            Files.write(tmp, valid);
            TorchZip.toZip64(tmp);
            s.put("zip64.pt", Files.readAllBytes(tmp));
            byte[] crc = valid.clone();
            byte[] one = TorchZip.floats(3);
            for (int p = 0; p + 4 <= crc.length; p++) {
                if (Arrays.equals(crc, p, p + 4, one, 0, 4)) { crc[p + 3] ^= 0x10; break; }
            }
            s.put("bad-crc.pt", crc);
            byte[] pkl = new TorchZip.Pickle().emptyOrderedDict().end();
            new TorchZip("archive").pickle(Arrays.copyOf(pkl, pkl.length + (1 << 16))).deflatePickle().write(tmp);
            TorchZip.patchCentral(tmp, "archive/data.pkl", 24, 100);
            s.put("deflate-lying.pt", Files.readAllBytes(tmp));
        } finally {
            Files.deleteIfExists(tmp);
        }
        s.put("legacy.pt", new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        s.put("text.pt", "not a checkpoint".getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    @Test
    void seedCorporaAreInStepWithTheirGenerators() throws IOException {
        FuzzTargets.checkCorpus(CheckpointFuzzTest.class, "dataPkl", pickleSeeds());
        FuzzTargets.checkCorpus(CheckpointFuzzTest.class, "zipFile", fileSeeds());
    }
}
