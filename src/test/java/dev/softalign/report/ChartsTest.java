package dev.softalign.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    static final double[] X = {2, 4, 6, 8};

    static Lines lines() {
        return new Lines("depth", "accuracy", List.of(Series.meanSd("BP", X, new double[][] {{85, 84, 84, 83}, {87, 86, 84, 83}}),
                Series.of("FA", X, new double[] {80, 70, Double.NaN, 40})));
    }

    static List<Plot> allKinds() {
        return List.of(lines(), lines().logY(true),
                new Bars("depth", "accuracy", List.of("2", "4"), List.of(new Bars.Group("BP", new double[] {85, 84},
                        new double[] {1, 2}), new Bars.Group("FA", new double[] {80, Double.NaN}, null))),
                new Heatmap("alpha", "beta", "loss", new double[] {-1, 0, 1}, new double[] {-1, 1},
                        new double[][] {{3, 1, 3}, {2, 0.5, Double.NaN}}),
                new Density("eigenvalue", List.of(new Density.Sample("BP", new double[] {0, 1, 5}, new double[] {0.5, 0.3, 0.2}))));
    }

    @Test
    void everyKindRendersADecodablePngAndAnSvg() throws Exception {
        for (Plot p : allKinds()) {
            Figure f = new Figure("f", "title", "caption", p);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Charts.render(f, ImageFormat.PNG)));
            assertNotNull(img, p.getClass().getSimpleName());
            assertEquals(Charts.WIDTH, img.getWidth());
            assertEquals(Charts.HEIGHT, img.getHeight());
            assertTrue(distinctColours(img) > 5, "a drawn chart, not a blank image: " + p.getClass().getSimpleName());
            String svg = new String(Charts.render(f, ImageFormat.SVG), StandardCharsets.UTF_8);
            assertTrue(svg.contains("<svg"), p.getClass().getSimpleName());
        }
    }

    static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> c = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                c.add(img.getRGB(x, y));
            }
        }
        return c.size();
    }

    @Test
    void csvHoldsThePlottedNumbers(@TempDir Path dir) throws Exception {
        Path image = Charts.write(new Figure("acc", "t", "c", lines()), dir, ImageFormat.PNG);
        assertEquals(dir.resolve("acc.png"), image);
        List<String> csv = Files.readAllLines(dir.resolve("acc.csv"));
        assertEquals("series,x,y,err", csv.get(0));
        assertEquals(9, csv.size());
        // BP at depth 2: mean of 85 and 87, sample sd sqrt(2).
        String[] row = csv.get(1).split(",");
        assertEquals("BP", row[0]);
        assertEquals(2.0, Double.parseDouble(row[1]));
        assertEquals(86.0, Double.parseDouble(row[2]), 1e-12);
        assertEquals(Math.sqrt(2), Double.parseDouble(row[3]), 1e-12);
    }

    @Test
    void meanAndSdSkipNaNs() {
        assertEquals(2.0, Stats.mean(new double[] {1, 3, Double.NaN}));
        assertEquals(Math.sqrt(2), Stats.sd(new double[] {1, 3, Double.NaN}), 1e-15);
        assertEquals(0.0, Stats.sd(new double[] {5}));
        assertTrue(Double.isNaN(Stats.mean(new double[] {Double.NaN})));
        Series s = Series.meanSd("s", new double[] {0, 1}, new double[][] {{1, 2}, {3}});
        assertEquals(2.0, s.y()[0]);
        assertEquals(2.0, s.y()[1]);
        assertEquals(0.0, s.err()[1]);
    }

    @Test
    void densityIsANormalisedGaussianMixture() {
        double h = 0.5;
        Density d = new Density("x", List.of(new Density.Sample("a", new double[] {0, 2}, new double[] {3, 1})), h, 801);
        Series s = d.lines().series().get(0);
        double integral = 0;
        for (int i = 1; i < s.x().length; i++) {
            integral += 0.5 * (s.y()[i] + s.y()[i - 1]) * (s.x()[i] - s.x()[i - 1]);
        }
        assertEquals(1.0, integral, 2e-3);
        // Closed form at x = 0: 0.75 N(0; 0, h) + 0.25 N(0; 2, h).
        double expected = 0.75 / (h * Math.sqrt(2 * Math.PI)) + 0.25 / (h * Math.sqrt(2 * Math.PI)) * Math.exp(-0.5 * 16);
        double[] at0 = Density.kde(new Density.Sample("a", new double[] {0, 2}, new double[] {3, 1}), new double[] {0}, h);
        assertEquals(expected, at0[0], 1e-12);
    }

    @Test
    void badShapesAndNamesAreOneLineErrors() {
        assertThrows(IllegalArgumentException.class, () -> new Series("s", new double[2], new double[3], null));
        assertThrows(IllegalArgumentException.class, () -> new Heatmap("x", "y", "z", new double[2], new double[1],
                new double[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> new Figure("../evil", "t", "c", lines()));
        assertThrows(IllegalArgumentException.class, () -> ImageFormat.parse("gif"));
    }
}
