package f5j.weights;

import f5j.tensor.DType;
import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The torch zip reader on crafted files: views, dtypes, laziness, and each kind of bad input. */
class TorchCheckpointTest {
    @TempDir Path tmp;

    /** OrderedDict({name: tensor}) over one storage "0". */
    private Path oneTensor(String file, String storageClass, long numel, long offset, long[] size, long[] stride, byte[] storage)
            throws IOException {
        byte[] pkl = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor(storageClass, "0", numel, offset, size, stride).op('u').end();
        return new TorchZip("archive").pickle(pkl).storage("0", storage).write(tmp.resolve(file));
    }

    @Test
    void stridedAndOffsetViewsAreMadeContiguous() throws IOException {
        byte[] s = TorchZip.floats(0, 1, 2, 3, 4, 5, 6);
        // A transposed 2x3 view of elements 1..6: element [i][j] = storage[1 + i + 2j].
        Path f = oneTensor("t.pt", "FloatStorage", 7, 1, new long[] {2, 3}, new long[] {1, 2}, s);
        RawTensor t = TorchCheckpoint.readStateDict(f).get("w");
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.toFloats()).containsExactly(1, 3, 5, 2, 4, 6);

        Path g = oneTensor("o.pt", "FloatStorage", 7, 4, new long[] {3}, new long[] {1}, s);
        assertThat(TorchCheckpoint.readStateDict(g).get("w").toFloats()).containsExactly(4, 5, 6);
    }

    @Test
    void everySupportedDtypeReadsItsValues() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f));
        assertThat(read("HalfStorage", 2, h.array())).satisfies(t -> {
            assertThat(t.dtype()).isEqualTo(DType.F16);
            assertThat(t.toFloats()).containsExactly(1.5f, -2f);
        });
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (Float.floatToIntBits(0.75f) >>> 16)).putShort((short) (Float.floatToIntBits(-3f) >>> 16));
        assertThat(read("BFloat16Storage", 2, b.array()).toFloats()).containsExactly(0.75f, -3f);
        ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1L << 40);
        assertThat(read("LongStorage", 2, l.array()).toLongs()).containsExactly(7, -1L << 40);
        assertThat(read("BoolStorage", 2, new byte[] {1, 0}).toBools()).containsExactly(true, false);
    }

    private RawTensor read(String storageClass, long n, byte[] bytes) throws IOException {
        Path f = oneTensor(storageClass + ".pt", storageClass, n, 0, new long[] {n}, new long[] {1}, bytes);
        return TorchCheckpoint.readStateDict(f).get("w");
    }

    @Test
    void unusedStoragesAreNeverRead() throws IOException {
        // A trainer-like file whose optimizer state names a storage entry that does not exist.
        byte[] pkl = new TorchZip.Pickle().op('}').mark()
                .str("ema_model_state_dict").emptyOrderedDict().mark()
                .str("ema_model.transformer.proj_out.bias").tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
                .op('u')
                .str("optimizer_state_dict").op('}').mark()
                .str("exp_avg").tensor("FloatStorage", "99", 1_000_000, 0, new long[] {1_000_000}, new long[] {1})
                .op('u')
                .op('u').end();
        Path f = new TorchZip("model_9").pickle(pkl).storage("0", TorchZip.floats(1, 2)).write(tmp.resolve("model_9.pt"));
        Map<String, RawTensor> sd = Checkpoints.loadStateDict(f, Weights.EMA);
        assertThat(sd).containsOnlyKeys("transformer.proj_out.bias");
        assertThat(sd.get("transformer.proj_out.bias").toFloats()).containsExactly(1, 2);
        assertThatThrownBy(() -> Checkpoints.loadStateDict(f, Weights.ONLINE))
                .isInstanceOf(F5jException.class).hasMessageContaining("has no model_state_dict");
    }

    @Test
    void unknownClassIsRefusedAndNothingRuns() throws IOException {
        // The classic payload: os.system('touch PWNED') via GLOBAL + REDUCE.
        Path marker = tmp.resolve("PWNED");
        byte[] pkl = new TorchZip.Pickle().global("os", "system").mark().str("touch " + marker).tuple().op('R').end();
        Path f = new TorchZip("evil").pickle(pkl).write(tmp.resolve("evil.pt"));
        assertThatThrownBy(() -> TorchCheckpoint.open(f)).isInstanceOf(F5jException.class)
                .hasMessage(f + ": data.pkl references unknown class os.system (refused; nothing is executed)");
        assertThat(marker).doesNotExist();

        // The same through STACK_GLOBAL (protocol 4 strings on the stack).
        byte[] pkl4 = new TorchZip.Pickle().str("builtins").str("eval").op(0x93).end();
        Path g = new TorchZip("evil4").pickle(pkl4).write(tmp.resolve("evil4.pt"));
        assertThatThrownBy(() -> TorchCheckpoint.open(g)).isInstanceOf(F5jException.class)
                .hasMessageContaining("data.pkl references unknown class builtins.eval (refused; nothing is executed)");
    }

    @Test
    void truncatedZipIsNamed() throws IOException {
        byte[] whole = Files.readAllBytes(Goldens.file("f5tts-tiny-v1/pruned_ema.pt"));
        Path f = Files.write(tmp.resolve("cut.pt"), Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> Checkpoints.loadStateDict(f, Weights.EMA)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f + ": truncated or damaged zip archive");
    }

    @Test
    void wrongMagicIsNamed() throws IOException {
        Path f = Files.writeString(tmp.resolve("notes.pt"), "hello, not a checkpoint");
        assertThatThrownBy(() -> Checkpoints.loadStateDict(f, Weights.EMA)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f + ": not a PyTorch checkpoint (wrong magic: starts with 68 65 6c 6c");
    }

    @Test
    void legacyFormatIsRefusedWithoutAdvisingToLoadIt() throws IOException {
        // Pre-1.6 torch.save: a pickle stream opening with protocol 2 and torch's magic number. Loading it
        // with torch (to re-save it) would run any payload it holds: the message must not suggest that.
        Path f = Files.write(tmp.resolve("old.pt"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        assertThatThrownBy(() -> Checkpoints.loadStateDict(f, Weights.EMA)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f + ": a legacy (pre-1.6, non-zip) torch.save file")
                .message().doesNotContain("torch.load").doesNotContain("python");
    }

    @Test
    void storageTooShortIsNamed() throws IOException {
        Path f = oneTensor("short.pt", "FloatStorage", 4, 0, new long[] {4}, new long[] {1}, TorchZip.floats(1, 2, 3));
        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(f)).isInstanceOf(F5jException.class)
                .hasMessage(f + ": storage 0 is too short: 12 bytes, but data.pkl says 4 elements of F32 (16 bytes)");

        Path g = oneTensor("view.pt", "FloatStorage", 2, 1, new long[] {2}, new long[] {1}, TorchZip.floats(1, 2));
        assertThatThrownBy(() -> TorchCheckpoint.readStateDict(g)).isInstanceOf(F5jException.class)
                .hasMessageContaining("tensor w (offset 1, shape [2], stride [1]) reaches element 2 of storage 0, which has 2 elements");
    }

    @Test
    void malformedPickleIsNamed() throws IOException {
        byte[] cut = new TorchZip.Pickle().emptyOrderedDict().mark().str("w").end();
        Path f = new TorchZip("m").pickle(Arrays.copyOf(cut, cut.length - 3)).write(tmp.resolve("m.pt"));
        assertThatThrownBy(() -> TorchCheckpoint.open(f)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f + ": malformed data.pkl (");
    }

    @Test
    void notAStateDictIsNamed() throws IOException {
        byte[] pkl = new TorchZip.Pickle().str("just a string").end();
        Path f = new TorchZip("s").pickle(pkl).write(tmp.resolve("s.pt"));
        assertThatThrownBy(() -> Checkpoints.loadStateDict(f, Weights.EMA)).isInstanceOf(F5jException.class)
                .hasMessage(f + ": data.pkl holds a string, not a dict");
    }

    @Test
    void emaBookkeepingAndLegacyMelBuffersAreDropped() throws IOException {
        byte[] pkl = new TorchZip.Pickle().op('}').mark()
                .str("ema_model_state_dict").emptyOrderedDict().mark()
                .str("initted").tensor("BoolStorage", "0", 1, 0, new long[0], new long[0])
                .str("step").tensor("LongStorage", "1", 1, 0, new long[0], new long[0])
                .str("ema_model.mel_spec.mel_stft.mel_scale.fb").tensor("FloatStorage", "2", 2, 0, new long[] {2}, new long[] {1})
                .str("ema_model.transformer.proj_out.bias").tensor("FloatStorage", "2", 2, 0, new long[] {2}, new long[] {1})
                .op('u')
                .str("update").integer(1200)
                .op('u').end();
        ByteBuffer step = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(2400);
        Path f = new TorchZip("model_1200").pickle(pkl).storage("0", new byte[] {1}).storage("1", step.array())
                .storage("2", TorchZip.floats(1, 2)).write(tmp.resolve("model_1200.pt"));
        StateDict sd = Checkpoints.load(f, Weights.EMA);
        assertThat(sd.tensors()).containsOnlyKeys("transformer.proj_out.bias");
        assertThat(sd.info().layout()).isEqualTo("pruned");
        assertThat(sd.info().update()).isEqualTo(1200);
        assertThat(sd.info().emaStep()).isEqualTo(2400);
        assertThat(sd.info().initted()).isTrue();
        assertThat(sd.info().dropped()).containsExactly("initted", "step", "ema_model.mel_spec.mel_stft.mel_scale.fb");
    }

    @Test
    void compressedPickleAndZip64EndRecordsAreRead() throws IOException {
        byte[] pkl = new TorchZip.Pickle().emptyOrderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1}).op('u').end();
        Path f = new TorchZip("big").pickle(pkl).deflatePickle().storage("0", TorchZip.floats(3, 4)).write(tmp.resolve("big.pt"));
        TorchZip.toZip64(f);
        assertThat(TorchCheckpoint.readStateDict(f).get("w").toFloats()).containsExactly(3, 4);
    }
}
