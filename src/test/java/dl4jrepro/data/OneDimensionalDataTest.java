package dl4jrepro.data;

import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneDimensionalDataTest {
    @TempDir Path tmp;

    static ExperimentSpec.Function1d function() {
        return new SpecCatalog(Path.of("experiments")).load("regression-selu-003").data().function();
    }

    @Test
    void generatorIsSeededAndLeavesTheDarkIntervalsEmpty() {
        ExperimentSpec.Function1d fn = function();
        OneDimensionalData.Points[] a = OneDimensionalData.generate(fn, 100, 100, 42);
        OneDimensionalData.Points[] b = OneDimensionalData.generate(fn, 100, 100, 42);
        assertArrayEquals(a[0].x(), b[0].x());
        assertArrayEquals(a[1].y(), b[1].y());
        assertFalse(Arrays.equals(a[0].x(), OneDimensionalData.generate(fn, 100, 100, 43)[0].x()));
        assertTrue(Arrays.stream(a[0].x()).noneMatch(x -> OneDimensionalData.inDark(fn, x)), "no training point is dark");
        assertTrue(Arrays.stream(a[1].x()).filter(x -> OneDimensionalData.inDark(fn, x)).count() >= 5,
                "test points cover the dark intervals too");
        // Noise as the spec says: training residuals about 0.4, test about 0.1.
        assertEquals(0.4, residualSd(fn, a[0]), 0.08);
        assertEquals(0.1, residualSd(fn, a[1]), 0.03);
    }

    private static double residualSd(ExperimentSpec.Function1d fn, OneDimensionalData.Points p) {
        double s = 0;
        for (int i = 0; i < p.size(); i++) s += Math.pow(p.y()[i] - OneDimensionalData.f(fn, p.x()[i]), 2);
        return Math.sqrt(s / p.size());
    }

    @Test
    void foldsPartitionThePointsExactly() {
        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < 5; k++) {
            int[] fold = OneDimensionalData.foldIndices(100, 5, k, 42);
            assertEquals(20, fold.length);
            for (int i : fold) assertTrue(seen.add(i), "point " + i + " in two folds");
            assertArrayEquals(fold, OneDimensionalData.foldIndices(100, 5, k, 42), "same seed, same fold");
        }
        assertEquals(100, seen.size(), "every point validates once");
        assertEquals(21, OneDimensionalData.foldIndices(103, 5, 4, 1).length, "103 points: folds of 20 or 21");
    }

    @Test
    void readsCsvWithOrWithoutHeader() throws IOException {
        Path f = tmp.resolve("a.csv");
        Files.writeString(f, "x,y\n1.5,2\n\n-3,4e-1\n");
        OneDimensionalData.Points p = OneDimensionalData.readCsv(f);
        assertArrayEquals(new double[] {1.5, -3}, p.x());
        assertArrayEquals(new double[] {2, 0.4}, p.y());
        Files.writeString(f, "1,2\n3,4\n");
        assertEquals(2, OneDimensionalData.readCsv(f).size());
    }

    @Test
    void rejectsMalformedCsvNamingTheLine() throws IOException {
        Path f = tmp.resolve("bad.csv");
        Files.writeString(f, "x,y\n1,2\n3\n");
        UserError e = assertThrows(UserError.class, () -> OneDimensionalData.readCsv(f));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("expected 2 columns"), e.getMessage());
        Files.writeString(f, "x,y\n1,2\n3,abc\n");
        e = assertThrows(UserError.class, () -> OneDimensionalData.readCsv(f));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'abc' is not a number"), e.getMessage());
        Files.writeString(f, "");
        e = assertThrows(UserError.class, () -> OneDimensionalData.readCsv(f));
        assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
        e = assertThrows(UserError.class, () -> OneDimensionalData.readCsv(tmp.resolve("missing.csv")));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
