package f5j.golden;

/**
 * One compared tensor: max |a-b|, and that divided by max |b| (the golden's scale), against a tolerance
 * on the relative error. {@code status} is PASS, FAIL or SKIP; {@code note} says why when not PASS.
 */
public record Check(String name, String shape, double maxAbs, double rel, double tol, Status status, String note) {
    public enum Status { PASS, FAIL, SKIP }

    public boolean passed() { return status == Status.PASS; }
}
