package dl4jrepro.backend;

import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasLibraryTest {
    @Test
    void theBuildUnpacksTheNewerLibraryForThisPlatform() {
        assertTrue(BlasLibrary.newerFolder().isPresent(), "pom.xml should unpack OpenBLAS " + BlasLibrary.NEWER
                + " into target/classes/dl4jrepro/openblas-" + BlasLibrary.NEWER);
    }

    @Test
    void refusesAnUnknownChoiceInOneLine() {
        String before = System.getProperty(BlasLibrary.PROPERTY);
        System.setProperty(BlasLibrary.PROPERTY, "mkl");
        try {
            UserError e = assertThrows(UserError.class, BlasLibrary::choice);
            assertEquals("-Drepro.blas=mkl: use auto, newer or bundled", e.getMessage());
        } finally {
            if (before == null) System.clearProperty(BlasLibrary.PROPERTY); else System.setProperty(BlasLibrary.PROPERTY, before);
        }
    }

    /** The tests load the library a run would (REPRO_BLAS, default auto: the newer one), and say so in the backend. */
    @Test
    void namesTheLibraryThisProcessLoaded() {
        BackendInfo info = BackendSelector.select("cpu", 1);
        String expected = "bundled".equals(System.getenv(BlasLibrary.ENV)) ? BlasLibrary.BUNDLED : BlasLibrary.NEWER;
        assertTrue(info.blas().startsWith("OpenBLAS " + expected + " ("), info.blas());
    }

    /** ND4J's LAPACK calls need LAPACKE in the loaded library; without it the JVM ends at the first call. */
    @Test
    void lapackCallsWorkWithTheLoadedLibrary() {
        INDArray a = Nd4j.createFromArray(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}}).castTo(DataType.DOUBLE);
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(a.dup(), true);
        double[] sorted = values.toDoubleVector();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new double[] {1, 3, 5}, sorted, 1e-12);
    }
}
