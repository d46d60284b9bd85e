package dl4jrepro.data;

import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec.DataSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splits on real MNIST: exact sizes, the catalogue's "last N" convention, seeded random splits, preprocessing. */
class DatasetRepositoryTest {
    static DatasetRepository repo;
    static DatasetRepository.RawDataset mnist;

    @BeforeAll
    static void load() {
        repo = new DatasetRepository(DataLocations.resolve(null));
        mnist = repo.raw("mnist");
    }

    @Test
    void rawDataIsReadOncePerProcess() {
        assertSame(mnist, repo.raw("mnist"));
        assertSame(mnist, new DatasetRepository(DataLocations.resolve(null)).raw("mnist"));
    }

    @Test
    void aMissingCifarBatchIsNamedWithTheFix(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // A whole first batch (all-zero records are valid), then nothing: the second batch is missing.
        java.nio.file.Files.write(dir.resolve(CifarBinaryReader.TRAIN_FILES.get(0)),
                new byte[CifarBinaryReader.RECORDS_PER_BATCH * (1 + 3 * 32 * 32)]);
        dl4jrepro.base.UserError e = org.junit.jupiter.api.Assertions.assertThrows(dl4jrepro.base.UserError.class,
                () -> new DatasetRepository(DataLocations.resolve(dir)).raw("cifar10"));
        assertTrue(e.getMessage().contains(CifarBinaryReader.TRAIN_FILES.get(1) + " is missing")
                && e.getMessage().contains("unpack cifar-10-binary.tar.gz again"), e.getMessage());
    }

    @Test
    void lastSplitTakesTheLastTrainingImagesAsValidation() {
        PreparedData d = DatasetRepository.build(mnist, new DataSpec("mnist", 500, 200, "last", 300, "scale-01", null, null, null), 1);
        assertEquals(500, d.trainX().rows());
        assertEquals(200, d.valX().rows());
        assertEquals(300, d.testX().rows());
        assertEquals(784, d.features());
        for (int i = 0; i < 200; i++) {
            assertEquals(mnist.train().label(60_000 - 200 + i), d.valY().getRow(i).argMax().getInt(0));
        }
        for (int i = 0; i < 500; i++) assertEquals(mnist.train().label(i), d.trainY().getRow(i).argMax().getInt(0));
        assertEquals(1.0, d.trainX().maxNumber().doubleValue(), 1e-6);
        assertEquals(0.0, d.trainX().minNumber().doubleValue(), 1e-6);
    }

    @Test
    void randomSplitIsSeededAndDisjoint() {
        DataSpec spec = new DataSpec("mnist", 1000, 400, "random", 100, "scale-01", null, null, null);
        PreparedData a = DatasetRepository.build(mnist, spec, 3), b = DatasetRepository.build(mnist, spec, 3),
                c = DatasetRepository.build(mnist, spec, 4);
        assertEquals(a.trainX(), b.trainX());
        assertEquals(a.valY(), b.valY());
        assertNotEquals(a.trainX(), c.trainX());
        // No validation image is also a training image.
        Set<String> train = new HashSet<>();
        for (int i = 0; i < 1000; i++) train.add(Arrays.toString(a.trainX().getRow(i).toFloatVector()));
        for (int i = 0; i < 400; i++) {
            INDArray v = a.valX().getRow(i);
            assertTrue(!train.contains(Arrays.toString(v.toFloatVector())) || duplicateImage(v), "val row " + i);
        }
    }

    /** MNIST holds a few byte-identical images; a match is only a leak if the image is unique in the training set. */
    private static boolean duplicateImage(INDArray row) {
        int matches = 0;
        for (int i = 0; i < mnist.train().count() && matches < 2; i++) {
            boolean same = true;
            for (int f = 0; f < 784 && same; f++) same = mnist.train().pixel(i, f) == Math.round(row.getFloat(f) * 255);
            if (same) matches++;
        }
        return matches >= 2;
    }

    @Test
    void meanImageComesFromTheTrainingSplitOnly() {
        PreparedData d = DatasetRepository.build(mnist, new DataSpec("mnist", 2000, 500, "last", 500,
                "subtract-train-mean-image", null, null, null), 1);
        assertEquals(0.0, d.trainX().mean(0).amaxNumber().doubleValue(), 1e-3);
        assertTrue(d.valX().mean(0).amaxNumber().doubleValue() > 1, "validation is centred with the training mean, not its own");
    }

    @Test
    void standardisedChannelsHaveZeroMeanUnitSdOnTheTrainingSplit() {
        PreparedData d = DatasetRepository.build(mnist, new DataSpec("mnist", 2000, 500, "last", 500,
                "standardize-channels", null, null, null), 1);
        assertEquals(0.0, d.trainX().meanNumber().doubleValue(), 1e-3, "float32 sums over 1.5 M values");
        assertEquals(1.0, d.trainX().stdNumber().doubleValue(), 1e-3);
        assertNotEquals(0.0, d.testX().meanNumber().doubleValue(), "test uses the training statistics");
    }

    @Test
    void pcaIsFittedOnTrainingRowsAndOrdersComponentsByVariance() {
        PreparedData d = DatasetRepository.build(mnist, new DataSpec("mnist", 2000, 500, "last", 500, "scale-01", 40, null, null), 1);
        assertEquals(40, d.features());
        assertEquals(40, d.testX().columns());
        double explained = ((Number) ((Map<?, ?>) d.provenance().get("pca")).get("explained_variance")).doubleValue();
        assertTrue(explained > 0.5 && explained < 1, "40 components of MNIST keep most but not all variance: " + explained);
        // Components come out in ascending eigenvalue order: the last column carries the most variance.
        INDArray var = d.trainX().var(0);
        assertTrue(var.getDouble(39) > var.getDouble(0) * 5, var.toString());
        assertEquals(0.0, d.trainX().mean(0).amaxNumber().doubleValue(), 1e-3, "training projections are centred");
    }

    @Test
    void impossibleSplitIsRejected() {
        UserError e = assertThrows(UserError.class,
                () -> DatasetRepository.build(mnist, new DataSpec("mnist", 59_000, 2000, "last", 100, "scale-01", null, null, null), 1));
        assertTrue(e.getMessage().contains("exceeds the 60000 training images"), e.getMessage());
    }
}
