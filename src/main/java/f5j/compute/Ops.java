package f5j.compute;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The generic view of an {@link Op} the plan machinery needs (which components are arrays, how each is
 * used, a copy with other arrays), read once per record class from its components and their
 * {@link Op.Out}/{@link Op.InOut} marks. Backends never use it: they switch over the records.
 */
public final class Ops {
    private Ops() {}

    /** How an operation uses an array component. */
    public enum Access { READ, WRITE, READ_WRITE }

    private record Layout(String name, RecordComponent[] components, Access[] access, Constructor<?> constructor) {}

    private static final ClassValue<Layout> LAYOUT = new ClassValue<>() {
        @Override
        protected Layout computeValue(Class<?> c) {
            RecordComponent[] rc = c.getRecordComponents();
            Access[] acc = new Access[rc.length];
            Class<?>[] types = new Class<?>[rc.length];
            for (int i = 0; i < rc.length; i++) {
                Class<?> t = types[i] = rc[i].getType();
                if (t == float[].class || t == int[].class) {
                    acc[i] = rc[i].isAnnotationPresent(Op.Out.class) ? Access.WRITE
                            : rc[i].isAnnotationPresent(Op.InOut.class) ? Access.READ_WRITE : Access.READ;
                } else if (!t.isPrimitive()) {
                    throw new IllegalStateException(c.getSimpleName() + "." + rc[i].getName()
                            + ": an op holds only primitives, float[] and int[]");
                }
            }
            try {
                String s = c.getSimpleName();
                return new Layout(Character.toLowerCase(s.charAt(0)) + s.substring(1), rc, acc,
                        c.getDeclaredConstructor(types));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    /** Every operation there is. */
    @SuppressWarnings("unchecked")
    public static List<Class<? extends Op>> all() {
        List<Class<? extends Op>> all = new java.util.ArrayList<>();
        for (Class<?> c : Op.class.getPermittedSubclasses()) all.add((Class<? extends Op>) c);
        return all;
    }

    /** The name of the Backend method that builds it: "linear", "layerNorm", ... */
    public static String name(Op op) { return LAYOUT.get(op.getClass()).name; }

    public static String name(Class<? extends Op> c) { return LAYOUT.get(c).name; }

    /** Component names, in declaration order. */
    public static String[] componentNames(Class<? extends Op> c) {
        return Arrays.stream(LAYOUT.get(c).components).map(RecordComponent::getName).toArray(String[]::new);
    }

    public static Class<?>[] componentTypes(Class<? extends Op> c) {
        return Arrays.stream(LAYOUT.get(c).components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    }

    /** Access of each component: null for a scalar. */
    public static Access[] access(Class<? extends Op> c) { return LAYOUT.get(c).access.clone(); }

    /** The component values, in declaration order. */
    public static Object[] values(Op op) {
        RecordComponent[] rc = LAYOUT.get(op.getClass()).components;
        Object[] v = new Object[rc.length];
        try {
            for (int i = 0; i < rc.length; i++) v[i] = rc[i].getAccessor().invoke(op);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
        return v;
    }

    /** An operation of class c with these component values. */
    public static Op of(Class<? extends Op> c, Object... values) {
        try {
            return (Op) LAYOUT.get(c).constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same operation with every non-null array component replaced by {@code arrays.apply(it)}. */
    public static Op map(Op op, UnaryOperator<Object> arrays) {
        Access[] acc = LAYOUT.get(op.getClass()).access;
        Object[] v = values(op);
        for (int i = 0; i < v.length; i++) if (acc[i] != null && v[i] != null) v[i] = arrays.apply(v[i]);
        return of(op.getClass(), v);
    }
}
