package f5j.cli;

import f5j.compute.Backend;
import f5j.util.F5jException;

/** Resolves {@code --backend NAME}. */
final class Backends {
    private Backends() {}

    static Backend byName(String name) {
        return switch (name) {
            case "cpu" -> Backend.cpu();
            case "reference" -> Backend.reference();
            case "tornado" -> throw new F5jException("--backend tornado: TornadoVM is not available in this build "
                    + "(build with -Ptornadovm and set TORNADOVM_HOME; see README)");
            default -> throw new F5jException("--backend " + name + ": unknown backend (cpu, reference, tornado)");
        };
    }
}
