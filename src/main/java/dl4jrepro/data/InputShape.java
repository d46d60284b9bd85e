package dl4jrepro.data;

import dl4jrepro.spec.ExperimentSpec.DataSpec;

/**
 * What one example looks like to a network: {@code channels} planes of {@code height} × {@code width} values, stored
 * row by row as a flat feature vector (channel planes one after another, as the CIFAR-10 binaries have them). Known from
 * the spec alone, so a family can check its layer stack before any data is read.
 */
public record InputShape(int channels, int height, int width) {

    public int features() {
        return channels * height * width;
    }

    /** Whether the features are still pixels in place (false after a projection such as PCA). */
    public boolean isImage() {
        return height > 1;
    }

    public static InputShape of(DataSpec data) {
        if (data.pca() != null) return new InputShape(1, 1, data.pca());
        if (data.isOneDimensional()) return new InputShape(1, 1, 1);
        return switch (data.dataset()) {
            case "cifar10" -> new InputShape(3, 32, 32);
            case "mnist" -> new InputShape(1, 28, 28);
            case "toy-000" -> new InputShape(1, 1, 4);
            default -> throw new IllegalArgumentException("no input shape for data set " + data.dataset());
        };
    }

    @Override
    public String toString() {
        return channels + "×" + height + "×" + width;
    }
}
