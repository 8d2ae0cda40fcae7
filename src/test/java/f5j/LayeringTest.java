package f5j;

import f5j.sampler.LayeringViolationFixture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model stays below what watches and drives it: no compiled class of a model package refers to the
 * verification, audit, benchmark or command-line packages. Reads every constant-pool class and type
 * descriptor (fields, methods, generic signatures, annotations) with the JDK ClassFile API, so an import,
 * a fully qualified name or a lambda's type all count; string constants do not.
 */
class LayeringTest {
    static final Set<String> MODEL = Set.of("text", "audio", "dit", "sampler", "vocoder", "infer", "compute", "weights",
            "config", "tensor", "trace", "util", "numerics");
    static final Set<String> ABOVE = Set.of("golden", "audit", "bench", "cli", "serve");
    /** A class named inside a descriptor or signature: {@code Lf5j/golden/GoldenReport;}. */
    private static final Pattern TYPE = Pattern.compile("L(f5j/[\\w$/]+)[;<]");

    @Test
    void noModelClassDependsOnVerificationAuditBenchOrCli() throws Exception {
        Path main = Path.of(f5j.cli.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> found = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(main)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                ClassModel cm = ClassFile.of().parse(p);
                if (!MODEL.contains(layer(cm.thisClass().asInternalName()))) continue;
                scanned++;
                found.addAll(violations(cm));
            }
        }
        assertThat(scanned).as("model classes scanned").isGreaterThan(50);
        assertThat(found).as("model classes that depend on a package above the model:\n  " + String.join("\n  ", found)).isEmpty();
    }

    @Test
    void reportsTheOffendingClassAndEachDependency() {
        List<String> v = violations(parse(LayeringViolationFixture.class));
        assertThat(v).containsExactly(
                "f5j.sampler.LayeringViolationFixture -> f5j.cli.Main",
                "f5j.sampler.LayeringViolationFixture -> f5j.golden.GoldenReport");
    }

    /** {@code f5j/compute/plan/Plan} → {@code compute}; classes outside f5j → "". */
    static String layer(String internalName) {
        if (!internalName.startsWith("f5j/")) return "";
        int end = internalName.indexOf('/', 4);
        return end < 0 ? "" : internalName.substring(4, end);
    }

    /** "class -> dependency" for each class of a forbidden package that {@code cm} refers to, sorted. */
    static List<String> violations(ClassModel cm) {
        String self = cm.thisClass().asInternalName();
        Set<Integer> stringConstants = new HashSet<>();
        for (PoolEntry e : cm.constantPool()) if (e instanceof StringEntry s) stringConstants.add(s.utf8().index());
        Set<String> deps = new TreeSet<>();
        for (PoolEntry e : cm.constantPool()) {
            if (e instanceof ClassEntry c && !c.asInternalName().startsWith("[")) {
                deps.add(c.asInternalName());
            } else if (e instanceof Utf8Entry u && !stringConstants.contains(u.index())) {
                Matcher m = TYPE.matcher(u.stringValue());
                while (m.find()) deps.add(m.group(1));
            }
        }
        List<String> out = new ArrayList<>();
        for (String d : deps) {
            if (ABOVE.contains(layer(d))) out.add(self.replace('/', '.') + " -> " + d.replace('/', '.'));
        }
        return out;
    }

    static ClassModel parse(Class<?> c) {
        try (var in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
