package dl4jrepro.train;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.data.PreparedData;
import dl4jrepro.spec.ExperimentSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run stopped and continued from its checkpoint ends where the uninterrupted run ends. */
class CheckpointTest {
    // 200 digits in batches of 32: 7 steps an epoch; evaluations every 3 steps put the last checkpoint (step 15) at
    // the start of the third epoch, so resuming must replay that epoch's shuffle and continue inside it.
    private static final ExperimentSpec.Budget BUDGET = new ExperimentSpec.Budget(null, 17, 3, "last-batch", null, null, null);
    private final PreparedData data = SmallMnistCnn.data(0);

    /** Without dropout, whose masks a resumed run does not repeat. */
    private MultiLayerNetwork net() {
        return SmallMnistCnn.net(false);
    }

    private Trainer.Outcome train(MultiLayerNetwork net, Checkpoint checkpoint, ByteArrayOutputStream log) {
        return Trainer.train(net, net::fit, data, BUDGET, 32, 9, new ProgressLine(new PrintStream(log), "t"), checkpoint);
    }

    @Test
    void aResumedRunEndsWithTheWeightsAndCurveOfTheUninterruptedOne(@TempDir Path dir) throws Exception {
        MultiLayerNetwork whole = net();
        Trainer.Outcome uninterrupted = train(whole, null, new ByteArrayOutputStream());

        // The same run with checkpoints at every evaluation; it leaves the one of step 15 behind.
        Path saved = dir.resolve("checkpoint");
        train(net(), new Checkpoint(saved, "config A", 0, Map.of("git_commit", "first segment's")), new ByteArrayOutputStream());
        assertTrue(Files.exists(saved.resolve("model-15.zip")));
        assertEquals(2, Files.list(saved).count(), "one network and its state, older ones removed");

        MultiLayerNetwork continued = net();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Outcome resumed = train(continued, new Checkpoint(saved, "config A", 0), log);
        assertTrue(log.toString().contains("resuming from the checkpoint"), log.toString());
        assertEquals(List.of(15), resumed.resumedFrom());
        assertEquals(List.of(Map.of("git_commit", "first segment's")), resumed.earlierSoftware(),
                "the code of the segment before the resume is kept");
        assertEquals(17, resumed.steps());
        assertEquals(uninterrupted.curve().size(), resumed.curve().size());
        CurvePoint a = uninterrupted.curve().get(uninterrupted.curve().size() - 1);
        CurvePoint b = resumed.curve().get(resumed.curve().size() - 1);
        assertEquals(a.testLoss(), b.testLoss(), 1e-5);
        assertEquals(a.testAcc(), b.testAcc(), 1e-9);
        double maxDiff = whole.params().sub(continued.params()).amaxNumber().doubleValue();
        assertTrue(maxDiff < 1e-5, "weights, BN statistics and Adam's step count carry over: max difference " + maxDiff);
        assertEquals(whole.getIterationCount(), continued.getIterationCount());
        assertTrue(resumed.priorWallSeconds() > 0, "the first segment's time is counted in the run's wall time");

        // Not resuming would have ended elsewhere: the comparison above can tell runs apart.
        MultiLayerNetwork restarted = net();
        Trainer.train(restarted, data, new ExperimentSpec.Budget(null, 2, 3, "last-batch", null, null, null), 32, 9,
                new ProgressLine(new PrintStream(new ByteArrayOutputStream()), "t"));
        assertTrue(whole.params().sub(restarted.params()).amaxNumber().doubleValue() > 1e-3);
    }

    @Test
    void aCheckpointWrittenBeforeWallTimeWasRecordedCountsItsTrainingAndEvaluationTime() throws Exception {
        String old = "{\"fingerprint\":\"f\",\"step\":3,\"model\":\"model-3.zip\",\"curve\":[],\"trainSeconds\":5.0,"
                + "\"evalSeconds\":2.0,\"samples\":96,\"resumedFrom\":[],\"saved\":\"2026-11-29T23:37:00Z\"}";
        Checkpoint.State s = Json.MAPPER.readValue(old, Checkpoint.State.class);
        assertEquals(7.0, s.wallSecondsSoFar(), 1e-12);
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsNotResumed(@TempDir Path dir) {
        Path saved = dir.resolve("checkpoint");
        train(net(), new Checkpoint(saved, "config A", 0), new ByteArrayOutputStream());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Outcome other = train(net(), new Checkpoint(saved, "config B", 0), log);
        assertTrue(log.toString().contains("from another configuration"), log.toString());
        assertTrue(other.resumedFrom().isEmpty());
        assertEquals(17, other.steps());
        assertFalse(log.toString().contains("resuming"));
    }

    @Test
    void aDamagedCheckpointIsSetAsideInOneLineAndTheRunStartsAfresh(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("checkpoint");
        train(net(), new Checkpoint(saved, "config A", 0), new ByteArrayOutputStream());
        Path model = saved.resolve("model-15.zip");
        try (var channel = java.nio.channels.FileChannel.open(model, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(model) / 2);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Outcome again = train(net(), new Checkpoint(saved, "config A", 0), log);
        String said = log.toString();
        assertTrue(said.contains("checkpoint network " + model + " is damaged") && said.contains("starting afresh"), said);
        assertTrue(again.resumedFrom().isEmpty());
        assertEquals(17, again.steps());
        try (var files = Files.list(saved)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.stream().filter(n -> n.contains(".damaged-")).count(), "network and state kept: " + names);
            assertTrue(names.contains("model-15.zip") && names.contains("state.json"), "a fresh checkpoint: " + names);
        }

        Files.writeString(saved.resolve("state.json"), "{ not json");
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        assertEquals(17, train(net(), new Checkpoint(saved, "config A", 0), garbage).steps());
        assertTrue(garbage.toString().contains("is unreadable") && garbage.toString().contains("set aside as state.json.damaged-"),
                garbage.toString());
    }
}
