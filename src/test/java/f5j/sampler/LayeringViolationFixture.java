package f5j.sampler;

import f5j.golden.GoldenReport;

/** A model-package class that reaches upward, for LayeringTest: one type in a signature, one call. */
public final class LayeringViolationFixture {
    private LayeringViolationFixture() {}

    static int checks(GoldenReport report) { return report.checks().size(); }

    static void run() { f5j.cli.Main.main(new String[0]); }

    static String notADependency() { return "f5j/audit/Audit"; }
}
