package tocsin.monitor.template;

/** A message template whose sections do not nest, with the offset where the problem starts. */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TemplateException(String message) {
        super(message, null, false, false);
    }
}
