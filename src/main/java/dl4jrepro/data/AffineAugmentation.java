package dl4jrepro.data;

import dl4jrepro.spec.ExperimentSpec.Augment;

import java.util.Random;

/**
 * Randomly rotated, sheared and shifted copies of images (report 003: "a copy of the train set was randomly rotated,
 * translated and sheared"), drawn the way torchvision's RandomAffine draws them; see {@link Augment} for the ranges.
 * Written by hand because DataVec's image transforms need the OpenCV natives this project leaves out.
 */
public final class AffineAugmentation {
    private AffineAugmentation() {}

    /**
     * @param images  {@code n} rows of raw pixels (0-255), channel planes one after another
     * @return {@code n × (copies + 1)} rows: each original followed by its copies, so any prefix holds originals and
     *         their copies alike (a quick run's training subset is augmented too)
     */
    public static float[] withCopies(float[] images, int n, InputShape shape, Augment augment, long seed) {
        int d = shape.features(), stride = augment.copies() + 1;
        float[] out = new float[n * stride * d];
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            System.arraycopy(images, i * d, out, i * stride * d, d);
            for (int c = 1; c <= augment.copies(); c++) {
                double angle = Math.toRadians(uniform(random, augment.rotateDegrees()));
                double shear = Math.toRadians(uniform(random, augment.shearDegrees()));
                double tx = Math.round(uniform(random, augment.translate() * shape.width()));
                double ty = Math.round(uniform(random, augment.translate() * shape.height()));
                // Drawn only when asked for, so the copies of specs without flips stay what they were.
                boolean mirror = augment.mirrors() && random.nextBoolean();
                warp(images, i * d, out, (i * stride + c) * d, shape, angle, shear, tx, ty, mirror);
            }
        }
        return out;
    }

    private static double uniform(Random random, double halfWidth) {
        return (2 * random.nextDouble() - 1) * halfWidth;
    }

    /**
     * Writes the image moved by T(centre + t) · R(angle) · Shear_x(shear) · T(−centre), sampling the source bilinearly
     * at the inverse-mapped position of every output pixel; outside the source is 0 (black). With {@code mirror} the
     * result is then flipped left to right.
     */
    static void warp(float[] src, int srcOffset, float[] dst, int dstOffset, InputShape s, double angle, double shear,
                     double tx, double ty, boolean mirror) {
        int h = s.height(), w = s.width(), plane = h * w;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        double cos = Math.cos(angle), sin = Math.sin(angle), tan = Math.tan(shear);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (mirror ? w - 1 - x : x) - cx - tx, v = y - cy - ty;
                double ur = cos * u + sin * v, vr = -sin * u + cos * v;   // undo the rotation
                double sx = ur - tan * vr + cx, sy = vr + cy;             // undo the shear, back to pixel coordinates
                for (int c = 0; c < s.channels(); c++) {
                    dst[dstOffset + c * plane + y * w + x] = bilinear(src, srcOffset + c * plane, w, h, sx, sy);
                }
            }
        }
    }

    private static float bilinear(float[] img, int offset, int w, int h, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        return (float) ((1 - fx) * (1 - fy) * at(img, offset, w, h, x0, y0) + fx * (1 - fy) * at(img, offset, w, h, x0 + 1, y0)
                + (1 - fx) * fy * at(img, offset, w, h, x0, y0 + 1) + fx * fy * at(img, offset, w, h, x0 + 1, y0 + 1));
    }

    private static float at(float[] img, int offset, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : img[offset + y * w + x];
    }
}
