package dl4jrepro.run;

import dl4jrepro.data.InputShape;
import dl4jrepro.data.PreparedData;
import dl4jrepro.results.ImageGrid;
import dl4jrepro.results.ImageGrid.Row;
import dl4jrepro.results.ImageGrid.Tile;
import dl4jrepro.spec.ExperimentSpec;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pictures of a trained network and what it was fed (report 003 §2.1 and fig. 10): training images beside their
 * augmented copies, the first convolution layer's filters, and every convolution layer's feature maps for one test
 * image. Written next to a single run's table; searches skip them.
 */
final class ModelPictures {
    static final int SHOWN = 10, MAPS_PER_ROW = 16;

    private ModelPictures() {}

    static void write(Path dir, ExperimentSpec spec, PreparedData data, MultiLayerNetwork net) throws IOException {
        InputShape shape = InputShape.of(spec.data());
        if (spec.data().augment() != null) augmentation(dir.resolve("augmentation.png"), spec, data, shape);
        if (net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof ConvolutionLayer) {
            filters(dir.resolve("filters.png"), spec, net);
            activations(dir.resolve("activations.png"), spec, data, net, shape);
        }
    }

    /** The training split holds each original followed by its copies (see AffineAugmentation). */
    private static void augmentation(Path png, ExperimentSpec spec, PreparedData data, InputShape shape) throws IOException {
        int stride = spec.data().augment().copies() + 1;
        List<Row> rows = new ArrayList<>();
        for (int copy = 0; copy < stride; copy++) {
            List<Tile> tiles = new ArrayList<>();
            for (int i = 0; i < SHOWN && (long) i * stride < data.trainX().rows(); i++) {
                tiles.add(tile(data.trainX().getRow((long) i * stride + copy), shape));
            }
            rows.add(new Row(copy == 0 ? "original" : "augmented copy" + (stride > 2 ? " " + copy : ""), tiles));
        }
        ImageGrid.write(png, spec.id() + ": the first " + SHOWN + " training images and their random affine copies", rows, 4);
    }

    private static void filters(Path png, ExperimentSpec spec, MultiLayerNetwork net) throws IOException {
        INDArray w = net.getParam("0_W");   // [filters, channels, kernel, kernel]
        int filters = (int) w.size(0), channels = (int) w.size(1), kh = (int) w.size(2), kw = (int) w.size(3);
        // Sliced by hand: in ND4J M2.1, get(point(last)) on a parameter view returned an empty array.
        float[] all = floats(w);
        int size = channels * kh * kw;
        List<Row> rows = new ArrayList<>();
        for (int start = 0; start < filters; start += 16) {
            List<Tile> tiles = new ArrayList<>();
            for (int f = start; f < Math.min(filters, start + 16); f++) {
                float[] v = java.util.Arrays.copyOfRange(all, f * size, (f + 1) * size);
                tiles.add(new Tile(v, channels == 3 ? 3 : 1, kh, kw));
            }
            rows.add(new Row("filters " + (start + 1) + "–" + Math.min(filters, start + 16), tiles));
        }
        ImageGrid.write(png, spec.id() + ": first convolution layer, " + filters + " filters of " + kh + "×" + kw
                + (channels == 3 ? " (RGB)" : ""), rows, 12);
    }

    /**
     * Feature maps after each convolution's activation for one test image: the first test "9" on MNIST, as report 003
     * fig. 10b shows, else the first test image.
     */
    private static void activations(Path png, ExperimentSpec spec, PreparedData data, MultiLayerNetwork net,
                                    InputShape shape) throws IOException {
        int index = 0;
        INDArray labels = data.testY().argMax(1);
        if (spec.data().dataset().equals("mnist")) {
            for (int i = 0; i < labels.length(); i++) {
                if (labels.getInt(i) == 9) {
                    index = i;
                    break;
                }
            }
        }
        INDArray x = data.testX().getRow(index, true);
        List<INDArray> outputs = net.feedForward(x, false);   // [input, layer 0, layer 1, ...]
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("input (test #" + index + ")", List.of(tile(x.getRow(0), shape))));
        int conv = 0;
        for (int i = 0; i < net.getnLayers(); i++) {
            if (!(layer(net, i) instanceof ConvolutionLayer)) continue;
            conv++;
            int shown = i;
            // With batch norm the convolution is linear; its activation comes two layers later.
            if (i + 2 < net.getnLayers() && layer(net, i + 1) instanceof BatchNormalization
                    && layer(net, i + 2) instanceof ActivationLayer) shown = i + 2;
            INDArray maps = outputs.get(shown + 1);   // [1, channels, height, width]
            int channels = (int) maps.size(1), h = (int) maps.size(2), wd = (int) maps.size(3);
            float[] all = floats(maps);
            for (int start = 0; start < channels; start += MAPS_PER_ROW) {
                List<Tile> tiles = new ArrayList<>();
                for (int c = start; c < Math.min(channels, start + MAPS_PER_ROW); c++) {
                    tiles.add(new Tile(java.util.Arrays.copyOfRange(all, c * h * wd, (c + 1) * h * wd), 1, h, wd));
                }
                rows.add(new Row("conv " + conv + ": maps " + (start + 1) + "–" + Math.min(channels, start + MAPS_PER_ROW),
                        tiles));
            }
        }
        ImageGrid.write(png, spec.id() + ": feature maps after each convolution for one test image", rows, 3);
    }

    /** The values of any (view of an) array, in row-major order. */
    private static float[] floats(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    private static Layer layer(MultiLayerNetwork net, int i) {
        return net.getLayerWiseConfigurations().getConf(i).getLayer();
    }

    private static Tile tile(INDArray row, InputShape shape) {
        return new Tile(floats(row), shape.channels(), shape.height(), shape.width());
    }
}
