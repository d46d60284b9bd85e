package dl4jrepro.train;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.SmoothedLoss;
import dl4jrepro.data.PreparedData;
import dl4jrepro.spec.ExperimentSpec.Budget;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The one training loop: seeded shuffled minibatches from in-memory splits, an evaluation every {@code evalEvery} steps
 * (or every epoch), and a stop, recorded as "diverged", as soon as the loss is no longer finite (except in a
 * learning-rate range test, whose budget ends it, completed, where the loss blows up).
 */
public final class Trainer {

    /**
     * @param status           "completed" or "diverged"
     * @param failure          why training stopped early, or null
     * @param samplesPerSecond training examples per second of training time (evaluation excluded)
     * @param resumedFrom      steps at which the run was continued from a checkpoint
     * @param priorWallSeconds wall time of the segments before the last resume (0 for a run in one go)
     * @param earlierSoftware  the code (git commit, versions) of each segment before the last resume, in order
     */
    public record Outcome(String status, String failure, List<CurvePoint> curve, int steps, int stepsPerEpoch,
                          double trainSeconds, double evalSeconds, double samplesPerSecond, EarlyStopping earlyStopping,
                          List<Integer> resumedFrom, double priorWallSeconds, List<Map<String, Object>> earlierSoftware) {}

    private Trainer() {}

    public static Outcome train(MultiLayerNetwork net, PreparedData data, Budget budget, int batch, long seed,
                                ProgressLine progress) {
        return train(net, net::fit, data, budget, batch, seed, progress, null);
    }

    /**
     * @param update     how the network learns from one minibatch (a prepared network's step, or {@code net::fit})
     * @param checkpoint where to save and resume from, or null; not used with early stopping, whose best weights
     *                   would have to be saved as well (those runs are short searches' trials)
     */
    public static Outcome train(MultiLayerNetwork net, TrainingStep update, PreparedData data, Budget budget, int batch,
                                long seed, ProgressLine progress, Checkpoint checkpoint) {
        Run run = new Run(net, update, data, budget, batch, seed, progress, checkpoint);
        run.resumeFromCheckpoint();
        for (int step = run.firstStep; step <= run.totalSteps; step++) {
            boolean evalStep = step % run.evalEvery == 0 || step == run.totalSteps;
            INDArray[] xy = run.minibatch(step);
            double score = run.learn(xy[0], xy[1], evalStep);
            if (run.blewUp(step, score)) {
                run.totalSteps = step;
                break;
            }
            if (!Double.isFinite(score)) return run.diverged(step, score);
            run.reportProgress(step, score);
            if (evalStep) {
                run.evaluate(step);
                if (run.stopsEarly()) {
                    run.totalSteps = step;
                    break;
                }
                run.checkpointIfDue(step);
            }
        }
        return run.completed();
    }

    /** The state of one training run, its steps in the order {@link #train} takes them. */
    private static final class Run {
        final MultiLayerNetwork net;
        final TrainingStep update;
        final PreparedData data;
        final Budget budget;
        final ProgressLine progress;
        final int n, batch, stepsPerEpoch, epochs, evalEvery;
        final boolean regression;
        final Random shuffle;
        final EarlyStopping earlyStopping;
        final SmoothedLoss smoothedLoss = new SmoothedLoss();
        final Checkpoint checkpoint;
        int totalSteps, firstStep = 1;
        int[] order;
        final List<CurvePoint> curve = new ArrayList<>();
        double trainNanos, evalNanos, runningLoss, priorWall;
        long runningCorrect, runningCount, samples, started;
        Scores.LossAcc lastBatch;
        final List<Integer> resumedFrom = new ArrayList<>();
        final List<Map<String, Object>> earlierSoftware = new ArrayList<>();
        // The minibatch is gathered into the same two arrays every step (one pair per batch size, the last batch of an
        // epoch may be short): allocating fresh native buffers each step was the largest native item in a JFR profile
        // of a B3 trial; reusing them ran that trial 1.02× and 1.15× faster in two alternating pairs, same results.
        final Map<Integer, INDArray[]> batches = new HashMap<>();

        Run(MultiLayerNetwork net, TrainingStep update, PreparedData data, Budget budget, int batch, long seed,
            ProgressLine progress, Checkpoint checkpoint) {
            this.net = net;
            this.update = update;
            this.data = data;
            this.budget = budget;
            this.batch = batch;
            this.progress = progress;
            n = (int) data.trainX().rows();
            stepsPerEpoch = (n + batch - 1) / batch;
            totalSteps = budget.totalSteps(stepsPerEpoch);
            epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
            evalEvery = budget.evalInterval(stepsPerEpoch);
            regression = Scores.isRegression(net);
            shuffle = new Random(seed);
            earlyStopping = budget.earlyStopping() == null || data.valX().isEmpty() ? null
                    : new EarlyStopping(budget.earlyStopping().patience(), budget.earlyStopping().minDelta());
            this.checkpoint = earlyStopping != null ? null : checkpoint;
        }

        /** Continues from the last checkpoint, if there is one of this run. */
        void resumeFromCheckpoint() {
            Optional<Checkpoint.State> saved = checkpoint == null ? Optional.empty() : checkpoint.resume(net, progress::println);
            if (saved.isPresent()) {
                Checkpoint.State s = saved.get();
                curve.addAll(s.curve());
                trainNanos = s.trainSeconds() * 1e9;
                evalNanos = s.evalSeconds() * 1e9;
                samples = s.samples();
                resumedFrom.addAll(s.resumedFrom());
                resumedFrom.add(s.step());
                priorWall = s.wallSecondsSoFar();
                earlierSoftware.addAll(s.segmentsSoftware());
                firstStep = s.step() + 1;
                // Replay the shuffles of the epochs done, so the rest of the run sees the order it would have seen.
                for (int e = 0; e <= (firstStep - 1) / stepsPerEpoch; e++) order = permutation(n, shuffle);
                progress.println(String.format(Locale.ROOT, "resuming from the checkpoint of %s at step %d (epoch %.2f)",
                        s.saved(), s.step(), (double) s.step() / stepsPerEpoch));
            }
            started = System.nanoTime();
        }

        /** The step's rows of the training set, a new shuffle at each epoch's start. */
        INDArray[] minibatch(int step) {
            int posInEpoch = (step - 1) % stepsPerEpoch;
            if (posInEpoch == 0 && step != firstStep || order == null) order = permutation(n, shuffle);
            int from = posInEpoch * batch, to = Math.min(n, from + batch);
            int[] rows = Arrays.copyOfRange(order, from, to);
            INDArray[] xy = batches.computeIfAbsent(rows.length, r -> new INDArray[] {
                    Nd4j.create(data.trainX().dataType(), r, data.trainX().columns()),
                    Nd4j.create(data.trainY().dataType(), r, data.trainY().columns())});
            return new INDArray[] {RowGather.into(data.trainX(), rows, xy[0]), RowGather.into(data.trainY(), rows, xy[1])};
        }

        /** One update on one minibatch (scored first where the budget's train metric asks); returns the loss. */
        double learn(INDArray x, INDArray y, boolean evalStep) {
            long t0 = System.nanoTime();
            String trainMetric = budget.trainMetric();
            if (trainMetric.equals("running") || trainMetric.equals("last-batch") && evalStep) {
                // Measured before the update, on the batch about to be learned, as the reports' loops do.
                INDArray probs = net.output(x, false);
                double lossSum = Scores.lossSum(probs, y, regression);
                long correct = regression ? 0 : Scores.countCorrect(probs, y);
                runningLoss += lossSum;
                runningCorrect += correct;
                runningCount += x.rows();
                lastBatch = new Scores.LossAcc(lossSum / x.rows(), regression ? Double.NaN : (double) correct / x.rows());
            }
            update.fit(x, y);
            samples += x.rows();
            double score = net.score();
            trainNanos += System.nanoTime() - t0;
            return score;
        }

        double samplesPerSecond() {
            return samples / (trainNanos / 1e9);
        }

        void reportProgress(int step, double score) {
            int posInEpoch = (step - 1) % stepsPerEpoch;
            if (posInEpoch == stepsPerEpoch - 1) net.incrementEpochCount();
            double elapsed = (System.nanoTime() - started) / 1e9;
            progress.update(step / stepsPerEpoch + (posInEpoch == stepsPerEpoch - 1 ? 0 : 1), epochs, step, totalSteps,
                    score, lastBatch == null ? Double.NaN : lastBatch.acc(), samplesPerSecond(),
                    elapsed / (step - firstStep + 1) * (totalSteps - step));
        }

        /** Scores train, validation and (unless the budget leaves it to the end) test sets; adds the point to the curve. */
        void evaluate(int step) {
            long e0 = System.nanoTime();
            Scores.LossAcc train = switch (budget.trainMetric()) {
                case "running" -> new Scores.LossAcc(runningLoss / runningCount,
                        regression ? Double.NaN : (double) runningCorrect / runningCount);
                case "last-batch" -> lastBatch;
                default -> Scores.of(net, data.trainX(), data.trainY());
            };
            Scores.LossAcc val = data.valX().rows() > 0 ? Scores.of(net, data.valX(), data.valY())
                    : new Scores.LossAcc(Double.NaN, Double.NaN);
            Scores.LossAcc test = budget.scoresTestCurve() ? Scores.of(net, data.testX(), data.testY())
                    : new Scores.LossAcc(Double.NaN, Double.NaN);
            runningLoss = 0;
            runningCorrect = 0;
            runningCount = 0;
            evalNanos += System.nanoTime() - e0;
            CurvePoint p = new CurvePoint(step, (double) step / stepsPerEpoch, train.loss(), train.acc(), val.loss(),
                    val.acc(), test.loss(), test.acc(), learningRate(net), trainNanos / 1e9, share(train), share(val));
            curve.add(p);
            // Without a validation split (D1's spec, say) the line leaves val out rather than printing NaN.
            String valPart = data.valX().rows() == 0 ? ""
                    : regression ? String.format(Locale.ROOT, " | val MSE %.4f", p.valLoss())
                    : String.format(Locale.ROOT, " | val loss %.4f acc %.4f", p.valLoss(), p.valAcc());
            String testPart = !budget.scoresTestCurve() ? ""
                    : regression ? String.format(Locale.ROOT, " | test MSE %.4f", p.testLoss())
                    : String.format(Locale.ROOT, " | test acc %.4f", p.testAcc());
            progress.println(regression
                    ? String.format(Locale.ROOT, "step %d/%d (epoch %.2f): train MSE %.4f%s%s | %,.0f samples/s",
                            step, totalSteps, p.epoch(), p.trainLoss(), valPart, testPart, samplesPerSecond())
                    : String.format(Locale.ROOT, "step %d/%d (epoch %.2f): train loss %.4f acc %.4f%s%s | %,.0f samples/s",
                            step, totalSteps, p.epoch(), p.trainLoss(), p.trainAcc(), valPart, testPart,
                            samplesPerSecond()));
        }

        private static Double share(Scores.LossAcc s) {
            return Double.isFinite(s.topShare()) ? s.topShare() : null;
        }

        /** A range test's end (budget.stopAtLossRatio): the smoothed loss above that many times its lowest, or not finite. */
        boolean blewUp(int step, double score) {
            if (budget.stopAtLossRatio() == null) return false;
            double smoothed = Double.isFinite(score) ? smoothedLoss.add(score) : Double.NaN;
            if (Double.isFinite(smoothed) && smoothed <= budget.stopAtLossRatio() * smoothedLoss.lowest()) return false;
            progress.println(String.format(Locale.ROOT, "the loss blew up at step %d: smoothed %.4g, %.1f× its lowest %.4g; "
                    + "the range test ends here", step, smoothed, smoothed / smoothedLoss.lowest(), smoothedLoss.lowest()));
            return true;
        }

        boolean stopsEarly() {
            CurvePoint last = curve.get(curve.size() - 1);
            if (earlyStopping == null || !earlyStopping.observe(curve.size(), last.valAcc(), net)) return false;
            progress.println(String.format(Locale.ROOT, "early stop after evaluation %d: no gain over %.4f "
                    + "(evaluation %d) for %d evaluations", curve.size(), earlyStopping.bestScore(),
                    earlyStopping.bestEpoch(), budget.earlyStopping().patience()));
            return true;
        }

        void checkpointIfDue(int step) {
            if (checkpoint != null && step < totalSteps && checkpoint.due()) {
                checkpoint.save(net, step, curve, trainNanos / 1e9, evalNanos / 1e9, samples, resumedFrom,
                        priorWall + (System.nanoTime() - started) / 1e9, earlierSoftware);
            }
        }

        Outcome diverged(int step, double score) {
            String why = String.format(Locale.ROOT, "loss became %s at step %d (epoch %.2f)", score, step,
                    (double) step / stepsPerEpoch);
            progress.println("diverged: " + why);
            return new Outcome("diverged", why, curve, step, stepsPerEpoch, trainNanos / 1e9, evalNanos / 1e9,
                    samplesPerSecond(), earlyStopping, resumedFrom, priorWall, earlierSoftware);
        }

        Outcome completed() {
            // Evaluate and keep the best weights, as report 000's early stopping does.
            if (earlyStopping != null) earlyStopping.restoreBest(net);
            return new Outcome("completed", null, curve, totalSteps, stepsPerEpoch, trainNanos / 1e9, evalNanos / 1e9,
                    samplesPerSecond(), earlyStopping, resumedFrom, priorWall, earlierSoftware);
        }
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The rate the next update will use, read from the first layer's updater schedule. */
    private static double learningRate(MultiLayerNetwork net) {
        BaseLayer first = (BaseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer();
        return first.getIUpdater().getLearningRate(net.getIterationCount(), net.getEpochCount());
    }
}
