package f5j.weights;

import f5j.util.F5jException;

import java.io.ByteArrayOutputStream;
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

    record Entry(String name, int method, long compressedSize, long size, long localHeaderOffset) {}

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

    /** The entry's bytes: a slice of the mapping when stored, an inflated copy when deflated. */
    MemorySegment data(Entry e) {
        long lh = e.localHeaderOffset();
        if (lh < 0 || lh + 30 > file.byteSize() || file.get(U32, lh) != LOCAL_SIG) {
            throw new F5jException(path + ": damaged zip archive (entry " + e.name() + " has no local header at byte " + lh + ")");
        }
        long start = lh + 30 + u16(lh + 26) + u16(lh + 28);
        if (start + e.compressedSize() > file.byteSize()) {
            throw new F5jException(path + ": truncated: zip entry " + e.name() + " ends at byte " + (start + e.compressedSize())
                    + " but the file has " + file.byteSize());
        }
        MemorySegment raw = file.asSlice(start, e.compressedSize());
        return switch (e.method()) {
            case 0 -> raw;
            case 8 -> inflate(e, raw);
            default -> throw new F5jException(path + ": zip entry " + e.name() + " uses compression method " + e.method()
                    + " (only stored and deflated entries are supported)");
        };
    }

    private MemorySegment inflate(Entry e, MemorySegment raw) {
        if (e.size() > Integer.MAX_VALUE - 8) {
            throw new F5jException(path + ": zip entry " + e.name() + " is compressed and too large to inflate; re-save it with torch.save");
        }
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw.asByteBuffer());
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) e.size());
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new F5jException(path + ": truncated or damaged compressed zip entry " + e.name());
                }
                out.write(buf, 0, n);
            }
            return MemorySegment.ofArray(out.toByteArray());
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
            if (eocd64 < 0 || eocd64 + 56 > size || file.get(U32, eocd64) != EOCD64_SIG) {
                throw new F5jException(path + ": truncated or damaged ZIP64 archive (no ZIP64 end-of-central-directory record)");
            }
            count = file.get(U64, eocd64 + 32);
            cdSize = file.get(U64, eocd64 + 40);
            cdOffset = file.get(U64, eocd64 + 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > size) {
            throw new F5jException(path + ": truncated or damaged zip archive (central directory at " + cdOffset + "+" + cdSize
                    + " lies outside the " + size + "-byte file)");
        }
        long p = cdOffset;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cdOffset + cdSize || file.get(U32, p) != CENTRAL_SIG) {
                throw new F5jException(path + ": damaged zip archive (central directory entry " + i + " is malformed)");
            }
            int method = u16(p + 10);
            long csize = u32(p + 20), usize = u32(p + 24), lho = u32(p + 42);
            int nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32);
            String name = new String(file.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // ZIP64 extended information: 8-byte values for the fields saturated at 0xffffffff, in this order.
            long x = p + 46 + nameLen, xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = u16(x), len = u16(x + 2);
                if (id == 1) {
                    long q = x + 4;
                    if (usize == 0xffffffffL) { usize = file.get(U64, q); q += 8; }
                    if (csize == 0xffffffffL) { csize = file.get(U64, q); q += 8; }
                    if (lho == 0xffffffffL) { lho = file.get(U64, q); }
                }
                x += 4 + len;
            }
            entries.put(name, new Entry(name, method, csize, usize, lho));
            p += 46 + nameLen + extraLen + commentLen;
        }
    }

    private int u16(long off) { return file.get(U16, off) & 0xffff; }

    private long u32(long off) { return file.get(U32, off) & 0xffffffffL; }
}
