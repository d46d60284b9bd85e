package dl4jrepro.run;

import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.ExperimentSpec.Augment;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Search configurations and --set change the data's augmentation like any other setting, checked like a spec. */
class ResolvedConfigTest {
    private static final SpecCatalog CATALOG = new SpecCatalog(Path.of("experiments"));
    private static final ExperimentSpec CIFAR = CATALOG.load("cifar-cnn-004");

    @Test
    void anAugmentationFromASearchConfigOrFromTextReplacesTheSpecs() {
        Map<String, Object> typed = Map.of("copies", 2, "rotateDegrees", 0, "translate", 0.125, "shearDegrees", 0, "flip", true);
        Augment a = ResolvedConfig.of(CIFAR, false, Map.of(ResolvedConfig.AUGMENT, typed)).spec().data().augment();
        assertEquals(new Augment(2, 0, 0.125, 0, true), a);
        String text = "{\"copies\": 2, \"rotateDegrees\": 0, \"translate\": 0.125, \"shearDegrees\": 0, \"flip\": true}";
        assertEquals(a, ResolvedConfig.of(CIFAR, false, Map.of(ResolvedConfig.AUGMENT, text)).spec().data().augment());
        assertNull(CIFAR.data().augment(), "the spec itself is unchanged");

        ExperimentSpec mnist = CATALOG.load("mnist-cnn-003");
        assertTrue(mnist.data().augment() != null);
        assertNull(ResolvedConfig.of(mnist, false, Map.of(ResolvedConfig.AUGMENT, "none")).spec().data().augment());
    }

    @Test
    void impossibleOrMalformedAugmentationIsOneLineNamingTheRule() {
        UserError range = assertThrows(UserError.class, () -> ResolvedConfig.of(CIFAR, false, Map.of(ResolvedConfig.AUGMENT,
                Map.of("copies", 0, "rotateDegrees", 0, "translate", 0.1, "shearDegrees", 0))));
        assertTrue(range.getMessage().contains("copies ≥ 1"), range.getMessage());
        UserError text = assertThrows(UserError.class,
                () -> ResolvedConfig.of(CIFAR, false, Map.of(ResolvedConfig.AUGMENT, "{copies: two")));
        assertTrue(text.getMessage().startsWith("data.augment={copies: two: give \"none\" or an object"), text.getMessage());
        UserError oneD = assertThrows(UserError.class, () -> ResolvedConfig.of(CATALOG.load("regression-selu-003"), false,
                Map.of(ResolvedConfig.AUGMENT, Map.of("copies", 1, "rotateDegrees", 0, "translate", 0.1, "shearDegrees", 0))));
        assertTrue(oneD.getMessage().contains("works on images"), oneD.getMessage());
    }
}
