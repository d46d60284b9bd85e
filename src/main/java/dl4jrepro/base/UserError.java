package dl4jrepro.base;

/**
 * A problem the user can fix (bad id, malformed spec, missing data, impossible value). The CLI prints its message as one
 * line and exits with {@link #EXIT_CODE}; the message names the problem and the fix, so no stack trace is shown.
 */
public class UserError extends RuntimeException {
    public static final int EXIT_CODE = 2;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
