package dl4jrepro.run;

import dl4jrepro.data.InputShape;
import dl4jrepro.results.ImageGrid.Tile;
import dl4jrepro.spec.ExperimentSpec;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A dense first layer on image input, read as images: hidden unit j's incoming weights, column j of W, laid out as
 * the input image was (channels × height × width), as the course draws a two-layer net's features (report 001 figs 1
 * and 2). Its roughness puts a number on what the report sees in them: "noisy" at a poor setting, "smooth" at a good
 * one.
 */
final class FirstLayerWeights {
    private FirstLayerWeights() {}

    /**
     * Whether the net's first layer is dense, its input an image (not PCA components, not 1-D regression data) and its
     * weights finite (a diverged run's are NaN).
     */
    static boolean applies(ExperimentSpec spec, MultiLayerNetwork net) {
        if (spec.data().pca() != null || spec.data().isOneDimensional()) return false;
        return net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof DenseLayer
                && Double.isFinite(net.getParam("0_W").sumNumber().doubleValue());
    }

    /** One tile per hidden unit, in the input's layout. */
    static List<Tile> tiles(MultiLayerNetwork net, InputShape shape) {
        float[][] units = units(net.getParam("0_W"));
        List<Tile> tiles = new ArrayList<>(units.length);
        for (float[] u : units) tiles.add(new Tile(u, shape.channels(), shape.height(), shape.width()));
        return tiles;
    }

    /**
     * Mean over hidden units of E[(w_p − w_q)²] / (2 var(w)), with p, q horizontally or vertically adjacent pixels of
     * the same channel: 1 for weights that are white noise, towards 0 for images that vary smoothly.
     */
    static double roughness(MultiLayerNetwork net, InputShape shape) {
        return roughness(net.getParam("0_W"), shape);
    }

    /** @param weights [inputs, hidden], as DL4J's dense layer holds them */
    static double roughness(INDArray weights, InputShape shape) {
        int c = shape.channels(), h = shape.height(), w = shape.width();
        double sum = 0;
        float[][] units = units(weights);
        for (float[] u : units) {
            double mean = 0;
            for (float v : u) mean += v;
            mean /= u.length;
            double var = 0;
            for (float v : u) var += (v - mean) * (v - mean);
            var /= u.length;
            double diff = 0;
            long pairs = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int i = (ch * h + y) * w + x;
                        if (x + 1 < w) {
                            diff += sq(u[i + 1] - u[i]);
                            pairs++;
                        }
                        if (y + 1 < h) {
                            diff += sq(u[i + w] - u[i]);
                            pairs++;
                        }
                    }
                }
            }
            sum += var == 0 ? 0 : diff / pairs / (2 * var);
        }
        return sum / units.length;
    }

    private static double sq(double v) {
        return v * v;
    }

    /** W is [inputs, hidden]: each column is one unit's image. */
    private static float[][] units(INDArray weights) {
        INDArray wT = weights.transpose().dup('c');
        float[][] units = new float[(int) wT.rows()][];
        for (int j = 0; j < units.length; j++) units[j] = wT.getRow(j).toFloatVector();
        return units;
    }
}
