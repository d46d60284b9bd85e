package dl4jrepro.checks;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Finite differences need double precision: ND4J's default type is DOUBLE inside the test class, and restored after. */
public final class DoublePrecision implements BeforeAllCallback, AfterAllCallback {
    private DataType previous;

    @Override
    public void beforeAll(ExtensionContext context) {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Nd4j.setDefaultDataTypes(previous, previous);
    }
}
