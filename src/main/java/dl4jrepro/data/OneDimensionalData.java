package dl4jrepro.data;

import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec.DataSpec;
import dl4jrepro.spec.ExperimentSpec.Function1d;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Regression data with one input and one target: report 003's noisy function with "dark" intervals, generated from the
 * spec, or (x, y) pairs from CSV files of one's own; split into seeded folds for cross-validation.
 */
public final class OneDimensionalData {
    private OneDimensionalData() {}

    /** Points in file or generation order. */
    public record Points(double[] x, double[] y) {
        public int size() {
            return x.length;
        }

        /** As CSV with a header, the format {@link #readCsv} reads. */
        public String csv() {
            StringBuilder s = new StringBuilder("x,y\n");
            for (int i = 0; i < x.length; i++) s.append(String.format(Locale.ROOT, "%.9g,%.9g%n", x[i], y[i]));
            return s.toString();
        }
    }

    /** The noiseless function. */
    public static double f(Function1d fn, double x) {
        double p = 0;
        for (int k = fn.poly().size() - 1; k >= 0; k--) p = p * x + fn.poly().get(k);
        double sines = 0;
        for (List<Double> s : fn.sines()) sines += s.get(0) * Math.sin(s.get(1) * x + s.get(2));
        return sines + p;
    }

    /** Training points (outside the dark intervals, noisy) and test points (everywhere, less noisy), seeded. */
    public static Points[] generate(Function1d fn, int train, int test, long seed) {
        Random random = new Random(seed);
        double[] tx = new double[train], ty = new double[train];
        for (int i = 0; i < train; i++) {
            double x;
            do {
                x = fn.xMin() + random.nextDouble() * (fn.xMax() - fn.xMin());
            } while (inDark(fn, x));
            tx[i] = x;
            ty[i] = f(fn, x) + fn.trainNoise() * random.nextGaussian();
        }
        double[] sx = new double[test], sy = new double[test];
        for (int i = 0; i < test; i++) {
            sx[i] = fn.xMin() + random.nextDouble() * (fn.xMax() - fn.xMin());
            sy[i] = f(fn, sx[i]) + fn.testNoise() * random.nextGaussian();
        }
        return new Points[] {new Points(tx, ty), new Points(sx, sy)};
    }

    public static boolean inDark(Function1d fn, double x) {
        return fn.dark().stream().anyMatch(d -> x >= d.get(0) && x <= d.get(1));
    }

    /**
     * Reads (x, y) rows: two numbers per line separated by a comma, an optional header line first, blank lines ignored.
     * Anything else is a one-line error naming the file and line.
     */
    public static Points readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + " (" + e.getMessage() + "): give an existing CSV of x,y rows");
        }
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) continue;
            String[] cells = line.split("\\s*,\\s*", -1);
            if (rows.isEmpty() && i == firstNonBlank(lines) && !isNumber(cells[0])) continue;   // a header
            String where = file + " line " + (i + 1) + ": ";
            if (cells.length != 2) {
                throw new UserError(where + "expected 2 columns (x,y), found " + cells.length + ": '" + line + "'");
            }
            for (String c : cells) {
                if (!isNumber(c)) throw new UserError(where + "'" + c + "' is not a number; every row must be x,y");
            }
            rows.add(new double[] {Double.parseDouble(cells[0]), Double.parseDouble(cells[1])});
        }
        if (rows.isEmpty()) throw new UserError(file + ": no data rows; the file needs x,y rows (a header line is optional)");
        double[] x = new double[rows.size()], y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i)[0];
            y[i] = rows.get(i)[1];
        }
        return new Points(x, y);
    }

    private static int firstNonBlank(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) if (!lines.get(i).isBlank()) return i;
        return -1;
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The training and test points a spec names. */
    public static Points[] points(DataSpec spec, long seed) {
        if (spec.dataset().equals("function-1d")) return generate(spec.function(), spec.train(), spec.test(), seed);
        Points train = readCsv(Path.of(spec.csv().train())), test = readCsv(Path.of(spec.csv().test()));
        if (train.size() != spec.train() || test.size() != spec.test()) {
            throw new UserError("data.csv has " + train.size() + " training and " + test.size() + " test rows; the spec says "
                    + spec.train() + " and " + spec.test() + ": fix data.train/data.test (or use --set data.csv=TRAIN,TEST)");
        }
        return new Points[] {train, test};
    }

    /**
     * Indices of the validation fold: the training points in a seeded order, cut into {@code folds} nearly equal parts.
     * Every fold of the same seed partitions the points exactly.
     */
    public static int[] foldIndices(int n, int folds, int fold, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        Collections.shuffle(order, new Random(seed));
        int from = (int) ((long) fold * n / folds), to = (int) ((long) (fold + 1) * n / folds);
        return order.subList(from, to).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    static PreparedData prepare(DataSpec spec, long seed) {
        Points[] p = points(spec, seed);
        Points train = p[0], test = p[1];
        boolean[] isVal = new boolean[train.size()];
        if (spec.fold() != null) for (int i : foldIndices(train.size(), spec.folds(), spec.fold(), seed)) isVal[i] = true;
        List<Integer> fit = new ArrayList<>(), val = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) (isVal[i] ? val : fit).add(i);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("dataset", spec.dataset());
        if (spec.function() != null) provenance.put("function", spec.function());
        if (spec.csv() != null) provenance.put("csv", spec.csv());
        provenance.put("seed", seed);
        provenance.put("checksum", Md5.of((train.csv() + test.csv()).getBytes(StandardCharsets.UTF_8)));
        provenance.put("split", DatasetRepository.splitOf(spec));
        provenance.put("fit_points", fit.size());
        provenance.put("val_points", val.size());
        provenance.put("preprocess", spec.preprocess());
        return new PreparedData(column(train.x(), fit), column(train.y(), fit), column(train.x(), val),
                column(train.y(), val), column(test.x(), null), column(test.y(), null), 1, provenance);
    }

    private static INDArray column(double[] values, List<Integer> rows) {
        int n = rows == null ? values.length : rows.size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) values[rows == null ? i : rows.get(i)];
        return Nd4j.create(out, new long[] {n, 1}, DataType.FLOAT);
    }
}
