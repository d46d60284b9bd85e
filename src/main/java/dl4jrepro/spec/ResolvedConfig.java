package dl4jrepro.spec;

import dl4jrepro.cli.UserError;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A spec with overrides applied, ready to train: the hyperparameters, the budget and the data settings one trial uses.
 * Override keys are hyperparameter names, {@code budget.steps} / {@code budget.epochs} (the reports grid over training
 * length too) and {@code data.preprocess}.
 */
public record ResolvedConfig(ExperimentSpec spec, Hyperparameters hyperparameters, ExperimentSpec.Budget budget) {
    public static final String STEPS = "budget.steps";
    public static final String EPOCHS = "budget.epochs";
    public static final String PREPROCESS = "data.preprocess";
    public static final String PCA = "data.pca";
    /** Names a configuration in tables and figure filters; changes nothing in training. */
    public static final String LABEL = "label";

    /**
     * @param quick     use the spec's smoke budget; budget overrides then do not apply (the smoke budget stays small)
     * @param overrides values as text ({@code --set}) or typed (search grids)
     */
    public static ResolvedConfig of(ExperimentSpec spec, boolean quick, Map<String, ?> overrides) {
        Map<String, Object> hp = new LinkedHashMap<>(overrides);
        hp.remove(LABEL);
        Object preprocess = hp.remove(PREPROCESS), pca = hp.remove(PCA);
        Object steps = hp.remove(STEPS), epochs = hp.remove(EPOCHS);
        if (preprocess != null || pca != null) {
            spec = SpecCatalog.withData(spec, preprocess == null ? null : String.valueOf(preprocess),
                    pca == null ? null : wholeNumberOrZero(PCA, pca));
        }
        ExperimentSpec.Budget budget = quick ? spec.quickBudget() : spec.budget();
        if (!quick && (steps != null || epochs != null)) {
            if (steps != null && epochs != null) throw new UserError("override either budget.steps or budget.epochs, not both");
            Integer n = wholeNumber(steps != null ? STEPS : EPOCHS, steps != null ? steps : epochs);
            budget = new ExperimentSpec.Budget(epochs != null ? n : null, steps != null ? n : null, budget.evalEvery(),
                    budget.trainMetric(), budget.trainSubset(), budget.earlyStopping());
        }
        return new ResolvedConfig(spec, new Hyperparameters(spec.id(), spec.hyperparameters()).with(hp), budget);
    }

    private static Integer wholeNumberOrZero(String key, Object v) {
        return String.valueOf(v).trim().equals("0") || v instanceof Number n && n.doubleValue() == 0 ? 0 : wholeNumber(key, v);
    }

    private static Integer wholeNumber(String key, Object v) {
        try {
            int n = v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue()) ? num.intValue()
                    : Integer.parseInt(String.valueOf(v).trim());
            if (n <= 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UserError(key + "=" + v + ": use a positive whole number");
        }
    }
}
