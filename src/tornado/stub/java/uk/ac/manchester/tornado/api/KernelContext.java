package uk.ac.manchester.tornado.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;

/**
 * Stand-in for TornadoVM's kernel context (src/tornado/stub/README.md): the work-item ids and group sizes
 * a KernelContext kernel reads, its local barrier and local arrays. Unlike the real class (whose ids the
 * compiler replaces), this one can run such a kernel on the JVM: {@link #hostGrid} starts one thread per
 * work-item of each work-group, sharing the group's local arrays and barrier, so the kernels are tested
 * against their plain twins in the default build.
 */
public class KernelContext {
    public Integer globalIdx = 0, globalIdy = 0, globalIdz = 0;
    public Integer groupIdx = 0, groupIdy = 0, groupIdz = 0;
    public Integer localIdx = 0, localIdy = 0, localIdz = 0;
    public Integer globalGroupSizeX = 1, globalGroupSizeY = 1, globalGroupSizeZ = 1;
    public Integer localGroupSizeX = 1, localGroupSizeY = 1, localGroupSizeZ = 1;

    private Group group;
    private int allocations;

    public KernelContext() {}

    public void localBarrier() {
        if (group == null) return;
        try {
            group.barrier.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException("work-group barrier broken", e);
        }
    }

    public float[] allocateFloatLocalArray(int size) {
        if (group == null) return new float[size];
        int i = allocations++;
        synchronized (group.locals) {
            while (group.locals.size() <= i) group.locals.add(new float[size]);
            return group.locals.get(i);
        }
    }

    private static final class Group {
        final CyclicBarrier barrier;
        final List<float[]> locals = new ArrayList<>();

        Group(int items) { barrier = new CyclicBarrier(items); }
    }

    /** Runs {@code body} over a 2-D grid (global sizes multiples of the local ones), a work-group at a time. */
    public static void hostGrid(long[] global, long[] local, Consumer<KernelContext> body) {
        int gx = (int) global[0], gy = (int) global[1], lx = (int) local[0], ly = (int) local[1];
        for (int by = 0; by < gy / ly; by++) {
            for (int bx = 0; bx < gx / lx; bx++) {
                Group g = new Group(lx * ly);
                List<Thread> items = new ArrayList<>(lx * ly);
                Throwable[] failure = new Throwable[1];
                for (int iy = 0; iy < ly; iy++) {
                    for (int ix = 0; ix < lx; ix++) {
                        KernelContext c = new KernelContext();
                        c.group = g;
                        c.groupIdx = bx; c.groupIdy = by;
                        c.localIdx = ix; c.localIdy = iy;
                        c.globalIdx = bx * lx + ix; c.globalIdy = by * ly + iy;
                        c.localGroupSizeX = lx; c.localGroupSizeY = ly;
                        c.globalGroupSizeX = gx; c.globalGroupSizeY = gy;
                        items.add(Thread.ofVirtual().unstarted(() -> {
                            try {
                                body.accept(c);
                            } catch (Throwable t) {
                                synchronized (failure) { failure[0] = t; }
                                g.barrier.reset();
                            }
                        }));
                    }
                }
                items.forEach(Thread::start);
                for (Thread t : items) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                if (failure[0] != null) throw new IllegalStateException("work-item failed", failure[0]);
            }
        }
    }
}
