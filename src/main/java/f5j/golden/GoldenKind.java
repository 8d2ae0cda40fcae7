package f5j.golden;

/**
 * Replays one kind of golden file (the {@code kind} in its metadata) with f5j and adds one check per
 * compared tensor to the report.
 */
public interface GoldenKind {
    String kind();

    void verify(GoldenFile golden, VerifyOptions options, GoldenReport report);
}
