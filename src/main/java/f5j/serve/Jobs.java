package f5j.serve;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The work queue in front of the one shared model: a single worker (the DiT keeps its activations in a
 * per-instance workspace, so one forward at a time) and at most {@code capacity} jobs waiting; a job that
 * does not fit is refused with 503 at once. Each job has a deadline and can be cancelled; a running
 * synthesis notices at its next ODE step ({@link Job#check}).
 */
final class Jobs implements AutoCloseable {
    /** What a job does; {@code job.check()} is to be called often enough to honour cancellation. */
    @FunctionalInterface
    interface Work<T> {
        T run(Job job) throws Exception;
    }

    /** Why a job stopped early, and the status its request answers with. */
    static final class Stopped extends RuntimeException {
        final int status;

        Stopped(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    static final class Job {
        final String id;
        final long deadlineNanos;
        final Duration limit;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        volatile Stopped stop;
        volatile long startedNanos;

        Job(String id, Duration limit) {
            this.id = id;
            this.limit = limit;
            this.deadlineNanos = System.nanoTime() + limit.toNanos();
        }

        void cancel(Stopped why) {
            if (stop == null) stop = why;
        }

        /** Throws when the job was cancelled or its time is up. */
        void check() {
            Stopped s = stop;
            if (s != null) throw s;
            if (System.nanoTime() - deadlineNanos > 0) {
                cancel(timeLimit(limit));
                throw stop;
            }
        }

        long remainingNanos() { return deadlineNanos - System.nanoTime(); }
    }

    static Stopped timeLimit(Duration limit) {
        return new Stopped(504, "the request ran over its time limit of " + limit.toSeconds() + " s (--timeout)");
    }

    private final int capacity;
    private final ThreadPoolExecutor exec;
    private final Map<String, Job> byId = new ConcurrentHashMap<>();

    Jobs(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("queue capacity " + capacity);
        this.capacity = capacity;
        // a SynchronousQueue stands in for a queue of 0: only the worker itself can take a job
        this.exec = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                capacity == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity), r -> {
                    Thread t = new Thread(r, "f5j-serve-worker");
                    t.setDaemon(true);
                    return t;
                });
    }

    int capacity() { return capacity; }

    int waiting() { return exec.getQueue().size(); }

    boolean busy() { return exec.getActiveCount() > 0; }

    /** Queues {@code work}; 503 when the queue is full, 409 when {@code id} is taken by a live request. */
    Job submit(String id, Duration limit, Work<?> work) {
        Job job = new Job(id, limit);
        if (byId.putIfAbsent(id, job) != null) throw new HttpError(409, "request id " + id + " is already in use");
        try {
            exec.execute(() -> {
                job.startedNanos = System.nanoTime();
                try {
                    job.check();
                    job.result.complete(work.run(job));
                } catch (Throwable t) {
                    job.result.completeExceptionally(t);
                } finally {
                    byId.remove(id, job);
                }
            });
        } catch (RejectedExecutionException e) {
            byId.remove(id, job);
            throw new HttpError(503, exec.isShutdown() ? "the server is shutting down"
                    : "the queue is full (" + capacity + " waiting and one running); try again later");
        }
        return job;
    }

    /** Cancels a live request by id; false if there is none. */
    boolean cancel(String id) {
        Job j = byId.get(id);
        if (j == null) return false;
        j.cancel(new Stopped(409, "request " + id + " was cancelled"));
        return true;
    }

    void forget(Job job) { byId.remove(job.id, job); }

    /** Cancels every job, waits for the worker to stop (at most {@code wait}). */
    @Override
    public void close() { close(Duration.ofSeconds(30)); }

    void close(Duration wait) {
        exec.shutdown();
        Stopped s = new Stopped(503, "the server is shutting down");
        byId.values().forEach(j -> j.cancel(s));
        try {
            if (!exec.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) exec.shutdownNow();
        } catch (InterruptedException e) {
            exec.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
