package dl4jrepro.train;

import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.InputShape;
import dl4jrepro.data.PreparedData;
import dl4jrepro.families.CnnFamily;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** C1's CNN made small (4 and 8 filters, a dense layer of 16, batch 32) and a few hundred MNIST digits to train it on. */
final class SmallMnistCnn {
    static final ExperimentSpec SPEC = new SpecCatalog(Path.of("experiments")).load("mnist-cnn-003");

    private SmallMnistCnn() {}

    /** 200 training digits, {@code val} validation digits after them, 100 test digits, normalised as C1's. */
    static PreparedData data(int val) {
        return new DatasetRepository(DataLocations.resolve(null)).prepare(new ExperimentSpec.DataSpec("mnist", 200, val,
                "last", 100, "scale-01-normalize", null, SPEC.data().normalize(), null), 1);
    }

    /** The net, initialised (which seeds ND4J's generator, the one dropout's masks draw from). */
    static MultiLayerNetwork net(boolean dropout) {
        Map<String, Object> m = new LinkedHashMap<>(SPEC.hyperparameters());
        m.put("blocks", List.of(List.of(4, 8)));
        m.put("dense", List.of(16));
        if (!dropout) {
            m.put("dropoutConv", 0.0);
            m.put("dropoutDense", 0.0);
        }
        m.put("batch", 32);
        MultiLayerNetwork net = new MultiLayerNetwork(new CnnFamily().configure(new Hyperparameters("t", m),
                InputShape.of(SPEC.data()), 10, 5, 7));
        net.init();
        return net;
    }
}
