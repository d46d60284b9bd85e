package dl4jrepro.search;

import dl4jrepro.data.InputShape;
import dl4jrepro.families.Families;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.run.RunRequest;
import dl4jrepro.run.TrialRunner;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

/** Every spec of the catalogue passes the checks a run makes before training, every trial of every search included. */
class CatalogueSpecsTest {
    @Test
    void everySpecAndEveryTrialValidates() {
        Path experiments = Path.of("experiments");
        for (ExperimentSpec spec : new SpecCatalog(experiments).all()) {
            for (boolean quick : new boolean[] {false, true}) {
                RunRequest request = new RunRequest(spec.id(), quick, null, Map.of(), null, "auto", 0, null, 1,
                        experiments, Path.of("results"), "test", null);
                request.speedupsFor(spec);
                switch (spec.kind()) {
                    case SEARCH -> SearchRunner.plan(spec, request);
                    case RUN -> TrialRunner.validate(ResolvedConfig.of(spec, quick, Map.of()));
                    case CHECK -> spec.check().nets().forEach(n -> Families.byName(spec.family()).validate(
                            ResolvedConfig.of(spec, false, n.overrides()).hyperparameters(), InputShape.of(spec.data())));
                }
            }
        }
    }
}
