package f5j.compute;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed pool of worker threads (one per core, the caller being one of them) that splits an index range
 * [0, n) into contiguous chunks. Kernels take [from, to) ranges, so each chunk is one kernel call.
 * The thread count is {@code -Df5j.threads=N} or the number of available processors.
 */
public final class Parallel {
    /** A kernel call over [from, to); {@code worker} in [0, threads()) is the thread running it (0: the caller). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to, int worker);
    }

    private static final int THREADS = Math.max(1, Integer.getInteger("f5j.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "f5j-compute");
        t.setDaemon(true);
        return t;
    });

    /** Chunks per thread: enough for balance when a core is shared, few enough to keep chunk overhead low. */
    private static final int CHUNKS_PER_THREAD = 4;

    private Parallel() {}

    public static int threads() { return THREADS; }

    /**
     * Runs body over [0, n) in chunks whose bounds are multiples of {@code align} (the last ends at n),
     * each at least {@code minPerChunk} long where possible; inline when there is only one chunk. There are
     * a few chunks per thread, claimed dynamically, so a thread the OS delays (other processes on a shared
     * machine) does not hold up the rest.
     */
    public static void forRange(int n, int align, int minPerChunk, Range body) {
        int units = (n + align - 1) / align;
        int chunks = Math.min(THREADS * CHUNKS_PER_THREAD, Math.max(1, n / Math.max(1, minPerChunk)));
        chunks = Math.min(chunks, units);
        if (chunks <= 1 || THREADS == 1) {
            body.run(0, n, 0);
            return;
        }
        int nChunks = chunks;
        AtomicInteger next = new AtomicInteger();
        IntConsumer drain = worker -> {
            for (int c; (c = next.getAndIncrement()) < nChunks; ) {
                int from = (int) ((long) units * c / nChunks) * align;
                int to = c == nChunks - 1 ? n : (int) ((long) units * (c + 1) / nChunks) * align;
                body.run(from, Math.min(n, to), worker);
            }
        };
        int helpers = Math.min(THREADS - 1, nChunks - 1);
        Future<?>[] futures = new Future<?>[helpers];
        for (int w = 0; w < helpers; w++) {
            int worker = w + 1;
            futures[w] = POOL.submit(() -> drain.accept(worker));
        }
        drain.accept(0);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a compute thread", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof Error err) throw err;
                throw new IllegalStateException(c);
            }
        }
    }
}
