package f5j.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test fixtures in the torch.save zip layout, built at test time: a hand-assembled data.pkl (protocol 2
 * opcodes, as torch writes them) plus raw storage entries.
 */
final class TorchZip {
    /** data.pkl opcodes. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() { op(0x80).op(2); }

        Pickle op(int b) { out.write(b); return this; }

        /** Raw bytes (opcodes with their arguments, or a deliberately broken stream). */
        Pickle raw(byte... b) { out.writeBytes(b); return this; }

        /** An opcode followed by a little-endian argument of {@code width} bytes. */
        Pickle opLe(int opcode, long v, int width) {
            op(opcode);
            for (int i = 0; i < width; i++) op((int) (v >>> (8 * i)) & 0xff);
            return this;
        }

        /** The bytes so far, without STOP. */
        byte[] bytes() { return out.toByteArray(); }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            for (int i = 0; i < 4; i++) op((b.length >>> (8 * i)) & 0xff);
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v != (int) v) return opLe(0x8a, 8, 1).raw(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            op('J');
            for (int i = 0; i < 4; i++) op((int) (v >>> (8 * i)) & 0xff);
            return this;
        }

        Pickle mark() { return op('('); }

        Pickle tuple() { return op('t'); }

        Pickle ints(long... v) {
            mark();
            for (long x : v) integer(x);
            return tuple();
        }

        Pickle emptyOrderedDict() { return global("collections", "OrderedDict").op(')').op('R'); }

        /** _rebuild_tensor_v2(('storage', torch.STORAGE, key, 'cpu', numel), offset, size, stride, False, OrderedDict()). */
        Pickle tensor(String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").mark();
            mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(numel).tuple().op('Q');
            integer(offset).ints(size).ints(stride).op(0x89).emptyOrderedDict();
            return tuple().op('R');
        }

        byte[] end() { op('.'); return out.toByteArray(); }
    }

    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final String archive;
    private boolean deflatePickle;

    TorchZip(String archive) { this.archive = archive; }

    TorchZip pickle(byte[] dataPkl) { entries.put(archive + "/data.pkl", dataPkl); return this; }

    /** Compress data.pkl (torch never does; a re-zipped file may). */
    TorchZip deflatePickle() { deflatePickle = true; return this; }

    /**
     * Rewrites a written archive's end record the ZIP64 way (as writers do past 65535 entries or 4 GiB):
     * saturated count/size/offset in the classic record, the real values in a ZIP64 record and locator.
     */
    static void toZip64(Path file) throws IOException {
        byte[] z = Files.readAllBytes(file);
        int eocd = z.length - 22;  // no archive comment
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(z).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int count = in.getShort(eocd + 10) & 0xffff;
        long cdSize = in.getInt(eocd + 12) & 0xffffffffL, cdOffset = in.getInt(eocd + 16) & 0xffffffffL;
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(eocd + 56 + 20 + 22).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put(z, 0, eocd);
        out.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(count).putLong(count).putLong(cdSize).putLong(cdOffset);
        out.putInt(0x07064b50).putInt(0).putLong(eocd).putInt(1);
        out.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0);
        Files.write(file, out.array());
    }

    TorchZip storage(String key, byte[] bytes) { entries.put(archive + "/data/" + key, bytes); return this; }

    static byte[] floats(float... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /**
     * Overwrites a 4-byte field of an entry's central directory record (16 = CRC-32, 20 = compressed size,
     * 24 = size), as a damaged or hostile archive would have it.
     */
    static void patchCentral(Path file, String entry, int field, int value) throws IOException {
        byte[] z = Files.readAllBytes(file);
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(z).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p + 46 + name.length <= z.length; p++) {
            if (b.getInt(p) == 0x02014b50 && (b.getShort(p + 28) & 0xffff) == name.length
                    && Arrays.equals(z, p + 46, p + 46 + name.length, name, 0, name.length)) {
                b.putInt(p + field, value);
                Files.write(file, z);
                return;
            }
        }
        throw new IllegalArgumentException("no central directory entry " + entry);
    }

    /** Writes the archive with stored (uncompressed) entries, as torch.save does. */
    Path write(Path file) throws IOException {
        entries.putIfAbsent(archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTime(315532800000L);  // 1980-01-01: the same bytes every run
                if (deflatePickle && e.getKey().endsWith("/data.pkl")) {
                    ze.setMethod(ZipEntry.DEFLATED);
                    zip.putNextEntry(ze);
                    zip.write(e.getValue());
                    zip.closeEntry();
                    continue;
                }
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                ze.setCompressedSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                zip.putNextEntry(ze);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }
}
