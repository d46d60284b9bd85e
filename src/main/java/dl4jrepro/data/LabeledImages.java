package dl4jrepro.data;

import java.util.Map;

/**
 * Images as read from disk, before any preprocessing: {@code count} rows of {@code features} unsigned bytes each
 * (row-major, channel planes one after another for colour images) and one label byte per row.
 *
 * @param checksums md5 of every file the images came from, by file name, for provenance
 */
public record LabeledImages(byte[] pixels, byte[] labels, int count, int features, Map<String, String> checksums) {

    public int label(int row) {
        return labels[row] & 0xff;
    }

    public int pixel(int row, int feature) {
        return pixels[row * features + feature] & 0xff;
    }
}
