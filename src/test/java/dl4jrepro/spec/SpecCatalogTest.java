package dl4jrepro.spec;

import dl4jrepro.base.UserError;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.Families;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecCatalogTest {
    static final Path REAL = Path.of("experiments");
    @TempDir Path tmp;

    /** Every committed spec parses, passes its checks, and names a family that accepts its hyperparameters. */
    @Test
    void everyCommittedSpecIsValid() {
        SpecCatalog catalog = new SpecCatalog(REAL);
        assertTrue(catalog.ids().containsAll(List.of("quickstart", "two-layer-torch-000", "mlp-defaults-004")));
        for (ExperimentSpec s : catalog.all()) {
            Families.byName(s.family()).validate(new Hyperparameters(s.id(), s.hyperparameters()), InputShape.of(s.data()));
            assertFalse(s.reference().figures().isEmpty(), s.id() + " has figures to hold the run against");
        }
    }

    String quickstartWith(String from, String to) throws IOException {
        String text = Files.readString(REAL.resolve("quickstart.json"));
        assertTrue(text.contains(from), "fixture text present: " + from);
        return text.replace(from, to);
    }

    UserError loadBroken(String text) throws IOException {
        Files.writeString(tmp.resolve("quickstart.json"), text);
        return assertThrows(UserError.class, () -> new SpecCatalog(tmp).load("quickstart"));
    }

    @Test
    void anEmptyGridOrConfigListIsRefusedNotRunAsOneTrial() throws IOException {
        Path grid = Path.of("src/test/resources/experiments/grid-smoke.json");
        String text = Files.readString(grid);
        String emptyGrid = text.replaceFirst("\"grid\": \\{[^}]*\\}", "\"grid\": {}");
        assertTrue(!emptyGrid.equals(text), "fixture has a grid");
        Files.writeString(tmp.resolve("grid-smoke.json"), emptyGrid);
        UserError e = assertThrows(UserError.class, () -> new SpecCatalog(tmp).load("grid-smoke"));
        assertTrue(e.getMessage().contains("search.grid is empty"), e.getMessage());
        Files.writeString(tmp.resolve("grid-smoke.json"), text.replaceFirst("\"grid\": \\{", "\"configs\": [], \"grid\": {"));
        e = assertThrows(UserError.class, () -> new SpecCatalog(tmp).load("grid-smoke"));
        assertTrue(e.getMessage().contains("search.configs is empty"), e.getMessage());
        Files.writeString(tmp.resolve("grid-smoke.json"), text.replaceFirst("\"lr\": \\[[^]]*\\]", "\"lr\": []"));
        e = assertThrows(UserError.class, () -> new SpecCatalog(tmp).load("grid-smoke"));
        assertTrue(e.getMessage().contains("axis 'lr' has no values"), e.getMessage());
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        UserError e = loadBroken(quickstartWith("\"lr\": 0.001,", "\"lr\": 0.001,,"));
        assertTrue(e.getMessage().contains("quickstart.json: malformed spec at line"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void stagesLiveInTheirParentsResultsFolder() throws IOException {
        SpecCatalog catalog = new SpecCatalog(REAL);
        assertEquals("regression-selu-003/final", catalog.load("regression-selu-003-final").resultsPath());
        assertEquals("regression-selu-003", catalog.load("regression-selu-003").resultsPath());
        UserError noParent = loadBroken(quickstartWith("\"seed\": 42", "\"seed\": 42, \"stageOf\": \"quick\""));
        assertTrue(noParent.getMessage().contains("a stage's id is its parent's id, a hyphen and a stage name"), noParent.getMessage());
        Files.delete(tmp.resolve("quickstart.json"));
        Files.writeString(tmp.resolve("quickstart-final.json"), quickstartWith("\"id\": \"quickstart\"",
                "\"id\": \"quickstart-final\", \"stageOf\": \"quickstart\""));
        UserError missing = assertThrows(UserError.class, () -> new SpecCatalog(tmp).load("quickstart-final"));
        assertTrue(missing.getMessage().contains("stageOf 'quickstart': no such experiment"), missing.getMessage());
    }

    @Test
    void unknownFieldIsRejected() throws IOException {
        UserError e = loadBroken(quickstartWith("\"seed\": 42", "\"seed\": 42, \"sede\": 1"));
        assertTrue(e.getMessage().contains("sede"), e.getMessage());
    }

    @Test
    void threadsArePositiveAndOnlyForASingleRun() throws IOException {
        UserError zero = loadBroken(quickstartWith("\"seed\": 42", "\"seed\": 42, \"threads\": 0"));
        assertTrue(zero.getMessage().contains("threads 0 must be 1 or more"), zero.getMessage());
        Files.writeString(tmp.resolve("quickstart.json"), quickstartWith("\"seed\": 42", "\"seed\": 42, \"threads\": 2"));
        ExperimentSpec two = new SpecCatalog(tmp).load("quickstart");
        assertEquals(2, two.threads());
        String search = Files.readString(REAL.resolve("two-layer-grid-000.json")).replace("\"seed\": ", "\"threads\": 2, \"seed\": ");
        Files.writeString(tmp.resolve("two-layer-grid-000.json"), search);
        UserError e = assertThrows(UserError.class, () -> new SpecCatalog(tmp).load("two-layer-grid-000"));
        assertTrue(e.getMessage().contains("threads is for a single run"), e.getMessage());
    }

    @Test
    void budgetNeedsExactlyOneOfEpochsAndSteps() throws IOException {
        UserError e = loadBroken(quickstartWith("\"budget\": {\"epochs\": 5,", "\"budget\": {\"epochs\": 5, \"steps\": 10,"));
        assertTrue(e.getMessage().contains("budget needs exactly one of epochs and steps"), e.getMessage());
    }

    @Test
    void aBudgetWithoutTestCurveRefusesFiguresThatReadIt() throws IOException {
        String noCurve = quickstartWith("\"trainMetric\": \"running\"}", "\"trainMetric\": \"running\", \"testCurve\": false}");
        Files.writeString(tmp.resolve("quickstart.json"), noCurve);
        assertFalse(new SpecCatalog(tmp).load("quickstart").budget().scoresTestCurve(), "final.test_acc needs no curve");
        UserError e = loadBroken(noCurve.replace("\"last.val_acc\"", "\"best.test_acc\""));
        assertTrue(e.getMessage().contains("'best.test_acc' reads the test split's curve, which budget.testCurve false "
                + "leaves empty"), e.getMessage());
    }

    @Test
    void unknownMetricIsRejected() throws IOException {
        UserError e = loadBroken(quickstartWith("\"final.test_acc\"", "\"final.test_accuracy\""));
        assertTrue(e.getMessage().contains("unknown metric 'final.test_accuracy'"), e.getMessage());
    }

    @Test
    void unknownPreprocessingIsRejected() throws IOException {
        UserError e = loadBroken(quickstartWith("\"scale-01\"", "\"whiten\""));
        assertTrue(e.getMessage().contains("data.preprocess 'whiten'"), e.getMessage());
    }

    @Test
    void theBundledToyDataGoOnlyWithAReplay() throws IOException {
        String toy = Files.readString(REAL.resolve("toy-sgd-000.json"));
        Files.writeString(tmp.resolve("toy-sgd-000.json"), toy.replace("\"kind\" : \"replay\"", "\"kind\" : \"gradient\"")
                .replace("\"kind\": \"replay\"", "\"kind\": \"gradient\""));
        UserError e = assertThrows(UserError.class, () -> new SpecCatalog(tmp).load("toy-sgd-000"));
        assertTrue(e.getMessage().contains("epsilon > 0") || e.getMessage().contains("toy-000"), e.getMessage());
        UserError onMnist = loadBroken(quickstartWith("\"mnist\"", "\"toy-000\""));
        assertTrue(onMnist.getMessage().contains("toy-000"), onMnist.getMessage());
    }

    @Test
    void normalisationAndAugmentationAreChecked() throws IOException {
        UserError e = loadBroken(quickstartWith("\"preprocess\": \"scale-01\"}", "\"preprocess\": \"scale-01-normalize\"}"));
        assertTrue(e.getMessage().contains("needs data.normalize"), e.getMessage());
        e = loadBroken(quickstartWith("\"preprocess\": \"scale-01\"}", "\"preprocess\": \"scale-01-normalize\", "
                + "\"normalize\": {\"mean\": [0.1307], \"sd\": [0]}}"));
        assertTrue(e.getMessage().contains("sd values must be positive"), e.getMessage());
        e = loadBroken(quickstartWith("\"preprocess\": \"scale-01\"}", "\"preprocess\": \"scale-01\", "
                + "\"augment\": {\"copies\": 1, \"rotateDegrees\": 10, \"translate\": 1.5, \"shearDegrees\": 10}}"));
        assertTrue(e.getMessage().contains("0 ≤ translate < 1"), e.getMessage());
    }

    @Test
    void idMustMatchFileName() throws IOException {
        UserError e = loadBroken(quickstartWith("\"id\": \"quickstart\"", "\"id\": \"other\""));
        assertTrue(e.getMessage().contains("differs from the file name"), e.getMessage());
    }

    @Test
    void unknownIdSaysHowToList() {
        UserError e = assertThrows(UserError.class, () -> new SpecCatalog(REAL).load("no-such-id"));
        assertTrue(e.getMessage().startsWith("unknown experiment 'no-such-id'") && e.getMessage().contains("'list'"),
                e.getMessage());
    }

    @Test
    void aSpreadReplacesATypedToleranceAndNamesAnExperimentThatExists() throws IOException {
        String plain = "\"report\": null, \"tolerance\": null, \"atLeast\": null, \"note\": null";
        String withReport = "\"report\": 0.98, \"tolerance\": null, \"atLeast\": null, \"note\": null";
        String both = quickstartWith(plain,
                withReport.replace("\"tolerance\": null", "\"tolerance\": 0.01")
                        + ", \"spread\": {\"experiment\": \"quickstart-seeds\", \"metric\": \"last.val_acc\"}");
        assertTrue(loadBroken(both).getMessage().contains("has both a tolerance and a spread"));
        String noStage = quickstartWith(plain,
                withReport + ", \"spread\": {\"experiment\": \"quickstart-seeds\", \"metric\": \"last.val_acc\"}");
        UserError e = loadBroken(noStage);
        assertTrue(e.getMessage().contains("spread.experiment 'quickstart-seeds' is no experiment: expected")
                        && e.getMessage().contains("quickstart-seeds.json"),
                e.getMessage());
        Files.writeString(tmp.resolve("quickstart-seeds.json"), Files.readString(REAL.resolve("quickstart.json"))
                .replace("\"id\": \"quickstart\"", "\"id\": \"quickstart-seeds\", \"stageOf\": \"quickstart\""));
        Files.writeString(tmp.resolve("quickstart.json"), noStage);
        assertEquals("quickstart-seeds", new SpecCatalog(tmp).load("quickstart").reference().figures().get(1).spread().experiment());
        String badMetric = noStage.replace("\"metric\": \"last.val_acc\"}", "\"metric\": \"max(last.val_acc)\"}");
        assertTrue(loadBroken(badMetric).getMessage().contains("spread.metric must be a metric of each repeat"));
        // A spread read off the repeats' test curve needs repeats that score it.
        String testCurveSpread = noStage.replace("\"metric\": \"last.val_acc\"}", "\"metric\": \"last.test_acc\"}");
        Files.writeString(tmp.resolve("quickstart.json"), testCurveSpread);
        new SpecCatalog(tmp).load("quickstart");
        Path seeds = tmp.resolve("quickstart-seeds.json");
        Files.writeString(seeds, Files.readString(seeds).replace("\"trainMetric\": \"running\"}",
                "\"trainMetric\": \"running\", \"testCurve\": false}"));
        assertTrue(loadBroken(testCurveSpread).getMessage().contains("spread.metric 'last.test_acc' reads the test split's "
                + "curve, which quickstart-seeds's budget.testCurve false leaves empty"));
        // A spread of the whole training split's scores needs repeats whose own spec reads them, or they are not scored.
        String trainSpread = noStage.replace("\"metric\": \"last.val_acc\"}", "\"metric\": \"final.train_full_acc\"}");
        Files.writeString(tmp.resolve("quickstart.json"), trainSpread);
        new SpecCatalog(tmp).load("quickstart");
        Files.writeString(seeds, Files.readString(seeds).replace("\"metric\": \"final.train_full_acc\"", "\"metric\": \"final.test_acc\""));
        assertTrue(loadBroken(trainSpread).getMessage().contains("spread.metric 'final.train_full_acc' is scored after "
                + "training only where a spec's own figures, columns or report rows read final.train_full_*, which "
                + "quickstart-seeds's do not"));
    }

    @Test
    void aBatchSpreadIsASingleRunsOwnFinalSdMetric() throws IOException {
        String plain = "\"report\": null, \"tolerance\": null, \"atLeast\": null, \"note\": null";
        String ok = "\"report\": 0.98, \"tolerance\": null, \"atLeast\": null, \"note\": null, \"batchSpread\": \"final.batch_acc_sd\"";
        Files.writeString(tmp.resolve("quickstart.json"), quickstartWith(plain, ok));
        assertEquals("final.batch_acc_sd", new SpecCatalog(tmp).load("quickstart").reference().figures().get(1).batchSpread());
        assertTrue(loadBroken(quickstartWith(plain, ok.replace("final.batch_acc_sd", "final.test_acc"))).getMessage()
                .contains("batchSpread names a final.batch_*_sd metric of a single run"));
        assertTrue(loadBroken(quickstartWith(plain, ok.replace("\"tolerance\": null", "\"tolerance\": 0.01"))).getMessage()
                .contains("batchSpread names a final.batch_*_sd metric of a single run"));
    }
}
