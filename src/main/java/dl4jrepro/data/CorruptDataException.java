package dl4jrepro.data;

import dl4jrepro.base.UserError;

import java.nio.file.Path;

/** A data file that is not what its format says: names the file and the fault. */
public class CorruptDataException extends UserError {
    public CorruptDataException(Path file, String fault) {
        super(file + ": " + fault + " (delete the file and fetch a fresh copy)");
    }
}
