package dl4jrepro;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages depend one way: command line → runners → speed-ups → families and training → data and results → spec
 * and base. A new import against that order, or any cycle, fails here.
 */
class ArchitectureTest {
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dl4jrepro");

    @Test
    void noPackageCycles() {
        slices().matching("dl4jrepro.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void dependenciesPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("mains").definedBy("dl4jrepro.experiments..")
                .layer("command line").definedBy("dl4jrepro.cli..")
                .layer("cluster").definedBy("dl4jrepro.cluster..")
                .layer("dashboard").definedBy("dl4jrepro.serve..")
                .layer("runners").definedBy("dl4jrepro.run..", "dl4jrepro.search..", "dl4jrepro.checks..")
                .layer("speed-ups").definedBy("dl4jrepro.speedups..")
                .layer("families").definedBy("dl4jrepro.families..", "dl4jrepro.layers..")
                .layer("training").definedBy("dl4jrepro.train..")
                .layer("training UI").definedBy("dl4jrepro.ui..")
                .layer("results").definedBy("dl4jrepro.results..")
                .layer("data").definedBy("dl4jrepro.data..")
                .layer("spec").definedBy("dl4jrepro.spec..")
                .layer("backend").definedBy("dl4jrepro.backend..")
                .layer("base").definedBy("dl4jrepro.base..")
                .whereLayer("mains").mayNotBeAccessedByAnyLayer()
                .whereLayer("command line").mayOnlyBeAccessedByLayers("mains")
                .whereLayer("cluster").mayOnlyBeAccessedByLayers("command line")
                .whereLayer("dashboard").mayOnlyBeAccessedByLayers("command line")
                .whereLayer("runners").mayOnlyBeAccessedByLayers("command line", "cluster")
                .whereLayer("speed-ups").mayOnlyBeAccessedByLayers("runners", "command line")
                .whereLayer("families").mayOnlyBeAccessedByLayers("speed-ups", "runners")
                .whereLayer("training").mayOnlyBeAccessedByLayers("speed-ups", "runners")
                .whereLayer("training UI").mayOnlyBeAccessedByLayers("runners", "command line")
                .whereLayer("results").mayOnlyBeAccessedByLayers("runners", "cluster", "dashboard", "command line")
                .whereLayer("data").mayOnlyBeAccessedByLayers("results", "training", "families", "runners", "cluster")
                .whereLayer("spec").mayOnlyBeAccessedByLayers("data", "results", "training", "families", "runners",
                        "cluster", "dashboard", "command line")
                .whereLayer("backend").mayOnlyBeAccessedByLayers("speed-ups", "runners", "cluster")
                .check(MAIN);
    }
}
