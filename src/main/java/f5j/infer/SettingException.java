package f5j.infer;

import f5j.util.F5jException;

/**
 * A synthesis setting out of its range, named by its {@link SynthSettings} component (a front end such as
 * the CLI names it by its own option instead).
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
