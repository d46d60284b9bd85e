package dl4jrepro.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.backend.BlasLibrary;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which OpenBLAS the dense nets should multiply with (dl4jrepro.backend.BlasLibrary): ND4J's bundled 0.3.19 or
 * javacpp's newer 0.3.21 build, each with the kernels the environment forces ({@code OPENBLAS_CORETYPE}, where it sets one),
 * with the kernels the library detects itself (both OpenBLAS variables unset, as on most users' machines) and with the
 * kernels of the processor's instruction set (BlasLibrary.kernelsFor, where /proc/cpuinfo tells). A library is chosen
 * when a process starts, so every setup runs in a child JVM of its own, in turns that rotate from round to round; the
 * figures compare as ratios to the first setup within a round. Per setup: the kernel OpenBLAS reports, one square
 * product's GFLOP/s, each model's bare training step (samples/s, at the model's thread count) and, for a dense model,
 * its GEMM limit, and the largest relative error of single-precision products at the models' dense shapes against
 * double precision. By default the dense catalogue models; {@code --models} may name the CNNs too (their convolutions
 * run in oneDNN, their dense layers and DL4J's im2col products in OpenBLAS).
 *
 * <p>Run: {@code src/bench/run BlasStudy [--rounds 3] [--epochs 2] [--models a4_largest,c1_mnist_cnn,...]}; writes
 * {@code results/benchmarks/blas.{md,json}}, or with {@code --models} {@code blas-<models>.{md,json}}.
 */
public final class BlasStudy {
    /** One way to start a process: which library (REPRO_BLAS) and its kernels (REPRO_BLAS_KERNELS, not auto). */
    record Setup(String blas, String kernels) {
        String label() {
            if (blas.equals("mkl")) return "mkl";
            return blas + switch (kernels) {
                case "environment" -> ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE");
                case "instruction-set" -> ", the instruction set's kernels (" + BlasLibrary.instructionSetKernels().orElseThrow() + ")";
                default -> ", kernels detected";
            };
        }
    }

    /** What one child measured. */
    record Measured(String library, String kernel, double squareGflops, Map<String, Double> train,
                    Map<String, Double> limit, double worstRelativeError) {}

    private BlasStudy() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, BlasStudy::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> o = BenchmarkFiles.options(args, "--rounds N, --epochs N, --models a,b, --workload FILE, "
                + "--setups newer:instruction-set,mkl");
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "3")), epochs = Integer.parseInt(o.getOrDefault("epochs", "2"));
        Path workloadFile = PeerBenchmark.Workload.file(o);
        List<PeerBenchmark.PeerModel> all = PeerBenchmark.Workload.read(workloadFile).models();
        List<String> names = o.containsKey("models") ? List.of(o.get("models").split(","))
                : all.stream().filter(PeerBenchmark.PeerModel::denseOnly).map(PeerBenchmark.PeerModel::name).toList();
        for (String n : names) {
            if (all.stream().noneMatch(m -> m.name().equals(n))) {
                throw new UserError("unknown model '" + n + "' in --models: use some of "
                        + all.stream().map(PeerBenchmark.PeerModel::name).toList() + " (" + workloadFile + ")");
            }
        }
        if (o.containsKey("child")) {
            child(all.stream().filter(m -> names.contains(m.name())).toList(), epochs);
            return;
        }
        String file = o.containsKey("models") ? "blas-" + String.join("-", names).replace('_', '-') : "blas";
        List<Setup> setups = o.containsKey("setups") ? setups(o.get("setups")) : defaultSetups();
        if (o.containsKey("setups")) file += "-" + String.join("-", setups.stream().map(Setup::blas).distinct().toList());
        List<List<Measured>> bySetup = new ArrayList<>();
        for (int i = 0; i < setups.size(); i++) bySetup.add(new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < setups.size(); k++) {
                int s = (k + r) % setups.size();
                Measured m = spawn(setups.get(s), names, epochs, workloadFile);
                bySetup.get(s).add(m);
                System.out.printf(Locale.ROOT, "round %d/%d, %s: %s, %s kernels, %.0f GFLOP/s, training %s%n", r + 1,
                        rounds, setups.get(s).label(), m.library(), m.kernel(), m.squareGflops(), m.train());
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int s = 0; s < setups.size(); s++) rows.add(row(setups.get(s), bySetup.get(s), bySetup.get(0), names));
        Map<String, Object> out = BenchmarkFiles.figures(file, "the catalogue models' training step (and a dense "
                + "model's GEMM limit) with the bundled and the newer OpenBLAS, each with the environment's, detected and the instruction set's kernels",
                null);
        out.put("cpu", BackendSelector.cpuModel());
        out.put("rounds", rounds);
        out.put("epochs_per_turn", epochs);
        out.put("setups", rows);
        BenchmarkFiles.write(file, out, markdown(rows, names, rounds, epochs, String.join(" ", args)));
    }

    /** The bundled and the newer OpenBLAS, each on the environment's (where it forces some), detected and the instruction set's kernels. */
    private static List<Setup> defaultSetups() {
        List<Setup> setups = new ArrayList<>();
        for (String blas : List.of("bundled", "newer")) {
            if (System.getenv("OPENBLAS_CORETYPE") != null) setups.add(new Setup(blas, "environment"));
            setups.add(new Setup(blas, "detected"));
            if (BlasLibrary.instructionSetKernels().isPresent()) setups.add(new Setup(blas, "instruction-set"));
        }
        return setups;
    }

    /** {@code --setups}: LIBRARY[:KERNELS],... with REPRO_BLAS's and REPRO_BLAS_KERNELS's values; the first is the baseline. */
    static List<Setup> setups(String spec) {
        List<Setup> setups = new ArrayList<>();
        for (String item : spec.split(",")) {
            String[] p = item.split(":", -1);
            boolean known = p.length <= 2 && List.of("bundled", "newer", "mkl").contains(p[0])
                    && (p.length == 1 || !p[0].equals("mkl") && List.of("environment", "detected", "instruction-set").contains(p[1]));
            if (!known) {
                throw new UserError("--setups " + spec + ": '" + item + "' is not LIBRARY[:KERNELS] (bundled, newer or mkl; "
                        + "kernels environment, detected or instruction-set, for OpenBLAS only), e.g. newer:instruction-set,mkl");
            }
            setups.add(new Setup(p[0], p.length == 1 ? (p[0].equals("mkl") ? "auto" : "detected") : p[1]));
        }
        if (setups.size() < 2) throw new UserError("--setups " + spec + ": name at least two setups to compare");
        return setups;
    }

    private static Map<String, Object> row(Setup setup, List<Measured> runs, List<Measured> first, List<String> names) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("setup", setup.label());
        row.put("library", runs.get(0).library());
        row.put("kernel", runs.stream().map(Measured::kernel).distinct().toList());
        row.put("square_gflops", Alternation.median(runs.stream().mapToDouble(Measured::squareGflops).toArray()));
        row.put("worst_relative_error", runs.stream().mapToDouble(Measured::worstRelativeError).max().orElse(Double.NaN));
        Map<String, Object> models = new LinkedHashMap<>();
        for (String n : names) {
            double[] train = runs.stream().mapToDouble(m -> m.train().get(n)).toArray();
            double[] ratio = new double[runs.size()];
            for (int r = 0; r < runs.size(); r++) ratio[r] = train[r] / first.get(r).train().get(n);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("train_samples_per_s", Alternation.median(train));
            f.put("gemm_limit_samples_per_s", runs.stream().allMatch(m -> m.limit().containsKey(n))
                    ? Alternation.median(runs.stream().mapToDouble(m -> m.limit().get(n)).toArray()) : null);
            f.put("ratio_to_first_median", Alternation.median(ratio));
            f.put("ratio_to_first_min", Arrays.stream(ratio).min().orElse(Double.NaN));
            f.put("ratio_to_first_max", Arrays.stream(ratio).max().orElse(Double.NaN));
            f.put("train_per_round", train);
            models.put(n, f);
        }
        row.put("models", models);
        return row;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(List<Map<String, Object>> rows, List<String> names, int rounds, int epochs, String args) {
        boolean mkl = rows.stream().anyMatch(r -> "mkl".equals(r.get("setup")));
        StringBuilder md = new StringBuilder(mkl ? "# Which BLAS under ND4J: OpenBLAS or Intel MKL\n\n"
                : "# Which OpenBLAS: ND4J's bundled 0.3.19 or javacpp's 0.3.21 build\n\n");
        md.append("Each setup starts a JVM of its own (the library is chosen when ND4J loads); the setups take turns, the "
                + "order rotating over ").append(rounds).append(" rounds. Per model: the bare training step at the model's thread count "
                + "(the run's speed-ups on; a warm-up epoch, then the median of ").append(epochs).append(" epochs), and "
                + "in brackets its ratio to the first setup within each round (median, range). GEMM limit: a dense "
                + "model's matrix products alone (— for a CNN). Error: the largest relative error of a single-precision product at "
                + "the models' shapes against double precision, over all rounds. This machine's speed swings 2–5×: "
                + "compare the ratios.\n\n");
        // Which kernels detection picks depends on the processor: another generation under one name picked others.
        md.append("CPU: ").append(BackendSelector.cpuModel()).append(".\n\n");
        md.append("| setup | library | kernel | square SGEMM GFLOP/s |");
        for (String n : names) md.append(' ').append(n).append(" train samples/s (× first) | ").append(n).append(" GEMM limit |");
        md.append(" largest relative error |\n|---|---|---|---:|");
        md.append("---:|---:|".repeat(names.size())).append("---:|\n");
        for (Map<String, Object> r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f |", r.get("setup"), r.get("library"),
                    String.join(", ", (List<String>) r.get("kernel")), (double) r.get("square_gflops")));
            Map<String, Map<String, Object>> models = (Map<String, Map<String, Object>>) r.get("models");
            for (String n : names) {
                Map<String, Object> f = models.get(n);
                    Double limit = (Double) f.get("gemm_limit_samples_per_s");
                md.append(String.format(Locale.ROOT, " %,.0f (%.2f, %.2f–%.2f) | %s |", (double) f.get("train_samples_per_s"),
                        (double) f.get("ratio_to_first_median"), (double) f.get("ratio_to_first_min"),
                        (double) f.get("ratio_to_first_max"), limit == null ? "—" : String.format(Locale.ROOT, "%,.0f", limit)));
            }
            md.append(String.format(Locale.ROOT, " %.1e |%n", (double) r.get("worst_relative_error")));
        }
        md.append("\nRegenerate: `src/bench/run BlasStudy").append(args.isEmpty() ? "" : " " + args).append("` (git ")
                .append(dl4jrepro.run.Provenance.software().get("git_commit")).append(")\n");
        return md.toString();
    }

    private static Measured spawn(Setup setup, List<String> names, int epochs, Path workload)
            throws IOException, InterruptedException {
        ChildProcess.Result r = ChildProcess.run("the " + setup.label() + " child",
                ChildProcess.java(BlasStudy.class, List.of("--child", "true", "--epochs", String.valueOf(epochs),
                        "--models", String.join(",", names), "--workload", workload.toString())),
                Map.of("REPRO_BLAS", setup.blas(), BlasLibrary.KERNELS_ENV, setup.kernels(),
                        "OPENBLAS_VERBOSE", "2"),  // OpenBLAS then prints "Core: <kernel>" when it loads
                List.of());
        Map<String, Object> m = Json.MAPPER.convertValue(r.json(), new TypeReference<>() {});
        String kernel = setup.blas().equals("mkl") ? "MKL's own dispatch"
                : r.stderr().lines().filter(l -> l.startsWith("Core: ")).map(l -> l.substring(6).trim()).findFirst().orElse("not reported");
        return new Measured((String) m.get("library"), kernel, ((Number) m.get("square_gflops")).doubleValue(),
                numbers(m.get("train")), numbers(m.get("limit")), ((Number) m.get("worst_relative_error")).doubleValue());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> numbers(Object map) {
        Map<String, Double> out = new LinkedHashMap<>();
        ((Map<String, Object>) map).forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
        return out;
    }

    /** A child: loads the library its environment asks for and measures it; one JSON line on stdout. */
    private static void child(List<PeerBenchmark.PeerModel> models, int epochs) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("library", BackendSelector.select("cpu", 1).blas());
        out.put("square_gflops", GemmLimit.square(2048).get("gflops_1_threads"));
        Map<String, Double> train = new LinkedHashMap<>(), limit = new LinkedHashMap<>();
        double worst = 0;
        for (PeerBenchmark.PeerModel m : models) {
            PeerBenchmark.Trainee t = PeerBenchmark.trainee(m, BackendSelector.select("cpu", m.threads()));
            train.put(m.name(), PeerBenchmark.dl4jTurn(t, m.passes(), epochs).trainSamplesPerSecond());
            List<long[]> shapes = PeerBenchmark.denseShapes(t.plain());
            // A CNN's products are not all dense ones: it has no GEMM limit here.
            if (m.denseOnly()) limit.put(m.name(), GemmLimit.denseTraining(shapes, t.batch(), 2));
            for (long[] s : shapes) worst = Math.max(worst, relativeError(t.batch(), s[0], s[1]));
        }
        out.put("train", train);
        out.put("limit", limit);
        out.put("worst_relative_error", worst);
        ChildProcess.reply(out);
    }

    /**
     * Largest error of a single-precision rows×inner×cols product (inputs in [-0.5, 0.5)), the plain and the transposed
     * layout, against the double-precision product, relative to the product of the absolute values (the rounding
     * error's natural scale). A wrong kernel shows as errors far above single precision's 1e-7.
     */
    static double relativeError(long rows, long inner, long cols) {
        Nd4j.getRandom().setSeed(7);
        INDArray a = Nd4j.rand(DataType.FLOAT, rows, inner).subi(0.5), b = Nd4j.rand(DataType.FLOAT, inner, cols).subi(0.5);
        INDArray ad = a.castTo(DataType.DOUBLE), bd = b.castTo(DataType.DOUBLE);
        INDArray exact = ad.mmul(bd), scale = Nd4j.math().abs(ad).mmul(Nd4j.math().abs(bd)).addi(1e-30);
        double worst = 0;
        for (INDArray left : new INDArray[] {a, a.transpose().dup('c').transpose()}) {
            worst = Math.max(worst, left.mmul(b).castTo(DataType.DOUBLE).subi(exact).divi(scale).amaxNumber().doubleValue());
        }
        return worst;
    }
}
