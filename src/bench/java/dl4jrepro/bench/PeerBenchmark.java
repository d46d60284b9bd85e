package dl4jrepro.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.backend.BlasLibrary;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.Families;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.speedups.Speedups;
import dl4jrepro.train.TrainingStep;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * DL4J against the reports' peer, PyTorch, on the models of a workload file (default
 * {@code experiments/bench/catalogue-models.json}: the catalogue's costliest, built from their specs), and both against
 * the machine's GEMM limit. For every model the two sides take turns (DL4J, PyTorch, PyTorch, DL4J, ...), each turn a
 * process of its own (so its peak memory is that model's and its BLAS kernels are chosen as a run's are): a warm-up
 * epoch and then {@code epochs} timed epochs on random data of the model's shape, pre-batched in memory; a turn's figure
 * is its median epoch. Writes {@code results/benchmarks/latest.{md,json}}, or for a run of some models only
 * ({@code --models}) {@code peer-<models>.{md,json}}.
 *
 * <p>Run: {@code src/bench/peer-benchmark.sh [--pairs 3] [--epochs 3] [--models a,b] [--kernels auto|detected|environment]
 * [--peer PATH]} (installs PyTorch from Debian if needed, then runs this main).
 */
public final class PeerBenchmark {
    /**
     * One model of a workload file: given in full (family, input, classes, hyperparameters), or as a catalogue
     * experiment ({@code spec}, with {@code overrides} such as a grid's largest point), whose family, input shape,
     * outputs and hyperparameters are then the spec's, as its runs train it. {@code samples}: one benchmark epoch.
     */
    public record PeerModel(String name, String spec, Map<String, Object> overrides, String family, List<Integer> input,
                            int samples, Integer classes, int threads, Integer passesPerEpoch,
                            Map<String, Object> hyperparameters) {
        InputShape shape() {
            return new InputShape(input.get(0), input.get(1), input.get(2));
        }

        int passes() {
            return passesPerEpoch == null ? 1 : passesPerEpoch;
        }

        /** Whether its family builds MLPs: its runs then pick their BLAS for them, and it has a GEMM limit. */
        boolean denseOnly() {
            return Families.byName(family).denseOnly();
        }

        /** The same model at {@code t} threads. */
        PeerModel withThreads(int t) {
            return new PeerModel(name, spec, overrides, family, input, samples, classes, t, passesPerEpoch, hyperparameters);
        }

        /** The model with the spec's settings filled in (as given when it names no spec). */
        PeerModel resolved(SpecCatalog specs) {
            if (spec == null) return this;
            ExperimentSpec s = specs.load(spec);
            ResolvedConfig c = ResolvedConfig.of(s, false, overrides == null ? Map.of() : overrides);
            InputShape in = InputShape.of(c.spec().data());
            // classes 0 marks a regression net (one linear output), as in a workload file.
            int outputs = c.spec().data().isOneDimensional() ? 0 : DatasetRepository.classNames(c.spec().data().dataset()).size();
            return new PeerModel(name, spec, overrides, s.family(), List.of(in.channels(), in.height(), in.width()), samples,
                    outputs, threads, passesPerEpoch, c.hyperparameters().asMap());
        }
    }

    public record Workload(String about, List<PeerModel> models) {
        /** A workload file with every spec-named model resolved against {@code experiments/}. */
        static Workload read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new UserError("no workload file at " + file + ": pass --workload FILE (default " + CATALOGUE + ")");
            }
            Workload w;
            try {
                w = Json.MAPPER.readValue(file.toFile(), Workload.class);
            } catch (JsonProcessingException e) {
                throw new UserError(file + ": malformed workload" + Json.problem(e) + "; see " + CATALOGUE + " for the format");
            }
            if (w.models() == null || w.models().isEmpty()) throw new UserError(file + ": no models; list them under \"models\"");
            SpecCatalog specs = new SpecCatalog(Path.of("experiments"));
            return new Workload(w.about(), w.models().stream().map(m -> m.resolved(specs)).toList());
        }

        /** The catalogue's costliest models, the workload every benchmark of them reads by default. */
        static final Path CATALOGUE = Path.of("experiments/bench/catalogue-models.json");

        /** The workload file {@code --workload FILE} names, else {@link #CATALOGUE}. */
        static Path file(Map<String, String> options) {
            return options.containsKey("workload") ? Path.of(options.get("workload")) : CATALOGUE;
        }

        /** The model called {@code name} (a child turn's {@code --turn}); none is a one-line error naming {@code file}. */
        PeerModel model(String name, Path file) {
            return models.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UserError("no model " + name + " in " + file));
        }
    }

    /**
     * One turn of one side: training and inference samples/s, the process's peak resident memory, and its CPU time
     * over wall time (how many cores it kept busy: the check that both sides ran on the same thread count).
     */
    public record Turn(double trainSamplesPerSecond, double inferSamplesPerSecond, double peakRssMb, double coresBusy,
                       String blas) {
        /** A turn as a child process printed it (train, infer, cores busy, BLAS), with the peak memory measured around it. */
        static Turn of(ChildProcess.Result r) {
            JsonNode j = r.json();
            return new Turn(j.get("train_samples_per_s").asDouble(), j.get("infer_samples_per_s").asDouble(), r.peakRssMb(),
                    j.get("cores_busy").asDouble(), j.get("blas").asText());
        }
    }

    private PeerBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, PeerBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = BenchmarkFiles.options(args,
                "--pairs N, --epochs N, --models a,b, --peer PATH, --workload FILE, --kernels auto|detected|environment, "
                        + "--peer-blas openblas|mkl, --check true");
        int pairs = BenchmarkFiles.positiveInt(options, "pairs", 3);
        int epochs = BenchmarkFiles.positiveInt(options, "epochs", 3);
        Path peer = peerScript(options);
        Path workloadFile = Workload.file(options);
        Workload workload = Workload.read(workloadFile);
        if (options.containsKey("turn")) {
            childTurn(workload.model(options.get("turn"), workloadFile), epochs);
            return;
        }
        String kernels = options.getOrDefault("kernels", "auto");
        if (!List.of("auto", "detected", "environment").contains(kernels)) {
            throw new UserError("--kernels " + kernels + ": use auto, detected or environment");
        }
        String peerBlas = options.getOrDefault("peer-blas", "openblas");
        if (!List.of("openblas", "mkl").contains(peerBlas)) throw new UserError("--peer-blas " + peerBlas + ": use openblas or mkl");
        List<String> only = BenchmarkFiles.selectedModels(options, workload.models().stream().map(PeerModel::name).toList());

        if (options.containsKey("check")) {
            // Only build both sides of every model and compare their shapes: seconds, no timing.
            for (PeerModel m : workload.models()) {
                if (only != null && !only.contains(m.name())) continue;
                checkTwin(m, plain(m), peer);
            }
            return;
        }
        Sides sides = new Sides(peer, workloadFile, kernels, epochs, peerBlas);
        List<Map<String, Object>> rows = new ArrayList<>();
        BackendInfo backend = null;
        for (PeerModel m : workload.models()) {
            if (only != null && !only.contains(m.name())) continue;
            backend = BackendSelector.select("cpu", m.threads(), m.denseOnly());
            rows.add(compare(m, pairs, sides));
        }
        Map<String, Object> gemm = GemmLimit.square(2048);
        // The evidence for the peer's kernels: its square product with each choice there is here.
        PeerModel first = workload.models().get(0);
        Map<String, Object> peerSquare = new LinkedHashMap<>();
        List<String> choices = new ArrayList<>(List.of("detected"));
        if (BlasLibrary.instructionSetKernels().isPresent()) choices.add("auto");
        if (System.getenv(BlasLibrary.KERNEL_VARIABLES.get(0)) != null) choices.add("environment");
        for (String k : choices) {
            JsonNode g = new Sides(peer, workloadFile, k, epochs, peerBlas).torchGemm(first, 1);
            peerSquare.put(k, Map.of("gflops_1_threads", g.get("square_gflops").asDouble(), "blas", g.get("blas").asText()));
        }
        String name = only == null ? "latest" : BenchmarkFiles.withModels("peer", only);
        Map<String, Object> out = BenchmarkFiles.figures(name, "training and inference samples/s of DL4J and PyTorch "
                + "on the same models, alternating; dense models also against the GEMM limit measured here",
                backend == null ? null : backend.oneLine());
        out.put("pairs", pairs);
        out.put("epochs_per_turn", epochs);
        out.put("square_sgemm", gemm);
        out.put("pytorch_square_sgemm", peerSquare);
        out.put("kernels", kernels);
        out.put("peer_blas", peerBlas);
        // Both sides inherit it: how idle OpenMP and OpenBLAS threads wait moved the two-thread models' speed.
        // native-env.sh, which src/bench/run sources, sets these variables and names them.
        String names = System.getenv("REPRO_IDLE_THREAD_VARIABLES");
        if (names == null) throw new UserError("REPRO_IDLE_THREAD_VARIABLES is unset: run the benchmark through src/bench/run");
        Map<String, String> idle = new LinkedHashMap<>();
        for (String v : names.trim().split("\\s+")) idle.put(v, System.getenv().getOrDefault(v, "unset"));
        out.put("idle_threads", idle);
        out.put("models", rows);
        out.put("peer", peer.toAbsolutePath().normalize().toString());
        // The full run's page also shows the real runs against the bare step, from PipelineShare's own sitting.
        BenchmarkFiles.write(name, out, PeerTable.markdown(rows, gemm, peerSquare, pairs, epochs, kernels, idle, workloadFile,
                String.join(" ", args), backend == null ? null : backend.device())
                + (only == null ? PipelineSection.markdown(BenchmarkFiles.DIR) : ""));
    }

    /** The PyTorch peer script, {@code --peer PATH} or the project's; a missing one is a one-line error. */
    static Path peerScript(Map<String, String> options) {
        Path peer = Path.of(options.getOrDefault("peer", "src/bench/peer/torch_peer.py"));
        if (!Files.isRegularFile(peer)) throw new UserError("no PyTorch peer at " + peer + ": pass --peer PATH to torch_peer.py");
        return peer;
    }

    private static Map<String, Object> compare(PeerModel m, int pairs, Sides sides) throws Exception {
        MultiLayerConfiguration plain = plain(m);
        checkTwin(m, plain, sides.peer());
        int batch = new Hyperparameters(m.name(), m.hyperparameters()).getInt("batch");
        List<Turn> dl4j = new ArrayList<>(), torch = new ArrayList<>();
        double[] ratio = new double[pairs];
        // The GEMM limit is measured within each pair too: on this machine only figures taken side by side compare.
        boolean dense = m.family().equals("MlpFamily") && m.classes() > 0;
        double[] limit = new double[pairs], nd4jLimit = new double[pairs], torchLimit = new double[pairs];
        double[] dl4jOfLimit = new double[pairs], torchOfLimit = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            // Alternate which side goes first, so a drift in machine speed favours neither.
            if (p % 2 == 0) {
                dl4j.add(sides.dl4jTurn(m));
                torch.add(sides.torchTurn(m));
            } else {
                torch.add(sides.torchTurn(m));
                dl4j.add(sides.dl4jTurn(m));
            }
            ratio[p] = dl4j.get(p).trainSamplesPerSecond() / torch.get(p).trainSamplesPerSecond();
            if (dense) {
                // The machine's limit: the faster of the two BLAS builds at the model's own products.
                nd4jLimit[p] = GemmLimit.denseTraining(denseShapes(plain), batch, 2);
                torchLimit[p] = sides.torchGemm(m, m.threads()).get("dense_samples_per_s").asDouble();
                limit[p] = Math.max(nd4jLimit[p], torchLimit[p]);
                dl4jOfLimit[p] = dl4j.get(p).trainSamplesPerSecond() / limit[p];
                torchOfLimit[p] = torch.get(p).trainSamplesPerSecond() / limit[p];
            }
            System.out.printf(Locale.ROOT, "%s pair %d/%d: DL4J %.0f, PyTorch %.0f training samples/s, ratio %.2f; peak RSS %.0f / %.0f MB%n",
                    m.name(), p + 1, pairs, dl4j.get(p).trainSamplesPerSecond(), torch.get(p).trainSamplesPerSecond(), ratio[p],
                    dl4j.get(p).peakRssMb(), torch.get(p).peakRssMb());
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", m.name());
        row.put("family", m.family());
        row.put("parameters", plain.getConfs().stream().mapToLong(c -> c.getLayer().initializer().numParams(c)).sum());
        row.put("batch", batch);
        row.put("threads", m.threads());
        row.put("samples_per_epoch", m.samples() * m.passes());
        row.put("dl4j_blas", dl4j.get(0).blas());
        row.put("pytorch_blas", torch.get(0).blas());
        row.put("dl4j", dl4j);
        row.put("pytorch", torch);
        row.put("dl4j_train_median", Alternation.median(dl4j.stream().mapToDouble(Turn::trainSamplesPerSecond).toArray()));
        row.put("pytorch_train_median", Alternation.median(torch.stream().mapToDouble(Turn::trainSamplesPerSecond).toArray()));
        row.put("dl4j_infer_median", Alternation.median(dl4j.stream().mapToDouble(Turn::inferSamplesPerSecond).toArray()));
        row.put("pytorch_infer_median", Alternation.median(torch.stream().mapToDouble(Turn::inferSamplesPerSecond).toArray()));
        row.put("dl4j_cores_busy", Alternation.median(dl4j.stream().mapToDouble(Turn::coresBusy).toArray()));
        row.put("pytorch_cores_busy", Alternation.median(torch.stream().mapToDouble(Turn::coresBusy).toArray()));
        row.put("dl4j_peak_rss_mb", dl4j.stream().mapToDouble(Turn::peakRssMb).max().orElse(Double.NaN));
        row.put("pytorch_peak_rss_mb", torch.stream().mapToDouble(Turn::peakRssMb).max().orElse(Double.NaN));
        row.put("rss_ratio", (double) row.get("dl4j_peak_rss_mb") / (double) row.get("pytorch_peak_rss_mb"));
        row.put("ratio_median", Alternation.median(ratio));
        row.put("ratio_min", Arrays.stream(ratio).min().orElse(Double.NaN));
        row.put("ratio_max", Arrays.stream(ratio).max().orElse(Double.NaN));
        if (dense) {
            row.put("gemm_limit_samples_per_s", Alternation.median(limit));
            row.put("gemm_limit_nd4j", Alternation.median(nd4jLimit));
            row.put("gemm_limit_pytorch", Alternation.median(torchLimit));
            row.put("dl4j_fraction_of_limit", Alternation.median(dl4jOfLimit));
            row.put("pytorch_fraction_of_limit", Alternation.median(torchOfLimit));
        }
        if (m.classes() == 0) {
            row.put("dl4j_iterations_per_s", (double) row.get("dl4j_train_median") / batch);
            row.put("pytorch_iterations_per_s", (double) row.get("pytorch_train_median") / batch);
        }
        return row;
    }

    /** A benchmark model as a run trains it (speed-ups on), with its data. */
    record Trainee(MultiLayerConfiguration plain, MultiLayerNetwork net, TrainingStep step, List<INDArray[]> batches,
                   int batch) {
        /** One training epoch: {@code passes} passes over the minibatches. */
        void epoch(int passes) {
            for (int p = 0; p < passes; p++) for (INDArray[] b : batches) step.fit(b[0], b[1]);
        }

        long samplesPerEpoch(int passes) {
            long samples = 0;
            for (INDArray[] b : batches) samples += b[0].rows();
            return samples * passes;
        }
    }

    static Trainee trainee(PeerModel m, BackendInfo backend) {
        int batch = new Hyperparameters(m.name(), m.hyperparameters()).getInt("batch");
        MultiLayerConfiguration plain = plain(m);
        Speedups.Prepared model = Speedups.prepare(plain, backend, SpeedupSetting.ON);
        return new Trainee(plain, model.net(), model.step(), batches(m, batch, m.classes() == 0 ? 1 : m.classes()), batch);
    }

    /** The model's plain DL4J configuration, as its family builds it for a run. */
    static MultiLayerConfiguration plain(PeerModel m) {
        Hyperparameters hp = new Hyperparameters(m.name(), m.hyperparameters());
        return Families.byName(m.family()).configure(hp, m.shape(), m.classes() == 0 ? 1 : m.classes(), 1,
                Math.max(1, m.samples() / hp.getInt("batch")));
    }

    /**
     * A child JVM's DL4J turn ({@code --turn NAME}): the model as a run trains it, in a process of its own like the
     * peer's, so that its peak memory is this model's alone and its BLAS kernels are chosen as a run's are.
     */
    private static void childTurn(PeerModel m, int epochs) throws Exception {
        BackendInfo backend = BackendSelector.select("cpu", m.threads(), m.denseOnly());
        Trainee t = trainee(m, backend);
        Turn turn = dl4jTurn(t, m.passes(), epochs);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("train_samples_per_s", turn.trainSamplesPerSecond());
        out.put("infer_samples_per_s", turn.inferSamplesPerSecond());
        out.put("cores_busy", turn.coresBusy());
        out.put("blas", backend.blas());
        ChildProcess.reply(out);
    }

    /**
     * The two sides' processes for one benchmark: both with the same kernel choice ({@code auto}: the kernels of the
     * processor's instruction set, as a run's newer OpenBLAS picks them, BlasLibrary; {@code detected}: OpenBLAS picks
     * them; {@code environment}: the OPENBLAS_* variables stay), each in a process of its own per turn.
     */
    record Sides(Path peer, Path workload, String kernels, int epochs, String peerBlas) {
        Sides(Path peer, Path workload, String kernels, int epochs) {
            this(peer, workload, kernels, epochs, "openblas");
        }

        Turn dl4jTurn(PeerModel m) throws IOException, InterruptedException {
            return Turn.of(ChildProcess.run("the DL4J turn of " + m.name(), ChildProcess.java(PeerBenchmark.class,
                    List.of("--turn", m.name(), "--epochs", String.valueOf(epochs), "--workload", workload.toString())),
                    Map.of(BlasLibrary.KERNELS_ENV, kernels), List.of()));
        }

        Turn torchTurn(PeerModel m) throws IOException, InterruptedException {
            return Turn.of(torch(m, m.threads(), "--epochs", String.valueOf(epochs)));
        }

        /** The peer's training time by kind of op ({@link StepProfile}). */
        JsonNode torchProfile(PeerModel m) throws IOException, InterruptedException {
            return torch(m, m.threads(), "--profile", "--epochs", String.valueOf(epochs)).json();
        }

        /** Each convolution layer's forward and backward pass alone in the peer, median of {@code rounds} ({@link ConvBackward}). */
        JsonNode torchConvLayers(PeerModel m, int rounds) throws IOException, InterruptedException {
            return torch(m, m.threads(), "--conv-layers", String.valueOf(rounds)).json();
        }

        /** The peer's GEMM figures: the model's dense products ({@code dense_samples_per_s}) and a square one. */
        JsonNode torchGemm(PeerModel m, int threads) throws IOException, InterruptedException {
            return torch(m, threads, "--gemm").json();
        }

        private ChildProcess.Result torch(PeerModel m, int threads, String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("/usr/bin/python3", peer.toString(), "--threads",
                    String.valueOf(threads), "--model", description(m).toString()));
            command.addAll(List.of(args));
            // torch.set_num_threads does not reach the BLAS: Debian's pthread OpenBLAS ran PyTorch's matrix products
            // on both cores at "1 thread" (CPU/wall 1.99 on a 3072×250 product). Its own variables cap it.
            Map<String, String> env = new LinkedHashMap<>();
            for (String v : List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")) env.put(v, String.valueOf(threads));
            List<String> unset = kernels.equals("environment") ? List.of() : BlasLibrary.KERNEL_VARIABLES;
            Optional<String> isa = BlasLibrary.instructionSetKernels();
            if (kernels.equals("auto") && isa.isPresent()) {
                env.put(BlasLibrary.KERNEL_VARIABLES.get(0), isa.get());
                env.put(BlasLibrary.KERNELS_ENV, "instruction-set");  // for the peer's own account of its kernels
                unset = BlasLibrary.KERNEL_VARIABLES.subList(1, BlasLibrary.KERNEL_VARIABLES.size());
            }
            if (peerBlas.equals("mkl")) {
                // Debian's PyTorch calls the BLAS's sgemm_, which a preloaded MKL answers in place of OpenBLAS's.
                Path mkl = BlasLibrary.mklFolder().orElseThrow(() -> new UserError("--peer-blas mkl: Intel MKL is not "
                        + "beside the classes; build with it: REPRO_MAVEN_ARGS=-Pcpu,mkl"));
                env.put("LD_PRELOAD", mkl.resolve(BlasLibrary.MKL_RT).toString());
                env.put("MKL_THREADING_LAYER", "GNU");
            }
            try {
                return ChildProcess.run("the PyTorch peer", command, env, unset);
            } catch (UserError e) {
                throw new UserError(e.getMessage() + "; install it with src/bench/peer-benchmark.sh");
            }
        }
    }


    /** The data, cut once into contiguous minibatches (random values of the model's shape; speed does not depend on them). */
    private static List<INDArray[]> batches(PeerModel m, int batch, int outputs) {
        Nd4j.getRandom().setSeed(1);
        List<INDArray[]> out = new ArrayList<>();
        for (int from = 0; from < m.samples(); from += batch) {
            int rows = Math.min(batch, m.samples() - from);
            INDArray x = Nd4j.randn(DataType.FLOAT, rows, m.shape().features());
            INDArray y;
            if (m.classes() == 0) {
                y = Nd4j.randn(DataType.FLOAT, rows, 1);
            } else {
                y = Nd4j.zeros(DataType.FLOAT, rows, outputs);
                for (int i = 0; i < rows; i++) y.putScalar(i, (from + i) * 7 % outputs, 1f);
            }
            out.add(new INDArray[] {x, y});
        }
        return out;
    }

    /**
     * A turn in this process. It has no memory figure (NaN): the process holds whatever ran before it, so memory is
     * measured around a child process of its own ({@link Sides#dl4jTurn}).
     */
    static Turn dl4jTurn(Trainee t, int passes, int epochs) {
        long samples = t.samplesPerEpoch(passes);
        double[] seconds = new double[epochs];
        long wall0 = System.nanoTime(), cpu0 = processCpuNanos();
        for (int e = -1; e < epochs; e++) {  // epoch -1 is the warm-up
            long t0 = System.nanoTime();
            t.epoch(passes);
            if (e >= 0) seconds[e] = (System.nanoTime() - t0) / 1e9;
        }
        long t0 = System.nanoTime();
        for (int p = 0; p < passes; p++) for (INDArray[] b : t.batches()) t.net().output(b[0], false);
        double infer = samples / ((System.nanoTime() - t0) / 1e9);
        double cores = (double) (processCpuNanos() - cpu0) / (System.nanoTime() - wall0);
        return new Turn(samples / Alternation.median(seconds), infer, Double.NaN, cores, null);
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The model as the peer builds it (torch_peer.py's --model file): written once per model and process. */
    private static Path description(PeerModel m) throws IOException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "peer-model-" + ProcessHandle.current().pid() + "-" + m.name() + ".json");
        if (Files.exists(file)) return file;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", m.name());
        d.put("family", m.family());
        d.put("hyperparameters", m.hyperparameters());
        d.put("input", m.input());
        d.put("outputs", m.classes() == 0 ? 1 : m.classes());
        d.put("classification", m.classes() > 0);
        d.put("samples", m.samples());
        d.put("passes", m.passes());
        d.put("dense_shapes", denseShapes(plain(m)));
        Files.writeString(file, Json.MAPPER.writeValueAsString(d));
        file.toFile().deleteOnExit();
        return file;
    }

    /**
     * Refuses to compare a model with a twin of another shape: the trainable parameter count and the output shape of
     * every convolution and dense layer must be the DL4J model's.
     */
    static void checkTwin(PeerModel m, MultiLayerConfiguration conf, Path peer) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", peer.toString(), "--model", description(m).toString(), "--describe")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new UserError("the PyTorch peer cannot build " + m.name() + ": " + out.lines().reduce((a, b) -> b).orElse(""));
        }
        JsonNode twin = Json.MAPPER.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        TwinShape ours = TwinShape.of(conf, m.shape(), m.family().equals("CnnFamily"));
        List<List<Long>> theirs = new ArrayList<>();
        for (JsonNode layer : twin.get("layer_outputs")) {
            List<Long> dims = new ArrayList<>();
            layer.forEach(d -> dims.add(d.asLong()));
            theirs.add(dims);
        }
        if (ours.parameters() != twin.get("parameters").asLong() || !ours.layerOutputs().equals(theirs)) {
            throw new UserError(m.name() + ": the PyTorch twin differs from the DL4J model: " + twin.get("parameters")
                    + " trainable parameters and layer outputs " + theirs + " against " + ours.parameters() + " and "
                    + ours.layerOutputs());
        }
        System.out.printf(Locale.ROOT, "%s: twin checked, %d trainable parameters, layer outputs %s%n", m.name(),
                ours.parameters(), ours.layerOutputs());
    }

    /** [nIn, nOut] of every dense and output layer, in order. */
    static List<long[]> denseShapes(MultiLayerConfiguration configuration) {
        List<long[]> shapes = new ArrayList<>();
        for (var conf : configuration.getConfs()) {
            if (conf.getLayer() instanceof DenseLayer d) shapes.add(new long[] {d.getNIn(), d.getNOut()});
            if (conf.getLayer() instanceof OutputLayer o) shapes.add(new long[] {o.getNIn(), o.getNOut()});
        }
        return shapes;
    }
}
