package dl4jrepro.bench;

import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasStudyTest {
    @Test
    void readsTheSetupsToCompareFirstOneTheBaseline() {
        assertEquals(List.of(new BlasStudy.Setup("newer", "instruction-set"), new BlasStudy.Setup("mkl", "auto")),
                BlasStudy.setups("newer:instruction-set,mkl"));
        assertEquals(List.of(new BlasStudy.Setup("bundled", "detected"), new BlasStudy.Setup("newer", "environment")),
                BlasStudy.setups("bundled,newer:environment"));
    }

    @Test
    void refusesMalformedSetupsInOneLine() {
        for (String bad : List.of("newer:haswell,mkl", "atlas,mkl", "mkl:detected,newer", "newer:detected:x,mkl", "mkl")) {
            String message = assertThrows(UserError.class, () -> BlasStudy.setups(bad)).getMessage();
            assertTrue(message.startsWith("--setups " + bad + ": ") && !message.contains("\n"), message);
        }
    }
}
