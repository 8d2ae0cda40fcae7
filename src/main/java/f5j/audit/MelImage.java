package f5j.audit;

import f5j.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Mel spectrograms as PNG pictures (frames left to right, low mel bins at the bottom) for the HTML report. */
public final class MelImage {
    private MelImage() {}

    /** Colour stops of a perceptually ordered map (dark blue, purple, orange, yellow). */
    private static final int[][] STOPS = {{13, 8, 135}, {126, 3, 168}, {204, 71, 120}, {248, 149, 64}, {240, 249, 33}};

    /**
     * A {@code [1] n bins} mel as an image, each value scaled between the tensor's min and max ({@code lo},
     * {@code hi} when not NaN, so two pictures can share a scale); non-finite values are drawn white.
     */
    public static BufferedImage render(Tensor mel, double lo, double hi, int xScale, int yScale) {
        int n = mel.dim(-2), bins = mel.dim(-1);
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            double[] r = range(mel.data);
            lo = r[0];
            hi = r[1];
        }
        double span = hi > lo ? hi - lo : 1;
        BufferedImage img = new BufferedImage(Math.max(1, n * xScale), bins * yScale, BufferedImage.TYPE_INT_RGB);
        for (int f = 0; f < n; f++) {
            for (int b = 0; b < bins; b++) {
                float v = mel.data[f * bins + b];
                int rgb = Float.isFinite(v) ? color((v - lo) / span) : 0xffffff;
                for (int dx = 0; dx < xScale; dx++)
                    for (int dy = 0; dy < yScale; dy++) img.setRGB(f * xScale + dx, (bins - 1 - b) * yScale + dy, rgb);
            }
        }
        return img;
    }

    /** |a - b| over the frames both cover. */
    public static Tensor absDiff(Tensor a, Tensor b) {
        Tensor[] c = LayerCompare.common(a, b);
        float[] d = new float[c[0].data.length];
        for (int i = 0; i < d.length; i++) d[i] = Math.abs(c[0].data[i] - c[1].data[i]);
        return new Tensor(d, c[0].shape);
    }

    static double[] range(float[] a) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float v : a) {
            if (!Float.isFinite(v)) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return lo <= hi ? new double[]{lo, hi} : new double[]{0, 1};
    }

    static int color(double x) {
        x = Math.max(0, Math.min(1, x)) * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) x);
        double t = x - i;
        int r = (int) Math.round(STOPS[i][0] + t * (STOPS[i + 1][0] - STOPS[i][0]));
        int g = (int) Math.round(STOPS[i][1] + t * (STOPS[i + 1][1] - STOPS[i][1]));
        int b = (int) Math.round(STOPS[i][2] + t * (STOPS[i + 1][2] - STOPS[i][2]));
        return (r << 16) | (g << 8) | b;
    }

    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String dataUri(BufferedImage img) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(img));
    }
}
