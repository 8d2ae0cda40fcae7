package f5j.testing;

import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Replays one golden file through its GoldenKind and asserts that every compared tensor passed. */
public final class GoldenRun {
    private GoldenRun() {}

    /** Verifies {@code relative} (under the golden copy); returns the report for further checks. */
    public static GoldenReport verifyPasses(String relative) {
        Path f = Goldens.file(relative);
        GoldenReport r = new GoldenReport();
        Verifier.verifyOne(f, VerifyOptions.defaults(), r);
        Check first = r.firstFailure();
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
