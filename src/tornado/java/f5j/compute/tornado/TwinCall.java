package f5j.compute.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.common.TornadoFunctions.*;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Consumer;

/**
 * One TornadoVM task: a {@link TornadoKernels} method reference with its arguments. It is added to a
 * {@link TaskGraph} for the device, or run directly on the JVM ({@link #runOnHost}), where the @Parallel
 * loops are plain loops: that is how the translation of plans into tasks is tested without TornadoVM's
 * runtime or a GPU. The typed factories mirror TaskGraph.task's overloads so arguments are type checked.
 *
 * <p>A KernelContext kernel ({@link #grid}) also carries its worker grid. On the JVM it runs work-group by
 * work-group with real barriers where the KernelContext can emulate that (the default build's stub); with
 * the real tornado-api, whose KernelContext only the TornadoVM compiler understands, it runs its plain
 * twin instead, which the stub build proves equal.
 */
record TwinCall(String id, Object fn, Object[] args, Runnable onHost, WorkerGrid grid) {
    TwinCall(String id, Object fn, Object[] args, Runnable onHost) { this(id, fn, args, onHost, null); }

    static <T1, T2, T3> TwinCall of(String id, Task3<T1, T2, T3> fn, T1 a1, T2 a2, T3 a3) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3}, () -> fn.apply(a1, a2, a3));
    }

    /** A KernelContext kernel of 8 arguments after the context, on {@code grid}; {@code plain}: its twin. */
    static <T2, T3, T4, T5, T6, T7, T8, T9> TwinCall grid(String id, WorkerGrid grid,
            Task9<KernelContext, T2, T3, T4, T5, T6, T7, T8, T9> fn, KernelContext ctx,
            T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, Runnable plain) {
        Runnable host = HOST_GRID == null ? plain : () -> hostGrid(grid, c -> fn.apply(c, a2, a3, a4, a5, a6, a7, a8, a9));
        return new TwinCall(id, fn, new Object[] {ctx, a2, a3, a4, a5, a6, a7, a8, a9}, host, grid);
    }

    /** A KernelContext kernel of 9 arguments after the context, on {@code grid}; {@code plain}: its twin. */
    static <T2, T3, T4, T5, T6, T7, T8, T9, T10> TwinCall grid(String id, WorkerGrid grid,
            Task10<KernelContext, T2, T3, T4, T5, T6, T7, T8, T9, T10> fn, KernelContext ctx,
            T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, Runnable plain) {
        Runnable host = HOST_GRID == null ? plain
                : () -> hostGrid(grid, c -> fn.apply(c, a2, a3, a4, a5, a6, a7, a8, a9, a10));
        return new TwinCall(id, fn, new Object[] {ctx, a2, a3, a4, a5, a6, a7, a8, a9, a10}, host, grid);
    }

    /** Whether KernelContext kernels run as themselves on the JVM (the stub build), not as their plain twins. */
    static boolean emulatesGrids() { return HOST_GRID != null; }

    /** The stub KernelContext's work-group emulator, absent from the real tornado-api. */
    private static final MethodHandle HOST_GRID = hostGridHandle();

    private static MethodHandle hostGridHandle() {
        try {
            return MethodHandles.publicLookup().findStatic(KernelContext.class, "hostGrid",
                    MethodType.methodType(void.class, long[].class, long[].class, Consumer.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static void hostGrid(WorkerGrid grid, Consumer<KernelContext> body) {
        try {
            HOST_GRID.invoke(grid.getGlobalWork(), grid.getLocalWork(), body);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A KernelContext kernel of 5 arguments after the context, on {@code grid}; {@code plain}: its twin. */
    static <T2, T3, T4, T5, T6> TwinCall grid(String id, WorkerGrid grid, Task6<KernelContext, T2, T3, T4, T5, T6> fn,
            KernelContext ctx, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, Runnable plain) {
        Runnable host = HOST_GRID == null ? plain : () -> hostGrid(grid, c -> fn.apply(c, a2, a3, a4, a5, a6));
        return new TwinCall(id, fn, new Object[] {ctx, a2, a3, a4, a5, a6}, host, grid);
    }

    /** A KernelContext kernel of 7 arguments after the context, on {@code grid}; {@code plain}: its twin. */
    static <T2, T3, T4, T5, T6, T7, T8> TwinCall grid(String id, WorkerGrid grid,
            Task8<KernelContext, T2, T3, T4, T5, T6, T7, T8> fn, KernelContext ctx,
            T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, Runnable plain) {
        Runnable host = HOST_GRID == null ? plain : () -> hostGrid(grid, c -> fn.apply(c, a2, a3, a4, a5, a6, a7, a8));
        return new TwinCall(id, fn, new Object[] {ctx, a2, a3, a4, a5, a6, a7, a8}, host, grid);
    }

    /** A KernelContext kernel of 11 arguments after the context, on {@code grid}; {@code plain}: its twin. */
    static <T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> TwinCall grid(String id, WorkerGrid grid,
            Task12<KernelContext, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> fn, KernelContext ctx,
            T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, Runnable plain) {
        Runnable host = HOST_GRID == null ? plain
                : () -> hostGrid(grid, c -> fn.apply(c, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12));
        return new TwinCall(id, fn, new Object[] {ctx, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12}, host, grid);
    }

    static <T1, T2, T3, T4> TwinCall of(String id, Task4<T1, T2, T3, T4> fn, T1 a1, T2 a2, T3 a3, T4 a4) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4}, () -> fn.apply(a1, a2, a3, a4));
    }

    static <T1, T2, T3, T4, T5> TwinCall of(String id, Task5<T1, T2, T3, T4, T5> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5}, () -> fn.apply(a1, a2, a3, a4, a5));
    }

    static <T1, T2, T3, T4, T5, T6> TwinCall of(String id, Task6<T1, T2, T3, T4, T5, T6> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5, a6}, () -> fn.apply(a1, a2, a3, a4, a5, a6));
    }

    static <T1, T2, T3, T4, T5, T6, T7> TwinCall of(String id, Task7<T1, T2, T3, T4, T5, T6, T7> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5, a6, a7}, () -> fn.apply(a1, a2, a3, a4, a5, a6, a7));
    }

    static <T1, T2, T3, T4, T5, T6, T7, T8> TwinCall of(String id, Task8<T1, T2, T3, T4, T5, T6, T7, T8> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8}, () -> fn.apply(a1, a2, a3, a4, a5, a6, a7, a8));
    }

    static <T1, T2, T3, T4, T5, T6, T7, T8, T9> TwinCall of(String id, Task9<T1, T2, T3, T4, T5, T6, T7, T8, T9> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9}, () -> fn.apply(a1, a2, a3, a4, a5, a6, a7, a8, a9));
    }

    static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> TwinCall of(String id, Task10<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10}, () -> fn.apply(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10));
    }

    static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> TwinCall of(String id, Task11<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11}, () -> fn.apply(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11));
    }

    static <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> TwinCall of(String id, Task12<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> fn, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12) {
        return new TwinCall(id, fn, new Object[] {a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12}, () -> fn.apply(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void addTo(TaskGraph g) {
        Object[] a = args;
        switch (a.length) {
            case 3 -> g.task(id, (Task3) fn, a[0], a[1], a[2]);
            case 4 -> g.task(id, (Task4) fn, a[0], a[1], a[2], a[3]);
            case 5 -> g.task(id, (Task5) fn, a[0], a[1], a[2], a[3], a[4]);
            case 6 -> g.task(id, (Task6) fn, a[0], a[1], a[2], a[3], a[4], a[5]);
            case 7 -> g.task(id, (Task7) fn, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
            case 8 -> g.task(id, (Task8) fn, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
            case 9 -> g.task(id, (Task9) fn, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
            case 10 -> g.task(id, (Task10) fn, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
            case 11 -> g.task(id, (Task11) fn, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
            case 12 -> g.task(id, (Task12) fn, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
            default -> throw new IllegalStateException("no TaskGraph.task overload for " + a.length + " arguments");
        }
    }

    /** Runs the kernel on the JVM (sequentially): the same arithmetic the device executes. */
    void runOnHost() { onHost.run(); }
}
