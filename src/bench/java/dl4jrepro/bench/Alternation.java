package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.Families;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.speedups.Speedups;
import dl4jrepro.train.TrainingStep;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training samples/s of several networks on one fixed minibatch, measured in turns: each round times every network once,
 * the order rotating from round to round, because this machine's speed swings within minutes. What compares the
 * networks is the ratio to the first network within each round (its median and range), not the absolute figures.
 */
public final class Alternation {
    /** @param samplesPerSecond one per round; {@code ratioToFirst}: this side over the first side, per round */
    public record Side(String name, double[] samplesPerSecond, double[] ratioToFirst) {
        public double median() {
            return Alternation.median(samplesPerSecond);
        }

        public double medianRatio() {
            return Alternation.median(ratioToFirst);
        }

        public double ratioMin() {
            return Arrays.stream(ratioToFirst).min().orElse(Double.NaN);
        }

        public double ratioMax() {
            return Arrays.stream(ratioToFirst).max().orElse(Double.NaN);
        }
    }

    private Alternation() {}

    /** @param label prefixes the progress lines */
    public static List<Side> run(String label, List<String> names, List<TrainingStep> nets, INDArray x, INDArray y,
                                 int rounds) {
        int k = nets.size();
        for (TrainingStep net : nets) warmUp(net, x, y);
        int steps = steps(nets.get(0), x, y);
        double[][] perSecond = new double[k][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < k; i++) {
                int side = (i + round) % k;
                perSecond[side][round] = x.rows() * steps / timed(nets.get(side), x, y, steps);
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s round %d/%d:", label, round + 1, rounds));
            for (int side = 0; side < k; side++) {
                line.append(String.format(Locale.ROOT, " %s %.0f", names.get(side), perSecond[side][round]));
            }
            System.out.println(line.append(" samples/s"));
        }
        List<Side> sides = new ArrayList<>();
        for (int side = 0; side < k; side++) {
            double[] ratio = new double[rounds];
            for (int round = 0; round < rounds; round++) ratio[round] = perSecond[side][round] / perSecond[0][round];
            sides.add(new Side(names.get(side), perSecond[side], ratio));
        }
        return sides;
    }

    /**
     * One model under several speed-up settings ({@code on}, {@code off}, {@code -pool}, ...: see SpeedupSetting), each
     * its own network and training step, timed in turns on a fixed random minibatch of the model's batch size.
     */
    public static List<Side> speedupVariants(String label, String family, Map<String, Object> hyperparameters,
                                             InputShape shape, int classes, BackendInfo backend, List<String> settings,
                                             int rounds) {
        List<TrainingStep> steps = new ArrayList<>();
        for (String setting : settings) {
            steps.add(Speedups.prepare(configuration(label, family, hyperparameters, shape, classes), backend,
                    SpeedupSetting.parse(setting, label)).step());
        }
        return onRandomBatch(label, hyperparameters, shape, classes, settings, steps, rounds);
    }

    /** One model with hyperparameter {@code key} set to each of {@code values}, all under one speed-up setting. */
    public static List<Side> hyperparameterVariants(String label, String family, Map<String, Object> hyperparameters,
                                                    InputShape shape, int classes, BackendInfo backend,
                                                    SpeedupSetting speedups, String key, List<String> values,
                                                    int rounds) {
        List<TrainingStep> steps = new ArrayList<>();
        for (String value : values) {
            Map<String, Object> hp = new LinkedHashMap<>(hyperparameters);
            hp.put(key, value);
            steps.add(Speedups.prepare(configuration(label, family, hp, shape, classes), backend, speedups).step());
        }
        return onRandomBatch(label, hyperparameters, shape, classes, values, steps, rounds);
    }

    private static List<Side> onRandomBatch(String label, Map<String, Object> hyperparameters, InputShape shape,
                                            int classes, List<String> names, List<TrainingStep> steps, int rounds) {
        INDArray[] xy = randomBatch(new Hyperparameters(label, hyperparameters).getInt("batch"), shape.features(), classes);
        return run(label, names, steps, xy[0], xy[1], rounds);
    }

    /** The family's plain configuration for these hyperparameters (one output for a regression net, classes 0). */
    public static MultiLayerConfiguration configuration(String label, String family, Map<String, Object> hyperparameters,
                                                        InputShape shape, int classes) {
        return Families.byName(family).configure(new Hyperparameters(label, hyperparameters), shape,
                classes == 0 ? 1 : classes, 1, 100);
    }

    /**
     * A random minibatch of {@code rows} examples and one-hot labels cycling through the classes, or for a regression
     * net ({@code classes} 0, as the peer workload marks it) one random target each.
     */
    public static INDArray[] randomBatch(int rows, int features, int classes) {
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, features).subi(0.5f);
        if (classes == 0) return new INDArray[] {x, Nd4j.rand(DataType.FLOAT, rows, 1)};
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int i = 0; i < rows; i++) y.putScalar(i, i % classes, 1f);
        return new INDArray[] {x, y};
    }

    /** Enough steps for about 5 seconds of the first network, at least 3 and at most 500. */
    private static int steps(TrainingStep net, INDArray x, INDArray y) {
        double perStep = timed(net, x, y, 3) / 3;
        return (int) Math.max(3, Math.min(500, 5 / perStep));
    }

    /**
     * At least 3 steps and 1 second: the first calls build workspaces and caches, and Java loops (FastAdam,
     * DenseStep) reach full speed only once the JIT has compiled them, after thousands of small steps.
     */
    private static void warmUp(TrainingStep net, INDArray x, INDArray y) {
        long end = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < end; i++) net.fit(x, y);
    }

    private static double timed(TrainingStep net, INDArray x, INDArray y, int steps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) net.fit(x, y);
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
