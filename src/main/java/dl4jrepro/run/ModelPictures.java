package dl4jrepro.run;

import dl4jrepro.base.AtomicFiles;
import dl4jrepro.data.InputShape;
import dl4jrepro.data.OneDimensionalData;
import dl4jrepro.data.PreparedData;
import dl4jrepro.results.ImageGrid.Row;
import dl4jrepro.results.ImageGrid.Tile;
import dl4jrepro.results.ImageGrid;
import dl4jrepro.results.RegressionPlots;
import dl4jrepro.spec.ExperimentSpec;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Pictures of a trained network and what it was fed (report 003 §2.1 and fig. 10): training images beside their
 * augmented copies, the first convolution layer's filters, and every convolution layer's feature maps for one test
 * image; a dense first layer's weights on image input, one image per hidden unit; for 1-D regression (report 003 fig. 2) the data as CSV, the fit and the weights' histogram. Written next to a
 * single run's table; searches skip them.
 */
final class ModelPictures {
    // At most 64 maps a layer: all of the MNIST CNN's; a VGG stack's 512-map layers would make a picture 17,000 px tall.
    static final int SHOWN = 10, MAPS_PER_ROW = 16, MAPS_PER_LAYER = 64, UNITS_PER_ROW = 20;

    private ModelPictures() {}

    static void write(Path dir, ExperimentSpec spec, PreparedData data, MultiLayerNetwork net) throws IOException {
        if (spec.data().isOneDimensional()) {
            regression(dir, spec, data, net);
            return;
        }
        InputShape shape = InputShape.of(spec.data());
        if (spec.data().augment() != null) augmentation(dir.resolve("augmentation.png"), spec, data, shape);
        if (net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof ConvolutionLayer) {
            filters(dir.resolve("filters.png"), spec, net);
            activations(dir.resolve("activations.png"), spec, data, net, shape);
        }
        if (FirstLayerWeights.applies(spec, net)) firstLayer(dir.resolve("first-layer.png"), spec, net, shape);
    }

    /** The course's picture of a two-layer net: each hidden unit's incoming weights as an image, 20 to a row. */
    private static void firstLayer(Path png, ExperimentSpec spec, MultiLayerNetwork net, InputShape shape) throws IOException {
        List<Tile> tiles = FirstLayerWeights.tiles(net, shape);
        List<Row> rows = new ArrayList<>();
        for (int start = 0; start < tiles.size(); start += UNITS_PER_ROW) {
            int end = Math.min(tiles.size(), start + UNITS_PER_ROW);
            rows.add(new Row("units " + (start + 1) + "–" + end, tiles.subList(start, end)));
        }
        ImageGrid.write(png, String.format(java.util.Locale.ROOT, "%s: first-layer weights of the %d hidden units "
                + "(roughness %.3f: 1 = white noise, 0 = smooth)", spec.id(), tiles.size(),
                FirstLayerWeights.roughness(net, shape)), rows, 2);
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
                float[] v = Arrays.copyOfRange(all, f * size, (f + 1) * size);
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
            int drawn = Math.min(channels, MAPS_PER_LAYER);
            for (int start = 0; start < drawn; start += MAPS_PER_ROW) {
                List<Tile> tiles = new ArrayList<>();
                for (int c = start; c < Math.min(drawn, start + MAPS_PER_ROW); c++) {
                    tiles.add(new Tile(Arrays.copyOfRange(all, c * h * wd, (c + 1) * h * wd), 1, h, wd));
                }
                rows.add(new Row("conv " + conv + ": maps " + (start + 1) + "–" + Math.min(drawn, start + MAPS_PER_ROW)
                        + (drawn < channels ? " of " + channels : "") + " (" + h + "×" + wd + ")", tiles));
            }
        }
        ImageGrid.write(png, spec.id() + ": feature maps after each convolution for one test image", rows, 3);
    }

    /** The values of any (view of an) array, in row-major order. */
    private static float[] floats(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    /** Report 003 fig. 2: the data as CSV, the fit over it with the dark intervals shaded, the weights' histogram. */
    private static void regression(Path dir, ExperimentSpec spec, PreparedData data, MultiLayerNetwork net)
            throws IOException {
        double[] trainX = concat(data.trainX(), data.valX()), trainY = concat(data.trainY(), data.valY());
        double[] testX = column(data.testX()), testY = column(data.testY());
        AtomicFiles.write(dir.resolve("train.csv"), new OneDimensionalData.Points(trainX, trainY).csv());
        AtomicFiles.write(dir.resolve("test.csv"), new OneDimensionalData.Points(testX, testY).csv());
        double lo = Math.min(min(trainX), min(testX)), hi = Math.max(max(trainX), max(testX));
        List<double[]> dark = new ArrayList<>();
        if (spec.data().function() != null) {
            lo = spec.data().function().xMin();
            hi = spec.data().function().xMax();
            for (List<Double> d : spec.data().function().dark()) dark.add(new double[] {d.get(0), d.get(1)});
        }
        int n = 400;
        float[] grid = new float[n];
        for (int i = 0; i < n; i++) grid[i] = (float) (lo + (hi - lo) * i / (n - 1));
        INDArray out = net.output(Nd4j.create(grid, new long[] {n, 1}, DataType.FLOAT), false);
        double[] gx = new double[n];
        for (int i = 0; i < n; i++) gx[i] = grid[i];
        RegressionPlots.fit(dir.resolve("fit.png"), spec.id() + ": the network over the training and test points",
                trainX, trainY, testX, testY, gx, column(out), dark);
        List<Double> weights = new ArrayList<>();
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            if (p.getKey().endsWith("_W")) for (float w : floats(p.getValue())) weights.add((double) w);
        }
        RegressionPlots.weights(dir.resolve("weights.png"), spec.id() + ": the " + weights.size() + " trained weights",
                weights.stream().mapToDouble(Double::doubleValue).toArray(), 40);
    }

    private static double[] column(INDArray a) {
        float[] f = floats(a);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static double[] concat(INDArray a, INDArray b) {
        double[] x = column(a), y = b.isEmpty() ? new double[0] : column(b);
        double[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(1);
    }

    private static Layer layer(MultiLayerNetwork net, int i) {
        return net.getLayerWiseConfigurations().getConf(i).getLayer();
    }

    private static Tile tile(INDArray row, InputShape shape) {
        return new Tile(floats(row), shape.channels(), shape.height(), shape.width());
    }
}
