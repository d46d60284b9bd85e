package dl4jrepro.run;

import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.data.OneDimensionalData;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A spec with overrides applied, ready to train: the hyperparameters, the budget and the data settings one trial uses.
 * Override keys are hyperparameter names, {@code budget.steps} / {@code budget.epochs} (the reports grid over training
 * length too), {@code data.preprocess}, {@code data.pca}, {@code data.augment}, and for 1-D data {@code data.fold} and
 * {@code data.csv}.
 */
public record ResolvedConfig(ExperimentSpec spec, Hyperparameters hyperparameters, ExperimentSpec.Budget budget) {
    public static final String STEPS = "budget.steps";
    public static final String EPOCHS = "budget.epochs";
    public static final String PREPROCESS = "data.preprocess";
    public static final String PCA = "data.pca";
    /** The training images' augmentation: an object as the spec's data.augment (JSON text with --set), or "none". */
    public static final String AUGMENT = "data.augment";
    /** The validation fold of a 1-D data set with data.folds. */
    public static final String FOLD = "data.fold";
    /** "TRAIN.csv,TEST.csv": (x, y) files of one's own instead of the spec's 1-D data. */
    public static final String CSV = "data.csv";
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
        Object fold = hp.remove(FOLD), csv = hp.remove(CSV), augment = hp.remove(AUGMENT);
        if (csv != null) spec = spec.withData(withCsv(spec, String.valueOf(csv)));
        if (fold != null) {
            Integer k = String.valueOf(fold).trim().equals("0") || fold instanceof Number n && n.doubleValue() == 0 ? 0
                    : wholeNumber(FOLD, fold);
            if (spec.data().folds() == null || k >= spec.data().folds()) {
                throw new UserError(FOLD + "=" + fold + ": " + spec.id() + " has " + (spec.data().folds() == null
                        ? "no folds (data.folds)" : spec.data().folds() + " folds: use 0 … " + (spec.data().folds() - 1)));
            }
            spec = spec.withData(spec.data().withFold(k));
        }
        if (augment != null) spec = SpecCatalog.withAugment(spec, augment(augment));
        if (preprocess != null || pca != null) {
            spec = SpecCatalog.withData(spec, preprocess == null ? null : String.valueOf(preprocess),
                    pca == null ? null : wholeNumberOrZero(PCA, pca));
        }
        ExperimentSpec.Budget budget = quick ? spec.quickBudget() : spec.budget();
        if (!quick && (steps != null || epochs != null)) {
            if (steps != null && epochs != null) throw new UserError("override either budget.steps or budget.epochs, not both");
            Integer n = wholeNumber(steps != null ? STEPS : EPOCHS, steps != null ? steps : epochs);
            budget = new ExperimentSpec.Budget(epochs != null ? n : null, steps != null ? n : null, budget.evalEvery(),
                    budget.trainMetric(), budget.trainSubset(), budget.earlyStopping(), budget.stopAtLossRatio(),
                    budget.testCurve());
        }
        return new ResolvedConfig(spec, new Hyperparameters(spec.id(), spec.hyperparameters()).with(hp), budget);
    }

    private static ExperimentSpec.Augment augment(Object value) {
        if ("none".equals(value)) return null;
        try {
            Object tree = value instanceof String text ? Json.MAPPER.readValue(text, Object.class) : value;
            return Json.MAPPER.convertValue(tree, ExperimentSpec.Augment.class);
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(AUGMENT + "=" + value + ": give \"none\" or an object such as {\"copies\": 1, "
                    + "\"rotateDegrees\": 0, \"translate\": 0.125, \"shearDegrees\": 0, \"flip\": true}");
        }
    }

    private static ExperimentSpec.DataSpec withCsv(ExperimentSpec spec, String files) {
        String[] parts = files.split(",");
        if (!spec.data().isOneDimensional() || parts.length != 2) {
            throw new UserError(CSV + "=" + files + ": " + (spec.data().isOneDimensional()
                    ? "give two files, TRAIN.csv,TEST.csv" : spec.id() + " trains on images, not (x, y) pairs"));
        }
        var train = OneDimensionalData.readCsv(Path.of(parts[0].trim()));
        var test = OneDimensionalData.readCsv(Path.of(parts[1].trim()));
        return spec.data().withCsv(new ExperimentSpec.Csv(parts[0].trim(), parts[1].trim()), train.size(), test.size());
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
