package uk.ac.manchester.tornado.api.types.arrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Stand-in for TornadoVM's off-heap int array (src/tornado/stub/README.md): the element access the
 * kernels use, on an off-heap segment, so the twins run on the JVM in the default build.
 */
public final class IntArray extends TornadoNativeArray {
    private final MemorySegment segment;
    private final int size;

    public IntArray(int size) {
        this.size = size;
        segment = Arena.ofAuto().allocate(4L * size, 4);
    }

    public int get(int i) { return segment.getAtIndex(ValueLayout.JAVA_INT, i); }

    public void set(int i, int v) { segment.setAtIndex(ValueLayout.JAVA_INT, i, v); }

    public void init(int v) { for (int i = 0; i < size; i++) set(i, v); }

    @Override public int getSize() { return size; }

    @Override public MemorySegment getSegment() { return segment; }
}
