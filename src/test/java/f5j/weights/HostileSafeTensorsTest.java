package f5j.weights;

import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Safetensors files the reference library (safetensors' Rust validation) refuses are refused here too,
 * with one message naming the file; none may end in a stack trace.
 */
class HostileSafeTensorsTest {
    @TempDir Path tmp;

    /** A file of header {@code json} (raw bytes) followed by {@code dataBytes} zero bytes. */
    private Path file(String name, byte[] json, int dataBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        out.writeBytes(new byte[dataBytes]);
        return Files.write(tmp.resolve(name), out.toByteArray());
    }

    private Path file(String name, String json, int dataBytes) throws Exception {
        return file(name, json.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static String refused(Path f) {
        try (SafeTensors st = SafeTensors.open(f)) {
            throw new AssertionError(f + " was accepted: " + st.names());
        } catch (F5jException e) {
            assertThat(e.getMessage()).startsWith(f.toString());
            return e.getMessage();
        }
    }

    @Test
    void aValidHandWrittenFileIsRead() throws Exception {
        Path f = file("ok.safetensors", "{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ", 12);
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.names()).containsExactlyInAnyOrder("a", "b");
            assertThat(st.meta("k")).isEqualTo("v");
        }
    }

    @Test
    void offsetsMustTileTheDataExactly() throws Exception {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertThat(refused(file("overlap.safetensors", overlap, 12))).contains("overlapping tensors");
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}";
        assertThat(refused(file("gap.safetensors", gap, 6))).contains("a gap between tensors");
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertThat(refused(file("tail.safetensors", ok, 9))).contains("5 bytes after the last tensor");
        assertThat(refused(file("short.safetensors", ok, 2))).contains("truncated");
        String backwards = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}";
        assertThat(refused(file("back.safetensors", backwards, 4))).contains("end before they begin");
    }

    @Test
    void shapesAndOffsetsMustBeNonNegativeIntegers() throws Exception {
        for (String bad : new String[] {"64.7", "-1", "1e3", "\"4\"", "99999999999999999999999", "null"}) {
            String json = "{\"a\":{\"dtype\":\"U8\",\"shape\":[" + bad + "],\"data_offsets\":[0,4]}}";
            assertThat(refused(file("shape.safetensors", json, 4))).contains("shape value").contains("not a non-negative integer");
        }
        String offs = "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0.5,4]}}";
        assertThat(refused(file("offs.safetensors", offs, 4))).contains("data_offsets value");
        String three = "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4,8]}}";
        assertThat(refused(file("three.safetensors", three, 4))).contains("no valid data_offsets (2 integers)");
        String huge = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,4]}}";
        assertThat(refused(file("numel.safetensors", huge, 4))).contains("more than 1099511627776 elements");
        String noDtype = "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertThat(refused(file("nodt.safetensors", noDtype, 4))).contains("has no dtype string");
        String notObj = "{\"a\":[1,2]}";
        assertThat(refused(file("notobj.safetensors", notObj, 0))).contains("header entry is not an object");
    }

    @Test
    void headerMustBeStrictUtf8JsonWithStringMetadata() throws Exception {
        byte[] latin1 = "{\"__metadata__\":{\"k\":\"caf\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(refused(file("latin1.safetensors", latin1, 0))).contains("not valid UTF-8");
        assertThat(refused(file("meta.safetensors", "{\"__metadata__\":{\"k\":3}}", 0))).contains("metadata k is not a string");
        assertThat(refused(file("lenient.safetensors", "{'a':{dtype:F32}}", 0))).contains("not valid JSON");
        assertThat(refused(file("trailing.safetensors", "{} x", 0))).contains("not valid JSON");
        assertThat(refused(file("array.safetensors", "[]", 0))).contains("does not start with '{'");
        assertThat(refused(file("deep.safetensors", "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0)))
                .contains("nested more than 8 levels deep");
    }

    @Test
    void headerLengthIsChecked() throws Exception {
        byte[] b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(0).array();
        Path f = Files.write(tmp.resolve("neg.safetensors"), b);
        assertThatThrownBy(() -> SafeTensors.open(f)).isInstanceOf(F5jException.class)
                .hasMessageContaining("header length 18446744073709551615");
    }
}
