package dl4jrepro.data;

import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec.DataSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way experiments get data. Files are read and checked once per process and kept in memory; each distinct
 * split + preprocessing is built once and shared by every trial that asks for it.
 */
public final class DatasetRepository {
    private static final int CLASSES = 10;
    private static final Map<String, RawDataset> RAW = new ConcurrentHashMap<>();
    private static final Map<String, PreparedData> PREPARED = new ConcurrentHashMap<>();

    private final DataLocations locations;

    public DatasetRepository(DataLocations locations) {
        this.locations = locations;
    }

    /** The official training and test sets of one data set, as read from disk. */
    public record RawDataset(String name, Path dir, LabeledImages train, LabeledImages test) {}

    /** Finds (and for MNIST fetches) the files and reads them, failing with a one-line error when absent or corrupt. */
    public RawDataset raw(String dataset) {
        Path dir = switch (dataset) {
            case "cifar10" -> locations.cifarDir();
            case "mnist" -> locations.mnistDir();
            default -> throw new UserError("unknown data set '" + dataset + "': use cifar10 or mnist");
        };
        return RAW.computeIfAbsent(dataset + "@" + dir.toAbsolutePath().normalize(), k -> read(dataset, dir));
    }

    /** The files {@link #raw} reads for a data set, where it found them. */
    public List<Path> files(String dataset) {
        Path dir = raw(dataset).dir();
        List<String> names = new java.util.ArrayList<>();
        if (dataset.equals("cifar10")) {
            names.addAll(CifarBinaryReader.TRAIN_FILES);
            names.add(CifarBinaryReader.TEST_FILE);
        } else {
            names.addAll(MnistFiles.MD5.keySet());
        }
        return names.stream().map(dir::resolve).toList();
    }

    private static RawDataset read(String dataset, Path dir) {
        try {
            if (dataset.equals("cifar10")) {
                return new RawDataset(dataset, dir,
                        CifarBinaryReader.read(dir, CifarBinaryReader.TRAIN_FILES, CifarBinaryReader.RECORDS_PER_BATCH),
                        CifarBinaryReader.read(dir, List.of(CifarBinaryReader.TEST_FILE), CifarBinaryReader.RECORDS_PER_BATCH));
            }
            Path verified = MnistFiles.ensure(dir);
            return new RawDataset(dataset, dir,
                    IdxReader.read(verified.resolve(MnistFiles.TRAIN_IMAGES), verified.resolve(MnistFiles.TRAIN_LABELS), CLASSES),
                    IdxReader.read(verified.resolve(MnistFiles.TEST_IMAGES), verified.resolve(MnistFiles.TEST_LABELS), CLASSES));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError("cannot read " + dataset + " from " + dir + ": " + e.getFile() + " is missing; "
                    + (dataset.equals("cifar10") ? "the folder needs " + String.join(", ", CifarBinaryReader.TRAIN_FILES)
                    + " and " + CifarBinaryReader.TEST_FILE + " (unpack cifar-10-binary.tar.gz again, or run './repro data "
                    + "cifar10', or give another folder with --data-dir)" : "delete the folder to fetch MNIST again, or give another with --data-dir"));
        } catch (IOException e) {
            throw new UserError("cannot read " + dataset + " from " + dir + ": " + e.getMessage()
                    + "; check the files, or give another folder with --data-dir");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while fetching " + dataset));
        }
    }

    /**
     * The splits the spec asks for. {@code splitSeed} only matters for {@code valFrom: random}; it is the spec's seed,
     * not the run's, so that repeats over seeds share one split.
     */
    public PreparedData prepare(DataSpec spec, long splitSeed) {
        if (spec.isOneDimensional()) {
            return PREPARED.computeIfAbsent(spec + "|" + splitSeed + "|" + csvVersion(spec),
                    k -> OneDimensionalData.prepare(spec, splitSeed));
        }
        RawDataset raw = raw(spec.dataset());
        String key = raw.dir().toAbsolutePath().normalize() + "|" + spec + "|" + splitSeed;
        return PREPARED.computeIfAbsent(key, k -> build(raw, spec, splitSeed));
    }

    /**
     * The checksum a run on this data records (its provenance's {@code checksum}): of the data set's files for images,
     * of the generated or given points for 1-D data. Two runs with equal checksums trained on the same data.
     */
    public String checksum(DataSpec spec, long splitSeed) {
        if (spec.isOneDimensional()) return String.valueOf(prepare(spec, splitSeed).provenance().get("checksum"));
        return checksumOf(raw(spec.dataset()));
    }

    private static Map<String, String> fileChecksums(RawDataset raw) {
        Map<String, String> md5 = new LinkedHashMap<>(raw.train().checksums());
        md5.putAll(raw.test().checksums());
        return md5;
    }

    private static String checksumOf(RawDataset raw) {
        return Md5.of(String.join(",", fileChecksums(raw).values()).getBytes());
    }

    /** The size and time of a spec's CSV files: a file changed on disk since it was read is read again. */
    private static String csvVersion(DataSpec spec) {
        if (spec.csv() == null) return "";
        StringBuilder v = new StringBuilder();
        for (String f : List.of(spec.csv().train(), spec.csv().test())) {
            try {
                Path p = Path.of(f);
                v.append(Files.size(p)).append('@').append(Files.getLastModifiedTime(p).toMillis()).append(';');
            } catch (IOException e) {
                v.append("unreadable;");  // the read itself reports it
            }
        }
        return v.toString();
    }

    static PreparedData build(RawDataset raw, DataSpec spec, long splitSeed) {
        int available = raw.train().count();
        if (spec.train() + spec.val() > available) {
            throw new UserError("split " + spec.train() + " train + " + spec.val() + " val exceeds the " + available
                    + " training images of " + raw.name());
        }
        if (spec.test() > raw.test().count()) {
            throw new UserError("split asks for " + spec.test() + " test images; " + raw.name() + " has " + raw.test().count());
        }
        int[] train, val;
        if (spec.valFrom().equals("last")) {
            train = range(0, spec.train());
            val = range(available - spec.val(), available);
        } else if (spec.valFrom().equals("next")) {
            train = range(0, spec.train());
            val = range(spec.train(), spec.train() + spec.val());
        } else {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < available; i++) order.add(i);
            Collections.shuffle(order, new Random(splitSeed));
            val = order.subList(0, spec.val()).stream().mapToInt(Integer::intValue).sorted().toArray();
            train = order.subList(spec.val(), spec.val() + spec.train()).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        int[] test = range(0, spec.test());

        int[] trainRows = train;
        float[] trainPixels = pixels(raw.train(), train);
        if (spec.augment() != null) {
            trainPixels = AffineAugmentation.withCopies(trainPixels, train.length, InputShape.of(spec), spec.augment(), splitSeed);
            int stride = spec.augment().copies() + 1;
            trainRows = new int[train.length * stride];
            for (int i = 0; i < trainRows.length; i++) trainRows[i] = train[i / stride];
        }
        int d = raw.train().features();
        INDArray trainX = Nd4j.create(trainPixels, new long[] {trainRows.length, d}, DataType.FLOAT);
        INDArray valX = features(raw.train(), val), testX = features(raw.test(), test);
        // The validation split may be empty (a final training on every training image); ND4J rejects ops on it.
        List<INDArray> all = new ArrayList<>();
        for (INDArray x : new INDArray[] {trainX, valX, testX}) if (!x.isEmpty()) all.add(x);
        switch (spec.preprocess()) {
            case "scale-01" -> all.forEach(x -> x.divi(255f));
            case "scale-01-subtract-mean-image" -> {
                INDArray mean = trainX.mean(0).divi(255f);
                all.forEach(x -> x.divi(255f).subiRowVector(mean));
            }
            // torchvision's ToTensor() then Normalize(0.5, 0.5) per channel: pixels to [-1, 1].
            case "scale-pm1" -> all.forEach(x -> x.divi(127.5f).subi(1f));
            case "standardize-channels" -> {
                // Per colour channel: minus the training split's mean, divided by its sd (torchvision Normalize with
                // the data set's own statistics).
                int channels = raw.name().equals("cifar10") ? 3 : 1;
                double[] mean = new double[channels], sd = new double[channels];
                for (int c = 0; c < channels; c++) {
                    INDArray trainPlane = channel(trainX, channels, c);
                    mean[c] = trainPlane.meanNumber().doubleValue();
                    sd[c] = trainPlane.stdNumber().doubleValue();
                }
                normalizeChannels(all, mean, sd);
            }
            case "scale-01-normalize" -> {
                // torchvision's ToTensor() then Normalize(mean, sd) with the spec's statistics (MNIST: 0.1307, 0.3081).
                all.forEach(x -> x.divi(255f));
                normalizeChannels(all, spec.normalize().mean().stream().mapToDouble(Double::doubleValue).toArray(),
                        spec.normalize().sd().stream().mapToDouble(Double::doubleValue).toArray());
            }
            case "subtract-train-mean-image" -> {
                INDArray mean = trainX.mean(0);
                all.forEach(x -> x.subiRowVector(mean));
            }
            default -> throw new UserError("unknown preprocessing '" + spec.preprocess() + "'");
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        if (spec.pca() != null) {
            PrincipalComponents pca = PrincipalComponents.fit(trainX, spec.pca());
            trainX = pca.project(trainX);
            valX = valX.isEmpty() ? Nd4j.create(DataType.FLOAT, 0, spec.pca()) : pca.project(valX);
            testX = pca.project(testX);
            Map<String, Object> pcaRecord = new LinkedHashMap<>(); // Map.of's order would change from one JVM to the next
            pcaRecord.put("components", spec.pca());
            pcaRecord.put("explained_variance", pca.explainedVariance());
            provenance.put("pca", pcaRecord);
        }
        provenance.put("dataset", raw.name());
        provenance.put("dir", raw.dir().toAbsolutePath().normalize().toString());
        provenance.put("md5", fileChecksums(raw));
        provenance.put("checksum", checksumOf(raw));
        provenance.put("split", splitOf(spec));
        provenance.put("preprocess", spec.preprocess());
        if (spec.normalize() != null) provenance.put("normalize", spec.normalize());
        if (spec.augment() != null) {
            Map<String, Object> augment = new LinkedHashMap<>();
            augment.put("settings", spec.augment());
            augment.put("seed", splitSeed);
            augment.put("train_after_augmentation", trainRows.length);
            provenance.put("augment", augment);
        }
        provenance.put("class_names", classNames(raw.name()));
        return new PreparedData(trainX, oneHot(raw.train(), trainRows), valX, oneHot(raw.train(), val), testX,
                oneHot(raw.test(), test), CLASSES, Collections.unmodifiableMap(provenance));
    }

    /** Each channel's columns minus its mean, over its sd, in place. */
    private static void normalizeChannels(List<INDArray> arrays, double[] mean, double[] sd) {
        for (INDArray x : arrays) {
            for (int c = 0; c < mean.length; c++) channel(x, mean.length, c).subi(mean[c]).divi(sd[c]);
        }
    }

    /** The columns of colour channel {@code c}: rows hold the channel planes one after another. */
    private static INDArray channel(INDArray x, int channels, int c) {
        long plane = x.columns() / channels;
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(c * plane, (c + 1) * plane));
    }

    /** The split a run records and a stored trial is checked against: the spec's counts and how validation is chosen. */
    public static Map<String, Object> splitOf(DataSpec spec) {
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("train", spec.train());
        if (spec.isOneDimensional()) {
            split.put("folds", spec.folds());
            split.put("fold", spec.fold());
        } else {
            split.put("val", spec.val());
        }
        split.put("test", spec.test());
        if (!spec.isOneDimensional()) split.put("valFrom", spec.valFrom());
        return split;
    }

    /** Class names in label order (CIFAR-10's batches.meta.txt; MNIST's digits). */
    public static List<String> classNames(String dataset) {
        return dataset.equals("cifar10")
                ? List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
                : List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    private static INDArray features(LabeledImages images, int[] rows) {
        return Nd4j.create(pixels(images, rows), new long[] {rows.length, images.features()}, DataType.FLOAT);
    }

    private static float[] pixels(LabeledImages images, int[] rows) {
        int d = images.features();
        float[] out = new float[rows.length * d];
        byte[] px = images.pixels();
        for (int r = 0; r < rows.length; r++) {
            int src = rows[r] * d, dst = r * d;
            for (int f = 0; f < d; f++) out[dst + f] = px[src + f] & 0xff;
        }
        return out;
    }

    private static INDArray oneHot(LabeledImages images, int[] rows) {
        float[] out = new float[rows.length * CLASSES];
        for (int r = 0; r < rows.length; r++) out[r * CLASSES + images.label(rows[r])] = 1f;
        return Nd4j.create(out, new long[] {rows.length, CLASSES}, DataType.FLOAT);
    }
}
