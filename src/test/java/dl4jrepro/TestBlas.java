package dl4jrepro;

import dl4jrepro.backend.BlasLibrary;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes the tests multiply with the BLAS a run of a CNN would use (REPRO_BLAS, default auto: OpenBLAS): the choice must precede ND4J's
 * first load, and many tests touch ND4J before any of them selects a backend.
 */
public final class TestBlas implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlasLibrary.requestBeforeNd4jLoads(false);
    }
}
