package f5j.compute.tornado;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Works around two fixed limits of TornadoVM 5.2.0: a task graph records its tasks in an 8 KiB byte array
 * (TornadoTaskGraph.highLevelCode), about 100 of f5j's tasks, and holds at most 256 tasks
 * (TornadoExecutionContext.MAX_TASKS sizes two per-task arrays); neither is configurable. f5j's graphs of 40
 * steps stay inside both; this enlarges them only for larger graphs (-Df5j.tornado.tasksPerGraph), before
 * the first task is added. A third limit, 1024 nodes per graph (TornadoGraph), cannot be raised from here.
 *
 * <p>The fields are private to TornadoVM's runtime module, which does not open them, so this writes them
 * with sun.misc.Unsafe (the JVM prints a deprecation warning once). Without the runtime's fields (the API
 * stubs) it does nothing.
 */
final class GraphCapacity {
    private GraphCapacity() {}

    /** Gives graph {@code g} (api TaskGraph) room for {@code tasks} tasks and {@code bytes} of task records. */
    static void grow(Object g, int tasks, int bytes) {
        try {
            Field implField = field(g.getClass(), "taskGraphImpl");
            if (implField == null) return;
            sun.misc.Unsafe u = unsafe();
            Object impl = u.getObject(g, u.objectFieldOffset(implField));
            Field code = field(impl.getClass(), "highLevelCode"), buf = field(impl.getClass(), "hlBuffer");
            if (code == null || buf == null) return;
            byte[] bigger = new byte[bytes];
            ByteBuffer old = (ByteBuffer) u.getObject(impl, u.objectFieldOffset(buf));
            if (old.position() != 0) throw new IllegalStateException("grow the task graph before adding tasks");
            u.putObject(impl, u.objectFieldOffset(code), bigger);
            u.putObject(impl, u.objectFieldOffset(buf), ByteBuffer.wrap(bigger).order(ByteOrder.LITTLE_ENDIAN));
            Field ctxField = field(impl.getClass(), "executionContext");
            Object ctx = u.getObject(impl, u.objectFieldOffset(ctxField));
            for (String name : new String[] {"kernelStackFrame", "taskToDeviceMapTable"}) {
                Field f = field(ctx.getClass(), name);
                long off = u.objectFieldOffset(f);
                Object[] old2 = (Object[]) u.getObject(ctx, off);
                if (old2.length < tasks) u.putObject(ctx, off, java.util.Arrays.copyOf(old2, tasks));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot enlarge the TornadoVM task graph (" + e + ")", e);
        }
    }

    private static Field field(Class<?> c, String name) {
        for (; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // try the superclass
            }
        }
        return null;
    }

    private static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (sun.misc.Unsafe) f.get(null);
    }
}
