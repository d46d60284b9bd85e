package dl4jrepro.data;

import dl4jrepro.spec.ExperimentSpec.Augment;
import dl4jrepro.spec.ExperimentSpec.DataSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AffineAugmentationTest {
    static final InputShape SHAPE = new InputShape(1, 28, 28);

    private static float[] square() {
        float[] img = new float[28 * 28];
        for (int y = 10; y < 16; y++) for (int x = 12; x < 18; x++) img[y * 28 + x] = 255f;
        return img;
    }

    @Test
    void aShiftMovesThePictureByWholePixels() {
        float[] out = new float[28 * 28];
        AffineAugmentation.warp(square(), 0, out, 0, SHAPE, 0, 0, 3, -2, false);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean inside = y >= 8 && y < 14 && x >= 15 && x < 21;
                assertEquals(inside ? 255f : 0f, out[y * 28 + x], 1e-3, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void aMirroredShiftIsTheShiftFlippedLeftToRight() {
        float[] shifted = new float[28 * 28], mirrored = new float[28 * 28];
        AffineAugmentation.warp(square(), 0, shifted, 0, SHAPE, 0, 0, 3, -2, false);
        AffineAugmentation.warp(square(), 0, mirrored, 0, SHAPE, 0, 0, 3, -2, true);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) assertEquals(shifted[y * 28 + 27 - x], mirrored[y * 28 + x], 1e-3);
        }
        assertFalse(Arrays.equals(shifted, mirrored), "the shifted square is off centre, so its mirror image differs");
    }

    @Test
    void flipsMirrorAboutHalfTheCopies() {
        int n = 400;
        float[] images = new float[n * 784];
        for (int i = 0; i < n; i++) System.arraycopy(square(), 0, images, i * 784, 784);
        float[] mirror = new float[784];
        AffineAugmentation.warp(square(), 0, mirror, 0, SHAPE, 0, 0, 0, 0, true);
        // No rotation, shear or shift: each copy is the off-centre square itself or its mirror image.
        float[] x = AffineAugmentation.withCopies(images, n, SHAPE, new Augment(1, 0, 0, 0, true), 3);
        int mirrored = 0, kept = 0;
        for (int i = 0; i < n; i++) {
            float[] copy = Arrays.copyOfRange(x, (2 * i + 1) * 784, (2 * i + 2) * 784);
            if (Arrays.equals(copy, mirror)) mirrored++;
            if (Arrays.equals(copy, square())) kept++;
        }
        assertEquals(n, mirrored + kept, "every copy is the image or its mirror");
        // Binomial(400, 1/2) lies in [160, 240] but for a chance of about 1e-4.
        assertTrue(mirrored >= 160 && mirrored <= 240, mirrored + " of " + n + " copies mirrored");
    }

    @Test
    void aRotationBy90DegreesTurnsTheImageAndKeepsItsMass() {
        float[] bar = new float[28 * 28];
        for (int x = 4; x < 24; x++) bar[14 * 28 + x] = 255f;   // a horizontal bar through the centre row
        float[] out = new float[28 * 28];
        AffineAugmentation.warp(bar, 0, out, 0, SHAPE, Math.PI / 2, 0, 0, 0, false);
        double columnMass = 0, rowMass = 0;
        for (int y = 0; y < 28; y++) columnMass += out[y * 28 + 13] + out[y * 28 + 14];
        for (int x = 0; x < 28; x++) rowMass += out[14 * 28 + x];
        assertTrue(columnMass > 0.9 * 20 * 255, "the bar now runs vertically through the centre");
        assertTrue(rowMass < 3 * 255, "and no longer along the centre row");
    }

    @Test
    void copiesAreSeededAndFollowTheirOriginals() {
        float[] two = new float[2 * 784];
        System.arraycopy(square(), 0, two, 0, 784);
        System.arraycopy(square(), 0, two, 784, 784);
        Augment a = new Augment(2, 15, 0.1, 10, null);
        float[] x = AffineAugmentation.withCopies(two, 2, SHAPE, a, 7);
        assertEquals(2 * 3 * 784, x.length);
        assertArrayEquals(Arrays.copyOfRange(two, 0, 784), Arrays.copyOfRange(x, 0, 784), "original first");
        assertArrayEquals(Arrays.copyOfRange(two, 784, 1568), Arrays.copyOfRange(x, 3 * 784, 4 * 784));
        assertArrayEquals(x, AffineAugmentation.withCopies(two, 2, SHAPE, a, 7), "same seed, same copies");
        assertFalse(Arrays.equals(x, AffineAugmentation.withCopies(two, 2, SHAPE, a, 8)), "another seed, other copies");
        assertFalse(Arrays.equals(Arrays.copyOfRange(x, 784, 1568), Arrays.copyOfRange(x, 2 * 784, 3 * 784)),
                "each copy is drawn anew");
    }

    @Test
    void augmentedSplitsKeepEveryLabel() {
        DatasetRepository repo = new DatasetRepository(DataLocations.resolve(null));
        DataSpec plain = new DataSpec("mnist", 300, 100, "last", 100, "scale-01", null, null, null);
        DataSpec doubled = new DataSpec("mnist", 300, 100, "last", 100, "scale-01", null, null,
                new Augment(1, 10, 0.1, 10, null));
        PreparedData p = repo.prepare(plain, 42), d = repo.prepare(doubled, 42);
        assertEquals(600, d.trainX().rows());
        INDArray labels = p.trainY().argMax(1), doubledLabels = d.trainY().argMax(1);
        for (int i = 0; i < 300; i++) {
            assertEquals(labels.getInt(i), doubledLabels.getInt(2 * i));
            assertEquals(labels.getInt(i), doubledLabels.getInt(2 * i + 1), "a copy keeps its digit's label");
        }
        assertEquals(p.trainX().getRow(5), d.trainX().getRow(10), "originals are untouched");
        assertEquals(p.valX(), d.valX(), "validation is never augmented");
        assertEquals(600, ((Map<?, ?>) d.provenance().get("augment")).get("train_after_augmentation"));
    }
}
