package f5j.weights;

import f5j.util.F5jException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The entries of a zip archive held in a memory-mapped file, read from its central directory (ZIP64
 * included). Stored entries are returned as slices of the mapping, so nothing is read until touched;
 * deflated ones (torch never writes them, but a re-zipped file may have them) are inflated on request.
 */
final class ZipIndex {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int LOCAL_SIG = 0x04034b50, CENTRAL_SIG = 0x02014b50, EOCD_SIG = 0x06054b50,
            EOCD64_SIG = 0x06064b50, EOCD64_LOCATOR_SIG = 0x07064b50;

    record Entry(String name, int method, long compressedSize, long size, long localHeaderOffset, int crc) {}

    /**
     * Deflate cannot compress by more than ~1032:1, so a larger declared ratio is a lie; the absolute cap is
     * the largest Java array. Inflation stops at the declared size, so a small file cannot inflate to 4 GiB.
     */
    static final long MAX_RATIO = 1100, MAX_INFLATED = Integer.MAX_VALUE - 8;

    private final java.util.Set<String> verified = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path path;
    private final MemorySegment file;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ZipIndex(Path path, MemorySegment file) {
        this.path = path;
        this.file = file;
        readCentralDirectory();
    }

    Map<String, Entry> entries() { return entries; }

    Entry get(String name) { return entries.get(name); }

    /**
     * The entry's bytes: a slice of the mapping when stored, an inflated copy when deflated; its CRC-32 is
     * checked against the central directory (once per entry), so corrupted weights are never used.
     */
    MemorySegment data(Entry e) { return data(e, MAX_INFLATED); }

    /** As {@link #data(Entry)}, refusing to inflate more than {@code maxInflated} bytes. */
    MemorySegment data(Entry e, long maxInflated) {
        long lh = e.localHeaderOffset();
        if (lh < 0 || lh > file.byteSize() - 30 || file.get(U32, lh) != LOCAL_SIG) {
            throw new F5jException(path + ": damaged zip archive (entry " + e.name() + " has no local header at byte " + lh + ")");
        }
        long start = lh + 30 + u16(lh + 26) + u16(lh + 28);
        if (e.compressedSize() < 0 || e.compressedSize() > file.byteSize() - start) {
            throw new F5jException(path + ": truncated: zip entry " + e.name() + " ends at byte "
                    + (e.compressedSize() < 0 ? "?" : Long.toString(start + e.compressedSize())) + " but the file has " + file.byteSize());
        }
        MemorySegment raw = file.asSlice(start, e.compressedSize());
        MemorySegment out = switch (e.method()) {
            case 0 -> {
                if (e.size() != e.compressedSize()) {
                    throw new F5jException(path + ": damaged zip archive (stored entry " + e.name() + " has size " + e.size()
                            + " but compressed size " + e.compressedSize() + ")");
                }
                yield raw;
            }
            case 8 -> inflate(e, raw, maxInflated);
            default -> throw new F5jException(path + ": zip entry " + e.name() + " uses compression method " + e.method()
                    + " (only stored and deflated entries are supported)");
        };
        if (!verified.contains(e.name())) {
            int crc = crc32(out);
            if (crc != e.crc()) {
                throw new F5jException(path + ": damaged zip archive (CRC-32 of entry " + e.name() + " is "
                        + String.format("%08x", crc) + ", the archive says " + String.format("%08x", e.crc())
                        + "; the file is corrupted)");
            }
            verified.add(e.name());
        }
        return out;
    }

    private static int crc32(MemorySegment seg) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (long p = 0; p < seg.byteSize(); p += 1 << 30) {
            crc.update(seg.asSlice(p, Math.min(1L << 30, seg.byteSize() - p)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    private MemorySegment inflate(Entry e, MemorySegment raw, long maxInflated) {
        long cap = Math.min(maxInflated, MAX_INFLATED);
        if (e.size() < 0 || e.size() > cap) {
            throw new F5jException(path + ": zip entry " + e.name() + " declares " + e.size() + " bytes inflated (at most "
                    + cap + " are read from a compressed entry; torch.save writes uncompressed archives)");
        }
        if (e.size() > MAX_RATIO * Math.max(1, e.compressedSize())) {
            throw new F5jException(path + ": damaged zip archive (entry " + e.name() + " declares " + e.size() + " bytes from "
                    + e.compressedSize() + " compressed, a ratio deflate cannot reach)");
        }
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw.asByteBuffer());
            byte[] out = new byte[(int) e.size()];
            int n = 0;
            byte[] probe = new byte[1];
            while (!inf.finished()) {
                int k = n < out.length ? inf.inflate(out, n, out.length - n) : inf.inflate(probe);
                if (n == out.length && k > 0) {
                    throw new F5jException(path + ": damaged zip archive (entry " + e.name() + " inflates to more than the "
                            + e.size() + " bytes it declares)");
                }
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new F5jException(path + ": truncated or damaged compressed zip entry " + e.name());
                }
                n += k;
            }
            if (n != out.length) {
                throw new F5jException(path + ": damaged zip archive (entry " + e.name() + " inflates to " + n + " bytes, it declares "
                        + e.size() + ")");
            }
            return MemorySegment.ofArray(out);
        } catch (DataFormatException ex) {
            throw new F5jException(path + ": damaged compressed zip entry " + e.name() + " (" + ex.getMessage() + ")");
        } finally {
            inf.end();
        }
    }

    private void readCentralDirectory() {
        long size = file.byteSize();
        long eocd = -1;
        // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
        for (long p = size - 22; p >= Math.max(0, size - 22 - 65535); p--) {
            if (file.get(U32, p) == EOCD_SIG) { eocd = p; break; }
        }
        if (eocd < 0) {
            throw new F5jException(path + ": truncated or damaged zip archive (no end-of-central-directory record; "
                    + size + " bytes)");
        }
        long count = u16(eocd + 10), cdSize = u32(eocd + 12), cdOffset = u32(eocd + 16);
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            long loc = eocd - 20;
            if (loc < 0 || file.get(U32, loc) != EOCD64_LOCATOR_SIG) {
                throw new F5jException(path + ": damaged ZIP64 archive (no ZIP64 end-of-central-directory locator)");
            }
            long eocd64 = file.get(U64, loc + 8);
            if (eocd64 < 0 || eocd64 > size - 56 || file.get(U32, eocd64) != EOCD64_SIG) {
                throw new F5jException(path + ": truncated or damaged ZIP64 archive (no ZIP64 end-of-central-directory record)");
            }
            count = file.get(U64, eocd64 + 32);
            cdSize = file.get(U64, eocd64 + 40);
            cdOffset = file.get(U64, eocd64 + 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) {
            throw new F5jException(path + ": truncated or damaged zip archive (central directory at " + cdOffset + "+" + cdSize
                    + " lies outside the " + size + "-byte file)");
        }
        long p = cdOffset;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cdOffset + cdSize || file.get(U32, p) != CENTRAL_SIG) {
                throw new F5jException(path + ": damaged zip archive (central directory entry " + i + " is malformed)");
            }
            int method = u16(p + 10);
            int crc = file.get(U32, p + 16);
            long csize = u32(p + 20), usize = u32(p + 24), lho = u32(p + 42);
            int nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32);
            if (p + 46 + nameLen + extraLen + commentLen > cdOffset + cdSize) {
                throw new F5jException(path + ": damaged zip archive (central directory entry " + i + " runs past the directory)");
            }
            String name = new String(file.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // ZIP64 extended information: 8-byte values for the fields saturated at 0xffffffff, in this order.
            long x = p + 46 + nameLen, xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = u16(x), len = u16(x + 2);
                if (id == 1) {
                    long q = x + 4, qEnd = Math.min(xEnd, q + len);
                    if (usize == 0xffffffffL && q + 8 <= qEnd) { usize = file.get(U64, q); q += 8; }
                    if (csize == 0xffffffffL && q + 8 <= qEnd) { csize = file.get(U64, q); q += 8; }
                    if (lho == 0xffffffffL && q + 8 <= qEnd) { lho = file.get(U64, q); }
                }
                x += 4 + len;
            }
            entries.put(name, new Entry(name, method, csize, usize, lho, crc));
            p += 46 + nameLen + extraLen + commentLen;
        }
    }

    private int u16(long off) { return file.get(U16, off) & 0xffff; }

    private long u32(long off) { return file.get(U32, off) & 0xffffffffL; }
}
