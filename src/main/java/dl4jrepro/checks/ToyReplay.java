package dl4jrepro.checks;

import dl4jrepro.base.UserError;
import dl4jrepro.data.InputShape;
import dl4jrepro.data.Md5;
import dl4jrepro.families.Families;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Report 000's first run of the two-layer net (catalogue A0), replayed exactly: the course's toy problem (5 points, 4
 * inputs, 3 classes) with its NumPy-drawn weights and the minibatch of each of its 100 SGD steps, through the plain
 * DL4J network MlpFamily builds for the two-layer nets, in double precision. Two numbers come out that the course's
 * NumPy code gives to many digits: the loss on all 5 points at reg 0.05 before training, and the loss of the 100th
 * minibatch. Any change to the net's arithmetic (loss, the λ‖W‖² form, the update, the decay) moves them.
 *
 * <p>The settings are the spec's (experiments/toy-sgd-000.json); its figures are the two numbers.
 *
 * <p>The data are bundled (resources dl4jrepro/data/toy-000, from NumPy's legacy generator; see its README) and
 * checked against their md5s before use.
 */
public final class ToyReplay {
    private static final String DIR = "/dl4jrepro/data/toy-000/";
    private static final int CLASSES = 3;
    /** The md5 of each bundled file, as its README lists them. */
    static final Map<String, String> MD5 = Map.of(
            "X.csv", "041d9b80f6259162a709a2023cc62451", "y.csv", "d57cdb78086b156d43ea9c65b11d6c7b",
            "W1.csv", "7e44187bacfa20ccc301c45b9fdb2266", "W2.csv", "d2815d8cdef3e30d05bb0077b105b056",
            "batches.csv", "a1a04820605b8d8d68b5a3b60a00d1bb");

    /**
     * One replay: the loss on all points with the bundled weights before any step, and the loss of each minibatch of
     * batches.csv before its own SGD step (as the course's loop records it).
     */
    public record Losses(double beforeTraining, List<Double> minibatches) {
        public double lastMinibatch() {
            return minibatches.get(minibatches.size() - 1);
        }
    }

    /** Where the replay's data come from, with each file's md5, for a result's provenance. */
    public static Map<String, Object> provenance() {
        return Map.of("dataset", "toy-000", "source", "bundled resources " + DIR.substring(1), "md5", new TreeMap<>(MD5));
    }

    /**
     * Replays the run with {@code hp} (MlpFamily's two-layer net: hidden 10, SGD, lr, lrDecayPerEpoch applied after
     * every step, reg): the bundled weights in place of the initialisation, then one step per row of batches.csv.
     */
    public static Losses replay(Hyperparameters hp) {
        INDArray x = matrix("X.csv"), w1 = matrix("W1.csv"), w2 = matrix("W2.csv");
        double[][] labels = rows("y.csv");
        INDArray y = Nd4j.zeros(DataType.DOUBLE, labels.length, CLASSES);
        for (int i = 0; i < labels.length; i++) y.putScalar(i, (int) labels[i][0], 1.0);

        MultiLayerNetwork net = network(hp, w1, w2);
        double beforeTraining = net.score(new DataSet(x, y), false);
        List<Double> losses = new ArrayList<>();
        for (double[] batch : rows("batches.csv")) {
            int[] idx = Arrays.stream(batch).mapToInt(v -> (int) v).toArray();
            net.fit(Nd4j.pullRows(x, 1, idx), Nd4j.pullRows(y, 1, idx));
            losses.add(net.score());
        }
        return new Losses(beforeTraining, List.copyOf(losses));
    }

    private static MultiLayerNetwork network(Hyperparameters hp, INDArray w1, INDArray w2) {
        // One step per epoch, so lrDecayPerEpoch decays the rate after every step, as the course's loop does.
        MultiLayerConfiguration conf = Families.byName("MlpFamily").configure(hp, new InputShape(1, 1, w1.rows()), CLASSES, 0, 1);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net = net.convertDataType(DataType.DOUBLE);
        net.getLayer(0).setParam("W", w1.dup());
        net.getLayer(0).setParam("b", Nd4j.zeros(DataType.DOUBLE, 1, w1.columns()));
        net.getLayer(1).setParam("W", w2.dup());
        net.getLayer(1).setParam("b", Nd4j.zeros(DataType.DOUBLE, 1, CLASSES));
        return net;
    }

    private static INDArray matrix(String file) {
        return Nd4j.create(rows(file));
    }

    private static double[][] rows(String file) {
        byte[] bytes;
        try (InputStream in = ToyReplay.class.getResourceAsStream(DIR + file)) {
            if (in == null) throw new UserError("toy data file " + file + " is missing from the build: rebuild the project");
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UserError("cannot read toy data file " + file + ": " + e.getMessage());
        }
        String md5 = Md5.of(bytes);
        if (!md5.equals(MD5.get(file))) {
            throw new UserError("toy data file " + file + " has md5 " + md5 + ", expected " + MD5.get(file)
                    + ": restore it from git");
        }
        return new String(bytes, StandardCharsets.US_ASCII).lines().filter(l -> !l.isBlank())
                .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
    }
}
