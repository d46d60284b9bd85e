package dl4jrepro.bench;

import dl4jrepro.families.Families;
import dl4jrepro.spec.Hyperparameters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmark's catalogue models are the specs' networks; what their PyTorch twins are checked against. */
class TwinShapeTest {
    @Test
    void theMnistCnnOfTheCatalogueHasItsCountedParametersAndShapes() throws Exception {
        PeerBenchmark.PeerModel c1 = PeerBenchmark.Workload.read(PeerBenchmark.Workload.CATALOGUE).models()
                .stream().filter(m -> m.name().equals("c1_mnist_cnn")).findFirst().orElseThrow();
        assertEquals("CnnFamily", c1.family());
        assertEquals(List.of(1, 28, 28), c1.input());
        var conf = Families.byName(c1.family()).configure(new Hyperparameters(c1.name(), c1.hyperparameters()), c1.shape(),
                10, 1, 100);
        TwinShape shape = TwinShape.of(conf, c1.shape(), true);
        // conv 5×5 1→32 and 32→64 (valid), batch norm's scale and shift on 32, 64 and 512 units, dense 6,400→512, out 512→10
        long counted = (25 * 32 + 32) + 2 * 32 + (25 * 32 * 64 + 64) + 2 * 64 + (6400L * 512 + 512) + 2 * 512 + (512 * 10 + 10);
        assertEquals(counted, shape.parameters());
        assertEquals(List.of(List.of(32L, 24L, 24L), List.of(64L, 20L, 20L), List.of(512L), List.of(10L)), shape.layerOutputs());
    }
}
