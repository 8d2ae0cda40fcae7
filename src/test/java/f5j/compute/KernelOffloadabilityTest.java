package f5j.compute;

import org.junit.jupiter.api.Test;

import java.lang.classfile.ClassModel;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps every kernel offloadable to TornadoVM (runs in CI, no TornadoVM needed): the compiled kernel
 * classes of the main code must contain nothing TornadoVM cannot compile. See {@link KernelBytecodeCheck}.
 */
class KernelOffloadabilityTest {
    static Path mainClasses() throws URISyntaxException {
        return Path.of(Kernels.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void everyKernelClassIsOffloadable() throws Exception {
        List<ClassModel> kernels = KernelBytecodeCheck.discover(mainClasses());
        assertThat(kernels).extracting(c -> c.thisClass().asInternalName()).contains("f5j/compute/Kernels");
        List<String> violations = KernelBytecodeCheck.check(kernels);
        assertThat(violations).as("kernel constructs TornadoVM cannot compile:\n  " + String.join("\n  ", violations))
                .isEmpty();
    }

    @Test
    void tornadoTwinsAreOffloadable() throws Exception {
        // src/tornado/java is test code in the default build (compiled against the API stubs), main code with
        // -Ptornadovm: either way these are the classes TornadoVM compiles
        List<ClassModel> kernels = new java.util.ArrayList<>(KernelBytecodeCheck.discover(mainClasses()));
        kernels.add(KernelBytecodeCheck.parse(f5j.compute.tornado.TornadoKernels.class));
        List<String> violations = KernelBytecodeCheck.check(kernels);
        assertThat(violations).as("twin constructs TornadoVM cannot compile:\n  " + String.join("\n  ", violations))
                .isEmpty();
    }

    @Test
    void checkerReportsEachViolationWithItsPlace() {
        List<String> v = KernelBytecodeCheck.check(List.of(KernelBytecodeCheck.parse(BadKernelsFixture.class)));
        String p = "f5j.compute.BadKernelsFixture.";
        assertThat(v).anyMatch(s -> s.startsWith(p + "allocates@") && s.contains("newarray FLOAT"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "allocatesObject@") && s.contains("new java.lang.StringBuilder"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "throwsException@") && s.contains("athrow"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "readsField@") && s.contains("getstatic"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "callsVirtual@") && s.contains("invokevirtual"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "recurses: recursion"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "usesLog1p@") && s.contains("Math.log1p is not compiled"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "catches@") && s.contains("try/catch"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "takesObject: parameter of type String"));
        assertThat(v).anyMatch(s -> s.startsWith(p + "namesParameterHalf: parameter 'half' is an OpenCL C keyword"));
        assertThat(v).noneMatch(s -> s.startsWith(p + "clean"));
    }
}
