package dev.softalign.report;

import java.awt.Color;

/** Fixed series colours (Tableau 10), so a band can share its line's colour and reports look alike. */
final class Palette {

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Palette() {
    }

    static Color color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    static Color translucent(int i, int alpha) {
        Color c = color(i);
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }
}
