package dl4jrepro.cli;

import dl4jrepro.base.UserError;
import dl4jrepro.results.FolderLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each user mistake: exit code 2, one line on stderr naming the problem, and nothing under the results folder. */
class CliErrorsTest {
    @TempDir Path tmp;

    Path results() {
        return tmp.resolve("results");
    }

    CliRun run(String... args) {
        String[] all = Stream.concat(Stream.of("--results-dir", results().toString()), Stream.of(args)).toArray(String[]::new);
        return CliRun.of(all);
    }

    @AfterEach
    void nothingWritten() {
        assertTrue(!Files.exists(results()), "no results folder after an error");
    }

    void assertOneLineError(CliRun r, String... expected) {
        assertEquals(UserError.EXIT_CODE, r.exitCode(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("error: "), err);
        for (String e : expected) assertTrue(err.contains(e), "'" + e + "' in: " + err);
    }

    @Test
    void unknownExperiment() {
        assertOneLineError(run("run", "no-such-id"), "unknown experiment 'no-such-id'", "list");
    }

    @Test
    void unknownExperimentAfterAGoodOneStopsBeforeAnyTraining() {
        assertOneLineError(run("run", "quickstart", "no-such-id"), "unknown experiment 'no-such-id'");
    }

    @Test
    void unknownSpeedupSetting() {
        assertOneLineError(run("run", "quickstart", "--quick", "--speedups", "fast"), "--speedups fast: unknown speed-up 'fast'",
                "use on, off");
    }

    @Test
    void malformedSpeedupSettingInASpec() throws IOException {
        Path exp = Files.createDirectories(tmp.resolve("exp"));
        String good = Files.readString(Path.of("experiments", "quickstart.json"));
        Files.writeString(exp.resolve("quickstart.json"), good.replace("\"family\": \"MlpFamily\",",
                "\"family\": \"MlpFamily\", \"speedups\": \"pool,-adam\","));
        assertOneLineError(run("--experiments-dir", exp.toString(), "run", "quickstart", "--quick"),
                "quickstart: speedups pool,-adam: give kinds to use");
    }

    @Test
    void anUnwritableResultsFolderIsFoundBeforeTraining() throws IOException {
        Path plainFile = Files.writeString(tmp.resolve("not-a-folder"), "x");
        CliRun r = CliRun.of("--results-dir", plainFile.toString(), "run", "quickstart", "--quick");
        assertOneLineError(r, "cannot write results to " + plainFile.resolve("quickstart/quick"), "--results-dir");
        assertTrue(!r.out().contains("step "), "no training: " + r.out());
    }

    @Test
    void aSecondSingleRunOfTheSameExperimentIsRefusedWhileTheFirstHoldsItsFolder() throws IOException {
        Path other = tmp.resolve("held");
        try (FolderLock held = new FolderLock(other.resolve("quickstart/quick"), "quickstart")) {
            CliRun r = CliRun.of("--results-dir", other.toString(), "run", "quickstart", "--quick");
            assertOneLineError(r, "another run of quickstart is writing to");
            assertTrue(!Files.exists(other.resolve("quickstart/quick/run.json")));
        }
    }

    @Test
    void anUnknownHyperparameterInASpecIsRefusedWithTheNearestName() throws IOException {
        Path exp = Files.createDirectories(tmp.resolve("exp"));
        String good = Files.readString(Path.of("experiments", "quickstart.json"));
        Files.writeString(exp.resolve("quickstart.json"), good.replace("\"lr\":", "\"lrr\":"));
        assertOneLineError(run("--experiments-dir", exp.toString(), "run", "quickstart", "--quick"),
                "quickstart: unknown hyperparameter 'lrr'; did you mean 'lr'?");
    }

    @Test
    void aNegativeSeedIsRefusedInASpecAsOnTheCommandLine() throws IOException {
        Path exp = Files.createDirectories(tmp.resolve("exp"));
        String good = Files.readString(Path.of("experiments", "quickstart.json"));
        Files.writeString(exp.resolve("quickstart.json"), good.replaceFirst("\"seed\": \\d+", "\"seed\": -3"));
        assertOneLineError(run("--experiments-dir", exp.toString(), "run", "quickstart", "--quick"), "seed");
        assertOneLineError(run("run", "quickstart", "--quick", "--seed", "-1"), "--seed -1");
    }

    @Test
    void moreThreadsThanCoresAreRefused() {
        assertOneLineError(run("run", "quickstart", "--quick", "--threads", "1000"), "--threads 1000: this machine has");
    }

    @Test
    void aQuotedSetValueGetsItsOwnErrorAndNoParserWarning() {
        java.io.PrintStream systemErr = System.err;
        java.io.ByteArrayOutputStream stray = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(stray, true));
        try {
            assertOneLineError(run("run", "quickstart", "--quick", "--set", "activation=\"tanh"),
                    "hyperparameter activation=\"tanh is impossible");
        } finally {
            System.setErr(systemErr);
        }
        assertEquals("", stray.toString(), "nothing else on stderr");
    }

    @Test
    void malformedSpec() throws IOException {
        Path exp = Files.createDirectories(tmp.resolve("exp"));
        String good = Files.readString(Path.of("experiments", "quickstart.json"));
        Files.writeString(exp.resolve("quickstart.json"), good.replace("\"batch\": 128", "\"batch\": 128,"));
        assertOneLineError(run("--experiments-dir", exp.toString(), "run", "quickstart"), "quickstart.json: malformed spec at line");
    }

    @Test
    void overrideThatIsNotANumber() {
        assertOneLineError(run("run", "quickstart", "--set", "lr=abc"), "--set lr=abc", "not a number");
    }

    @Test
    void impossibleHyperparameter() {
        assertOneLineError(run("run", "quickstart", "--set", "batch=0"), "batch=0 is impossible");
    }

    @Test
    void missingCifarDirectory() {
        assertOneLineError(run("run", "two-layer-torch-000", "--data-dir", tmp.resolve("nowhere").toString()),
                "CIFAR-10 not found in", "./repro data cifar10 --data-dir", "--from FILE");
    }

    @Test
    void gpuWithoutCudaBackend() {
        assertOneLineError(run("run", "quickstart", "--backend", "gpu"), "--backend gpu", "CUDA backend is not in this build");
    }

    @Test
    void unknownOption() {
        assertOneLineError(run("run", "quickstart", "--epochs", "3"), "--epochs");
    }

    @Test
    void tableWithoutStoredRun() {
        assertOneLineError(run("table", "quickstart"), "no stored run for quickstart");
    }
}
