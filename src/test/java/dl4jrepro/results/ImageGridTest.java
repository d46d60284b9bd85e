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
        // title 28, the digit row 84 + 4, the small row scaled to 24 (not 6) + 4, a last gap of 4
        assertEquals(28 + 88 + 28 + 4, img.getHeight());
        int x0 = img.getWidth() - 2 * (84 + 4) - 4;   // the label column is as wide as the longest label needs
        assertTrue(x0 > 150, "label column " + x0 + " px holds the long label");
        int y0 = 28 + 88;
        assertEquals(0xFFFFFF, img.getRGB(x0 + 1, y0 + 1) & 0xFFFFFF, "largest value white");
        assertEquals(0x000000, img.getRGB(x0 + 23, y0 + 23) & 0xFFFFFF, "smallest value black");
    }
}
