package f5j.testing;

import f5j.compute.Backend;
import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Replays one golden file through its GoldenKind and asserts that every compared tensor passed. */
public final class GoldenRun {
    /** Replay on the default backend with each kind's tolerances. */
    public static final VerifyOptions CPU = new VerifyOptions(Backend.cpu(), null, null, null, null);

    private GoldenRun() {}

    /** The first failed check in recording order (for activations: the first divergent layer), or null. */
    public static Check firstFailure(GoldenReport r) {
        return r.checks().stream().filter(c -> c.status() == Check.Status.FAIL).findFirst().orElse(null);
    }

    /** Verifies {@code relative} (under the golden copy); returns the report for further checks. */
    public static GoldenReport verifyPasses(String relative) {
        Path f = Goldens.file(relative);
        GoldenReport r = new GoldenReport();
        new Verifier(CPU).verify(f, r);
        Check first = firstFailure(r);
        assertThat(first).as(relative + ": first failure").isNull();
        assertThat(r.count(Check.Status.FAIL)).as(relative + ": " + r.summary()).isZero();
        assertThat(r.count(Check.Status.SKIP)).as(relative + ": " + r.summary()).isZero();
        assertThat(r.count(Check.Status.PASS)).as(relative + ": " + r.summary()).isPositive();
        return r;
    }

    /** How many compared tensors were module activations ({@code act/...}). */
    public static long activations(GoldenReport r) {
        return r.checks().stream().filter(c -> c.name().startsWith("act/")).count();
    }
}
