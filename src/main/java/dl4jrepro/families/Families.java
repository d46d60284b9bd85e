package dl4jrepro.families;

import dl4jrepro.base.UserError;

import java.util.Map;

/** The model families a spec's {@code family} field may name. */
public final class Families {
    private static final Map<String, ModelFamily> BY_NAME = Map.of("MlpFamily", new MlpFamily(), "CnnFamily", new CnnFamily());

    private Families() {}

    public static ModelFamily byName(String name) {
        ModelFamily f = BY_NAME.get(name);
        if (f == null) {
            throw new UserError("unknown model family '" + name + "'; known: " + String.join(", ", BY_NAME.keySet()));
        }
        return f;
    }
}
