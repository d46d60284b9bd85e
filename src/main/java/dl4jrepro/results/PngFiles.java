package dl4jrepro.results;

import dl4jrepro.base.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Saves XChart charts as one PNG, atomically like every other result file. */
final class PngFiles {
    private PngFiles() {}

    static void save(Path png, List<? extends Chart<?, ?>> charts, int rows, int cols) throws IOException {
        // XChart appends ".png" unless the name ends with it, so the temporary name does.
        Path tmp = AtomicFiles.tempBeside(png).resolveSibling("." + png.getFileName() + ".tmp.png");
        try {
            BitmapEncoder.saveBitmap(List.copyOf(charts), rows, cols, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            AtomicFiles.moveInto(tmp, png);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
