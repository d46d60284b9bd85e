package dl4jrepro.results;

import dl4jrepro.base.AtomicFiles;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Small images laid out in labelled rows, as one PNG: digits beside their augmented copies, conv filters, feature maps.
 * Each tile is stretched to its own min-max range (grey, or RGB for 3-channel tiles) and scaled up without smoothing;
 * a key under the grid says so, with the grey scale from a tile's lowest value to its highest.
 */
public final class ImageGrid {
    private static final int GAP = 4, TITLE_HEIGHT = 28, MIN_TILE = 24, KEY_HEIGHT = 26, KEY_BAR = 120;
    static final String KEY = "each tile stretched to its own range: its lowest value black, its highest white"
            + " (RGB tiles: each channel)";

    /** One tile: {@code channels} planes of height × width values, planes one after another. */
    public record Tile(float[] values, int channels, int height, int width) {}

    /** A labelled row of tiles. */
    public record Row(String label, List<Tile> tiles) {}

    private ImageGrid() {}

    /**
     * @param scale pixels per value along each side; rows of small tiles (a deep layer's 2×2 feature maps) are scaled
     *              up further so that no tile is drawn smaller than {@value #MIN_TILE} pixels
     */
    public static void write(Path png, String title, List<Row> rows, int scale) throws IOException {
        int[] rowScale = new int[rows.size()], rowH = new int[rows.size()], rowW = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            List<Tile> tiles = rows.get(r).tiles();
            int h = tiles.stream().mapToInt(Tile::height).max().orElse(1), w = tiles.stream().mapToInt(Tile::width).max().orElse(1);
            rowScale[r] = Math.max(scale, (MIN_TILE + Math.max(h, w) - 1) / Math.max(h, w));
            rowH[r] = h * rowScale[r];
            rowW[r] = w * rowScale[r];
        }
        int cols = rows.stream().mapToInt(r -> r.tiles().size()).max().orElse(1);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        FontMetrics metrics = probe.getFontMetrics(labelFont);
        probe.dispose();
        int labelWidth = rows.stream().mapToInt(r -> metrics.stringWidth(r.label())).max().orElse(0) + 3 * GAP;
        int keyWidth = GAP + KEY_BAR + 2 * GAP + metrics.stringWidth(KEY) + GAP;
        int width = Math.max(keyWidth, labelWidth + cols * (Arrays.stream(rowW).max().orElse(1) + GAP) + GAP);
        int height = TITLE_HEIGHT + Arrays.stream(rowH).map(h -> h + GAP).sum() + GAP + KEY_HEIGHT;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, GAP, 19);
        g.setFont(labelFont);
        int y = TITLE_HEIGHT;
        for (int r = 0; r < rows.size(); r++) {
            g.setColor(Color.BLACK);
            g.drawString(rows.get(r).label(), GAP, y + rowH[r] / 2 + 5);
            List<Tile> tiles = rows.get(r).tiles();
            for (int c = 0; c < tiles.size(); c++) draw(img, tiles.get(c), labelWidth + c * (rowW[r] + GAP), y, rowScale[r]);
            y += rowH[r] + GAP;
        }
        drawKey(g, y + GAP);
        g.dispose();
        Path tmp = AtomicFiles.tempBeside(png);
        try {
            ImageIO.write(img, "png", tmp.toFile());
            AtomicFiles.moveInto(tmp, png);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The grey scale from black (a tile's lowest value) to white (its highest), framed, and what it means. */
    private static void drawKey(Graphics2D g, int y) {
        for (int x = 0; x < KEY_BAR; x++) {
            int grey = Math.round(255f * x / (KEY_BAR - 1));
            g.setColor(new Color(grey, grey, grey));
            g.drawLine(GAP + x, y, GAP + x, y + 12);
        }
        g.setColor(Color.GRAY);
        g.drawRect(GAP, y, KEY_BAR - 1, 12);
        g.setColor(Color.BLACK);
        g.drawString(KEY, GAP + KEY_BAR + 2 * GAP, y + 11);
    }

    private static void draw(BufferedImage img, Tile t, int x0, int y0, int scale) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float v : t.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max > min ? max - min : 1;
        int plane = t.height() * t.width();
        for (int y = 0; y < t.height(); y++) {
            for (int x = 0; x < t.width(); x++) {
                int[] rgb = new int[3];
                for (int k = 0; k < 3; k++) {
                    int ch = t.channels() == 3 ? k : 0;
                    rgb[k] = Math.round(255 * (t.values()[ch * plane + y * t.width() + x] - min) / range);
                }
                int colour = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, colour);
                }
            }
        }
    }
}
