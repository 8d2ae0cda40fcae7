package f5j.compute;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * A fixed pool of worker threads (one per core, the caller being one of them) that splits an index range
 * [0, n) into contiguous chunks. Kernels take [from, to) ranges, so each chunk is one kernel call.
 * The thread count is {@code -Df5j.threads=N} or the number of available processors.
 */
public final class Parallel {
    /** A kernel call over [from, to); {@code worker} in [0, threads()) names a per-thread scratch slot. */
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

    private Parallel() {}

    public static int threads() { return THREADS; }

    /**
     * Runs body over [0, n) in at most {@link #threads()} chunks whose bounds are multiples of {@code align}
     * (except the last, which ends at n); one chunk (inline) when n is below {@code minPerChunk}.
     */
    public static void forRange(int n, int align, int minPerChunk, Range body) {
        int units = (n + align - 1) / align;
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minPerChunk)));
        chunks = Math.min(chunks, units);
        if (chunks <= 1) {
            body.run(0, n, 0);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = Math.min(n, (int) ((long) units * c / chunks) * align);
            int to = c == chunks - 1 ? n : Math.min(n, (int) ((long) units * (c + 1) / chunks) * align);
            int worker = c;
            futures[c - 1] = POOL.submit(() -> body.run(from, to, worker));
        }
        body.run(0, Math.min(n, (int) ((long) units / chunks) * align), 0);
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
