package f5j.util;

/** The f5j release, written into recordings so a later version knows what made them. */
public final class Version {
    private Version() {}

    public static final String VERSION = "0.1.0";
}
