package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Presets are built by named fields and checked when built. */
class PresetTest {

    @Test
    void namedFieldsLandWhereTheirNamesSay() {
        Preset q = Preset.QUICK;
        assertEquals("fashion-mnist-small", q.dataset());
        assertArrayEquals(new int[] {2, 4, 6, 8}, q.depths());
        assertEquals(6, q.curveDepth());
        assertEquals(8, q.curveEpochs());
        assertEquals(4, q.analysisDepth());
        assertEquals(1000, q.analysisSamples());
        assertEquals(512, q.probeSamples());
        assertEquals(20, q.pgdSteps());
        assertArrayEquals(new double[] {0, 0.5, 0.75, 0.9, 1}, q.robustAligns());
        assertEquals(0.001, q.lr());
    }

    @Test
    void toBuilderVariesOneFieldAndKeepsTheRest() {
        Preset one = Preset.TEST.withSeeds(1);
        assertEquals(1, one.seeds());
        assertEquals(2, Preset.TEST.seeds(), "the original is unchanged");
        assertEquals(Preset.TEST.toString().replace("seeds 2", "seeds 1"), one.toString());
        assertEquals(Preset.TEST.describe().replace("1..2", "1..1"), one.describe());
        int[] d = Preset.TEST.depths();
        d[0] = 99;
        assertEquals(1, Preset.TEST.depths()[0], "accessors hand out copies");
    }

    @Test
    void anUnsetOrBadFieldIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Preset.TEST.toBuilder().pgdSteps(0).build());
        assertTrue(e.getMessage().contains("pgdSteps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preset.builder("x", "blobs").width(8).build());
        assertTrue(e.getMessage().contains("depths"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Preset.TEST.toBuilder().aligns(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> Preset.TEST.withSeeds(0));
    }
}
