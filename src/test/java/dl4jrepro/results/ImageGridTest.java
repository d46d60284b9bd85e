package dl4jrepro.results;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageGridTest {

    @Test
    void smallFeatureMapsAreScaledUpAndTilesKeepTheirValuesOrder(@TempDir Path dir) throws Exception {
        // A 2×2 map with its largest value top left and smallest bottom right, beside a 28×28 row at scale 3.
        ImageGrid.Tile small = new ImageGrid.Tile(new float[] {4, 2, 3, 1}, 1, 2, 2);
        ImageGrid.Tile digit = new ImageGrid.Tile(new float[28 * 28], 1, 28, 28);
        Path png = dir.resolve("grid.png");
        ImageGrid.write(png, "t", List.of(new ImageGrid.Row("a long label for a row of digits", List.of(digit)),
                new ImageGrid.Row("deep layer", List.of(small, small))), 3);
        BufferedImage img = ImageIO.read(png.toFile());
        // title 28, the digit row 84 + 4, the small row scaled to 24 (not 6) + 4, a last gap of 4, the key 26
        assertEquals(28 + 88 + 28 + 4 + 26, img.getHeight());
        int y0 = 28 + 88, x0 = 0;
        // The first small tile's left edge: its bottom-left quarter (value 3) is the first non-white pixel below the label.
        while ((img.getRGB(x0, y0 + 20) & 0xFFFFFF) == 0xFFFFFF) x0++;
        assertTrue(x0 > 150, "label column " + x0 + " px holds the long label");
        assertEquals(0xFFFFFF, img.getRGB(x0 + 1, y0 + 1) & 0xFFFFFF, "largest value white");
        assertEquals(0x000000, img.getRGB(x0 + 23, y0 + 23) & 0xFFFFFF, "smallest value black");
        // The key: the grey scale runs from black on the left to white on the right.
        int keyY = img.getHeight() - 26 + 6;
        assertTrue((img.getRGB(6, keyY) & 0xFF) < 10, "key starts black");
        assertTrue((img.getRGB(4 + 118, keyY) & 0xFF) > 245, "key ends white");
    }
}
