package f5j.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;
import f5j.testing.FuzzTargets;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fuzz target for the safetensors reader (header validation, offsets, dtypes). */
class SafeTensorsFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void safetensors(byte[] data) throws Throwable {
        Path f = FuzzTargets.tempFile("fuzz.safetensors", data);
        try {
            FuzzTargets.expectCleanOutcome(() -> {
                try (SafeTensors st = SafeTensors.open(f)) {
                    for (RawTensor t : st.tensors()) t.toFloats();
                }
            });
        } finally {
            FuzzTargets.delete(f);
        }
    }

    private static byte[] file(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    /** Seeds: valid files and each case HostileSafeTensorsTest refuses. */
    static Map<String, byte[]> seeds() {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("valid", file("{\"__metadata__\":{\"kind\":\"x\"}," + a + ",\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[8,12]}}", 12));
        s.put("i64-bool", file("{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[8,10]}}", 10));
        s.put("overlap", file("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        s.put("gap", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 6));
        s.put("shape-float", file("{\"a\":{\"dtype\":\"U8\",\"shape\":[64.7],\"data_offsets\":[0,4]}}", 4));
        s.put("numel-2e80", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,4]}}", 4));
        s.put("offsets-huge", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[9223372036854775800,9223372036854775804]}}", 4));
        byte[] latin1 = file("{\"__metadata__\":{\"k\":\"caf_\"}}", 0);
        latin1[latin1.length - 4] = (byte) 0xe9;
        s.put("metadata-latin1", latin1);
        s.put("deep", file("{\"a\":" + "[".repeat(50) + "]".repeat(50) + "}", 0));
        s.put("lenient-json", file("{'a':{dtype:F32}}", 0));
        s.put("header-length-negative", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        return s;
    }

    @Test
    void seedCorpusIsInStepWithItsGenerator() throws IOException {
        FuzzTargets.checkCorpus(SafeTensorsFuzzTest.class, "safetensors", seeds());
    }
}
