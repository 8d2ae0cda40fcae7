package f5j.util;

/**
 * A setting out of its range, named as the library names it (a {@code SynthSettings} or request component);
 * a front end such as the CLI names it by its own option instead. Library messages never name CLI options.
 */
public final class SettingException extends F5jException {
    private final String setting, value, problem;

    public SettingException(String setting, Object value, String problem) {
        super(setting + " " + value + ": " + problem);
        this.setting = setting;
        this.value = String.valueOf(value);
        this.problem = problem;
    }

    public String setting() { return setting; }

    public String value() { return value; }

    public String problem() { return problem; }
}
