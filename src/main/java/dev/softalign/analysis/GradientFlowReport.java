package dev.softalign.analysis;

/**
 * A {@link GradientFlow.Summary} as flat per-layer arrays (index = layer), the shape the gradflow
 * command prints and a result file stores. Values that do not exist (the condition number of a
 * Jacobian measured on no samples, the B/W angle of a direct-feedback layer whose B and W differ in
 * shape) are NaN, written as null in JSON.
 */
public record GradientFlowReport(String path, int samples, int jacobianSamples, double loss, double[] gradNormTrue,
        double[] gradNormRule, double[] gradCosine, double[] deltaNormTrue, double[] deltaNormRule,
        double[] jacobianSvMaxTrue, double[] jacobianSvMaxRule, double[] jacobianSvMinTrue, double[] jacobianSvMinRule,
        double[] jacobianSvStdTrue, double[] jacobianSvStdRule, double[] jacobianConditionTrue,
        double[] jacobianConditionRule, double[][] jacobianSingularValuesTrue, double[][] jacobianSingularValuesRule,
        double[] anglesDegrees) {

    public static GradientFlowReport of(GradientFlow.Summary s) {
        Columns t = new Columns(s.jacobianTrue());
        Columns r = new Columns(s.jacobianRule());
        return new GradientFlowReport(s.path().id(), s.samples(), s.jacobianSamples(), s.loss(),
                s.trueGradNorm(), s.ruleUpdateNorm(), s.cosine(), s.deltaNormTrue(), s.deltaNormRule(), t.max, r.max,
                t.min, r.min, t.std, r.std, t.condition, r.condition, t.all, r.all, s.anglesDegrees());
    }

    /**
     * Per layer: the mean largest singular value, the smallest non-zero one (largest over the
     * condition number), the spread of the largest over samples, the condition number, and all
     * mean singular values.
     */
    private static final class Columns {
        final double[] max;
        final double[] min;
        final double[] std;
        final double[] condition;
        final double[][] all;

        Columns(GradientFlow.JacobianSpectrum[] spectra) {
            int n = spectra.length;
            max = new double[n];
            min = new double[n];
            std = new double[n];
            condition = new double[n];
            all = new double[n][];
            for (int i = 0; i < n; i++) {
                GradientFlow.JacobianSpectrum j = spectra[i];
                max[i] = j.max();
                min[i] = j.mean().length == 0 ? Double.NaN : j.mean()[0] / j.condition();
                std[i] = j.std().length == 0 ? Double.NaN : j.std()[0];
                condition[i] = j.condition();
                all[i] = j.mean();
            }
        }
    }
}
