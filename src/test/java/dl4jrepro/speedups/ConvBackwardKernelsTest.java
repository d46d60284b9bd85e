package dl4jrepro.speedups;

import dl4jrepro.base.UserError;
import dl4jrepro.speedups.ConvBackwardKernels.Kernel;
import dl4jrepro.speedups.ConvBackwardKernels.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** How {@link ConvBackwardKernels} picks a shape's backward kernel: by timing, or by the rule. */
class ConvBackwardKernelsTest {
    /** A 3×3 same-padded convolution of c → co channels on h×h maps, batch 32. */
    static Shape shape(int c, int co, int h, boolean inputGradient) {
        return new Shape(new Im2colConvolution.Geometry(32, c, h, h, co, 3, 3, 1, 1, 1, 1, h, h), inputGradient);
    }

    @Test
    void timingKeepsTheFasterKernelByItsFastestRoundIgnoringTheUntimedFirst() {
        for (Kernel faster : Kernel.values()) {
            List<Kernel> calls = new ArrayList<>();
            ConvBackwardKernels.Choice c = ConvBackwardKernels.time(k -> {
                boolean first = !calls.contains(k);
                calls.add(k);
                if (first) return k == faster ? 1_000_000_000L : 1_000_000L;  // the first round is not counted
                return (k == faster ? 2_000_000L : 5_000_000L) + calls.size();  // noise: later rounds slower
            });
            assertEquals(faster, c.kernel());
            int kernels = Kernel.values().length;
            assertEquals(kernels * (ConvBackwardKernels.ROUNDS + 1), calls.size(), "an untimed round, then the timed ones");
            assertEquals(List.of(Kernel.DL4J, Kernel.IM2COL, Kernel.DNNL, Kernel.IM2COL, Kernel.DNNL, Kernel.DL4J),
                    calls.subList(0, 6), "the kernels take turns going first");
            assertEquals(2.0, c.timedMs().get(faster), 0.0001, "its fastest timed round, in ms");
            assertTrue(c.describe().startsWith(faster.label() + " (timed: DL4J's (oneDNN 2.3) "), c.describe());
        }
    }

    @Test
    void theRuleKeepsDl4jsKernelFor3x3Stride1LayersOnLargerMapsOfFewerChannelsAndGivesJavacppsOneDnnTheRest() {
        assumeTrue(DnnlConvolution.available(), "javacpp's oneDNN does not load here");
        assertEquals(Kernel.DL4J, ConvBackwardKernels.byRule(shape(64, 128, 16, true)), "3x3 at stride 1");
        assertEquals(Kernel.DNNL, ConvBackwardKernels.byRule(shape(64, 128, 16, false)), "no input gradient");
        assertEquals(Kernel.DNNL, ConvBackwardKernels.byRule(shape(256, 512, 4, true)), "16 positions");
        assertEquals(Kernel.DNNL, ConvBackwardKernels.byRule(shape(256, 256, 8, true)), "256 input channels");
        assertEquals(Kernel.DNNL, ConvBackwardKernels.byRule(shape(512, 512, 2, true)), "4 positions");
        assertEquals(Kernel.DNNL, ConvBackwardKernels.byRule(shape(256, 64, 8, false)), "256 channels, no input gradient");
        assertEquals(Kernel.DL4J, ConvBackwardKernels.byRule(shape(128, 256, 8, true)));
        Shape fiveByFive = new Shape(new Im2colConvolution.Geometry(128, 32, 24, 24, 64, 5, 5, 1, 1, 0, 0, 20, 20), true);
        assertEquals(Kernel.DNNL, ConvBackwardKernels.byRule(fiveByFive), "C1's 5x5");
        Shape strideTwo = new Shape(new Im2colConvolution.Geometry(32, 64, 16, 16, 128, 3, 3, 2, 2, 1, 1, 8, 8), true);
        assertEquals(Kernel.DNNL, ConvBackwardKernels.byRule(strideTwo), "3x3 at stride 2");
    }

    /** Runs {@code body} under {@code policy}, then gives the property back the value it had. */
    static void underPolicy(String policy, Runnable body) {
        String before = System.getProperty(ConvBackwardKernels.PROPERTY);
        System.setProperty(ConvBackwardKernels.PROPERTY, policy);
        try {
            body.run();
        } finally {
            if (before == null) System.clearProperty(ConvBackwardKernels.PROPERTY);
            else System.setProperty(ConvBackwardKernels.PROPERTY, before);
        }
    }

    @Test
    void timedPolicyKeepsIm2colUntimedOnSmallMaps() {
        underPolicy("timed", () -> {
            ConvBackwardKernels.Choice c = ConvBackwardKernels.choose(shape(512, 512, 4, true), k -> {
                throw new AssertionError("a 4x4 map timed");
            });
            assertEquals(Kernel.DNNL.label() + " (by rule)", c.describe());
            assertTrue(c.describe().matches("oneDNN 2\\.\\d+\\.\\d+ \\(by rule\\)"), c.describe());
            int[] runs = {0};
            ConvBackwardKernels.Choice timed = ConvBackwardKernels.choose(shape(64, 96, 12, true), k -> {
                runs[0]++;
                return k == Kernel.IM2COL ? 1_000_000L : 3_000_000L;
            });
            assertEquals(Kernel.IM2COL, timed.kernel(), "a 12x12 map timed, against the rule's oneDNN");
            assertEquals(Kernel.values().length * (ConvBackwardKernels.ROUNDS + 1), runs[0]);
        });
    }

    @Test
    void theRuleIsTheDefault() {
        ConvBackwardKernels.Choice c = ConvBackwardKernels.choose(shape(256, 256, 8, true), k -> {
            throw new AssertionError("timed by default");
        });
        assertEquals(Kernel.DNNL.label() + " (by rule)", c.describe());
    }

    @Test
    void theRulePolicyTimesNothingAndAnUnknownPolicyIsAUserError() {
        underPolicy("rule", () -> {
            ConvBackwardKernels.Choice c = ConvBackwardKernels.choose(shape(3, 8, 8, true), k -> {
                throw new AssertionError("timed under the rule");
            });
            assertEquals("DL4J's (oneDNN 2.3) (by rule)", c.describe());
        });
        underPolicy("fastest", () -> {
            UserError e = assertThrows(UserError.class, () -> ConvBackwardKernels.choose(shape(3, 8, 8, true), k -> 0L));
            assertTrue(e.getMessage().contains("use timed or rule"), e.getMessage());
        });
    }
}
