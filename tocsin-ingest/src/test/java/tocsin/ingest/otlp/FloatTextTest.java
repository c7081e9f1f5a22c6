package tocsin.ingest.otlp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected strings are what Go's strconv and encoding/json print for the same doubles. */
class FloatTextTest {

    @ParameterizedTest
    @CsvSource({
            "0.005, 0.005", "1, 1.0", "-5, -5.0", "0, 0", "250, 250.0", "0.99, 0.99", "2.5, 2.5",
            "100000, 100000.0", "1000000, 1e+06.0", "1234567, 1.234567e+06.0", "0.0001, 0.0001", "0.00001, 1e-05",
            "1.5e300, 1.5e+300.0", "Infinity, inf", "-Infinity, -inf", "NaN, nan"})
    void boundsAreWrittenAsDatadogWritesThem(double value, String text) {
        assertThat(FloatText.bound(value)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({
            "1.5, 1.5", "100, 100", "-0.25, -0.25", "123456789012, 123456789012", "0.000001, 0.000001",
            "1e-7, 1e-7", "1e20, 100000000000000000000", "1e21, 1e+21", "-2.5e-10, -2.5e-10",
            "0.1, 0.1", "Infinity, +Inf", "NaN, NaN"})
    void attributeNumbersAreWrittenAsTheCollectorWritesThem(double value, String text) {
        assertThat(FloatText.attribute(value)).isEqualTo(text);
    }
}
