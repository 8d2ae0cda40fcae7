package uk.ac.manchester.tornado.api.types.arrays;

import java.lang.foreign.MemorySegment;

/** Stand-in for TornadoVM's device-transferable array base (src/tornado/stub/README.md): its data segment. */
public abstract class TornadoNativeArray {
    public abstract int getSize();

    /** The elements, without TornadoVM's object header. */
    public abstract MemorySegment getSegment();
}
