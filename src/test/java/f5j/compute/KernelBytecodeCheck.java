package f5j.compute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.RuntimeInvisibleAnnotationsAttribute;
import java.lang.classfile.attribute.RuntimeVisibleAnnotationsAttribute;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.reflect.AccessFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads compiled kernel classes with the JDK ClassFile API and lists every construct TornadoVM cannot
 * compile inside a kernel: allocation, exceptions (athrow, try/catch), object fields, virtual, interface,
 * dynamic or special calls, calls outside the kernel classes except the java.lang.Math functions TornadoVM's
 * OpenCL/PTX/SPIR-V backends lower, recursion, monitors, type checks, object constants and non-primitive
 * parameters (TornadoVM's off-heap arrays and their get/set/getSize are allowed, for the TornadoVM twins).
 * Each violation reads {@code class.method@offset: what}.
 */
final class KernelBytecodeCheck {
    /**
     * java.lang.Math methods TornadoVM compiles: those its backends register as intrinsics or that Graal
     * lowers to math nodes, as exercised by TornadoVM's own kernel tests (uk.ac.manchester.tornado.unittests
     * .math.TestMath). Notably absent: log1p, expm1, cbrt, hypot, fma, rint, round.
     */
    static final Set<String> MATH = Set.of("abs", "min", "max", "sqrt", "exp", "log", "pow", "sin", "cos", "tan",
            "tanh", "atan", "atan2", "asin", "acos", "floor", "ceil", "signum");

    /** TornadoVM's device array types, used by the twins in src/tornado/java (only built with -Ptornadovm). */
    private static final String TORNADO_ARRAYS = "uk/ac/manchester/tornado/api/types/arrays/";
    private static final Set<String> DEVICE_ARRAY_METHODS = Set.of("get", "set", "getSize");
    /** KernelContext kernels: the context's id fields (Integers, unboxed) and these methods are intrinsics. */
    private static final String KERNEL_CONTEXT = "uk/ac/manchester/tornado/api/KernelContext";
    private static final Set<String> KERNEL_CONTEXT_METHODS = Set.of("localBarrier", "allocateFloatLocalArray");

    /**
     * OpenCL C keywords and types that are not Java keywords. TornadoVM keeps a kernel's parameter names
     * in the OpenCL source it generates, so a parameter named {@code half} makes the build fail on the
     * device (seen with PoCL) and TornadoVM falls back to running the kernel on the JVM.
     */
    static final Set<String> OPENCL_RESERVED = Set.of("half", "bool", "uchar", "ushort", "uint", "ulong", "global",
            "local", "constant", "private", "kernel", "read_only", "write_only", "read_write", "sampler_t", "event_t",
            "size_t", "ptrdiff_t", "intptr_t", "uintptr_t", "complex", "imaginary", "restrict", "inline", "unsigned",
            "signed", "typedef", "struct", "union", "extern", "auto", "register", "sizeof");
    private static final java.util.regex.Pattern OPENCL_VECTOR =
            java.util.regex.Pattern.compile("(u?char|u?short|u?int|u?long|float|double|half|bool)(2|3|4|8|16)|__\\w*|image\\w*");

    private static final String KERNEL_ANNOTATION = "Lf5j/compute/Kernel;";

    private KernelBytecodeCheck() {}

    /**
     * Kernel classes among the .class files under {@code root}: those annotated {@code @Kernel}, and
     * f5j.compute.Kernels in any case. (Not a naming rule: host-only classes such as the Vector API
     * SimdKernels are named like kernels but are not meant for TornadoVM.)
     */
    static List<ClassModel> discover(Path root) {
        List<ClassModel> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                ClassModel cm = ClassFile.of().parse(p);
                if (isKernelClass(cm)) found.add(cm);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    static boolean isKernelClass(ClassModel cm) {
        if (cm.thisClass().asInternalName().equals("f5j/compute/Kernels")) return true;
        var invisible = cm.findAttribute(Attributes.runtimeInvisibleAnnotations())
                .map(RuntimeInvisibleAnnotationsAttribute::annotations).orElse(List.of());
        var visible = cm.findAttribute(Attributes.runtimeVisibleAnnotations())
                .map(RuntimeVisibleAnnotationsAttribute::annotations).orElse(List.of());
        return Stream.concat(invisible.stream(), visible.stream())
                .anyMatch(a -> a.className().stringValue().equals(KERNEL_ANNOTATION));
    }

    static ClassModel parse(Class<?> c) {
        try (var in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All violations in the kernel methods (static, non-synthetic methods) of the given classes. */
    static List<String> check(List<ClassModel> classes) {
        List<String> out = new ArrayList<>();
        Set<String> kernelClasses = new HashSet<>();
        for (ClassModel cm : classes) kernelClasses.add(cm.thisClass().asInternalName());
        Map<String, List<String>> calls = new LinkedHashMap<>();
        for (ClassModel cm : classes) {
            String cls = cm.thisClass().asInternalName();
            for (MethodModel m : cm.methods()) {
                String name = m.methodName().stringValue();
                if (name.equals("<init>") || name.equals("<clinit>")) continue; // constructors never run on a device
                String where = cls.replace('/', '.') + "." + name;
                if (!m.flags().has(AccessFlag.STATIC)) {
                    out.add(where + ": instance method in a kernel class (kernels are static)");
                    continue;
                }
                var type = m.methodTypeSymbol();
                for (ClassDesc p : type.parameterList()) {
                    if (!primitiveOrPrimitiveArray(p)) out.add(where + ": parameter of type " + p.displayName() + " (only primitives and primitive arrays)");
                }
                if (!type.returnType().isPrimitive()) out.add(where + ": returns " + type.returnType().displayName());
                List<String> callees = new ArrayList<>();
                calls.put(key(cls, name, m.methodType().stringValue()), callees);
                m.code().ifPresent(code -> {
                    int slots = 0;
                    for (ClassDesc pd : type.parameterList()) slots += (pd.equals(ConstantDescs.CD_long) || pd.equals(ConstantDescs.CD_double)) ? 2 : 1;
                    checkParameterNames(where, code, slots, out);
                    checkCode(where, code, kernelClasses, callees, out);
                });
            }
        }
        findRecursion(calls, out);
        return out;
    }

    /** Parameter names from the LocalVariableTable (javac emits it by default, as Maven builds do). */
    private static void checkParameterNames(String where, CodeModel code, int paramSlots, List<String> out) {
        // kernels are static, so parameters fill slots 0..paramSlots-1 and javac never reuses them
        for (var e : code) {
            if (e instanceof LocalVariable lv && lv.slot() < paramSlots) {
                String n = lv.name().stringValue();
                if (OPENCL_RESERVED.contains(n) || OPENCL_VECTOR.matcher(n).matches()) {
                    out.add(where + ": parameter '" + n + "' is an OpenCL C keyword (TornadoVM keeps parameter names)");
                }
            }
        }
    }

    private static boolean primitiveOrPrimitiveArray(ClassDesc d) {
        return d.isPrimitive() || (d.isArray() && d.componentType().isPrimitive())
                || d.descriptorString().startsWith("L" + TORNADO_ARRAYS)
                || d.descriptorString().equals("L" + KERNEL_CONTEXT + ";");
    }

    private static String name(ClassDesc d) {
        return d.isArray() || d.packageName().isEmpty() ? d.displayName() : d.packageName() + "." + d.displayName();
    }

    private static String key(String owner, String name, String desc) { return owner + "." + name + desc; }

    private static void checkCode(String where, CodeModel code, Set<String> kernelClasses, List<String> callees,
                                  List<String> out) {
        int pc = 0;
        boolean afterContextId = false; // the previous instruction read a KernelContext id (an Integer)
        for (CodeElement e : code) {
            String at = where + "@" + pc + ": ";
            boolean contextId = false, unboxesContextId = afterContextId;
            switch (e) {
                case FieldInstruction i when i.opcode() == Opcode.GETFIELD
                        && i.owner().asInternalName().equals(KERNEL_CONTEXT) -> contextId = true;
                case InvokeInstruction i when i.opcode() == Opcode.INVOKEVIRTUAL
                        && i.owner().asInternalName().equals(KERNEL_CONTEXT)
                        && KERNEL_CONTEXT_METHODS.contains(i.name().stringValue()) -> { }
                case InvokeInstruction i when unboxesContextId && i.owner().asInternalName().equals("java/lang/Integer")
                        && i.name().stringValue().equals("intValue") -> { }
                case ExceptionCatch c -> out.add(at + "try/catch block");
                case NewObjectInstruction i -> out.add(at + "allocation: new " + name(i.className().asSymbol()));
                case NewPrimitiveArrayInstruction i -> out.add(at + "allocation: newarray " + i.typeKind());
                case NewReferenceArrayInstruction i -> out.add(at + "allocation: anewarray " + i.componentType().asSymbol().displayName());
                case NewMultiArrayInstruction i -> out.add(at + "allocation: multianewarray " + i.arrayType().asSymbol().displayName());
                case ThrowInstruction i -> out.add(at + "exception: athrow");
                case FieldInstruction i -> out.add(at + "field access: " + i.opcode().name().toLowerCase() + " "
                        + name(i.owner().asSymbol()) + "." + i.name().stringValue());
                case InvokeDynamicInstruction i -> out.add(at + "invokedynamic (lambda or string concatenation)");
                case InvokeInstruction i -> {
                    String owner = i.owner().asInternalName(), name = i.name().stringValue();
                    String target = owner.replace('/', '.') + "." + name + i.typeSymbol().displayDescriptor();
                    if (i.opcode() == Opcode.INVOKEVIRTUAL && owner.startsWith(TORNADO_ARRAYS)
                            && DEVICE_ARRAY_METHODS.contains(name)) {
                        // element access on TornadoVM's off-heap arrays (the -Ptornadovm twins): intrinsics
                    } else if (i.opcode() != Opcode.INVOKESTATIC) {
                        out.add(at + i.opcode().name().toLowerCase() + " " + target + " (only static calls)");
                    } else if (owner.equals("java/lang/Math")) {
                        if (!MATH.contains(name)) out.add(at + "Math." + name + " is not compiled by TornadoVM");
                    } else if (kernelClasses.contains(owner)) {
                        callees.add(key(owner, name, i.type().stringValue()));
                    } else {
                        out.add(at + "call to " + target + " outside the kernel classes and java.lang.Math");
                    }
                }
                case MonitorInstruction i -> out.add(at + "synchronization: " + i.opcode().name().toLowerCase());
                case TypeCheckInstruction i -> out.add(at + "object type check: " + i.opcode().name().toLowerCase());
                case ArrayLoadInstruction i when i.typeKind() == TypeKind.REFERENCE -> out.add(at + "object array load (aaload)");
                case ArrayStoreInstruction i when i.typeKind() == TypeKind.REFERENCE -> out.add(at + "object array store (aastore)");
                case ConstantInstruction i when !(i.constantValue() instanceof Number) ->
                        out.add(at + "object constant " + i.constantValue());
                default -> { }
            }
            if (e instanceof Instruction ins) {
                pc += ins.sizeInBytes();
                afterContextId = contextId;
            }
        }
    }

    /** Any cycle in the static call graph among kernel methods (TornadoVM inlines every call). */
    private static void findRecursion(Map<String, List<String>> calls, List<String> out) {
        Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
        for (String m : calls.keySet()) dfs(m, calls, state, new ArrayList<>(), out);
    }

    private static void dfs(String m, Map<String, List<String>> calls, Map<String, Integer> state, List<String> stack,
                            List<String> out) {
        Integer s = state.get(m);
        if (s != null) {
            if (s == 1) {
                List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(m), stack.size()));
                cycle.add(m);
                out.add(pretty(m) + ": recursion " + String.join(" -> ", cycle.stream().map(KernelBytecodeCheck::pretty).toList()));
            }
            return;
        }
        state.put(m, 1);
        stack.add(m);
        for (String c : calls.getOrDefault(m, List.of())) dfs(c, calls, state, stack, out);
        stack.removeLast();
        state.put(m, 2);
    }

    private static String pretty(String key) { return key.substring(0, key.indexOf('(')).replace('/', '.'); }
}
