package dl4jrepro.results;

import dl4jrepro.base.UserError;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds an experiment's results folder for one run at a time, whatever its kind (single run, search, check): a second
 * {@code run} of the same experiment fails at once instead of racing the first, and different experiments have
 * different folders and never meet. Taking it also proves the folder can be written, before any training: an
 * unwritable folder fails here in one line, not after hours. The operating system releases the lock when the process
 * dies, so a run killed with {@code kill -9} leaves nothing to clean up.
 */
public final class FolderLock implements AutoCloseable {
    static final String FILE = ".lock";
    private final FileChannel channel;
    private final FileLock lock;

    public FolderLock(Path dir, String experiment) {
        FileChannel c;
        try {
            Files.createDirectories(dir);
            c = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new UserError("cannot write results to " + dir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): give a writable folder with --results-dir");
        }
        FileLock l;
        try {
            l = c.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            l = null;
        }
        if (l == null) {
            close(c);
            throw new UserError("another run of " + experiment + " is writing to " + dir
                    + ": wait for it to finish (or stop it); it resumes where it stopped");
        }
        channel = c;
        lock = l;
    }

    private static void close(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a channel we could not lock: nothing to keep
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
