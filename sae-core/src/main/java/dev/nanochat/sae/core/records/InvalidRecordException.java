package dev.nanochat.sae.core.records;

/**
 * A Kafka payload that cannot be used. The {@link Reason} is machine-readable (metrics tags, DLQ
 * header); the message says what exactly is wrong (field, shape, row).
 */
public class InvalidRecordException extends IllegalArgumentException {
    /** Why a record was rejected; {@link #code()} is the stable wire form. */
    public enum Reason {
        MALFORMED("malformed"),
        SHAPE_MISMATCH("shape_mismatch"),
        WRONG_D_IN("wrong_d_in"),
        NON_FINITE("non_finite"),
        UNKNOWN_SCHEMA_VERSION("unknown_schema_version");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public InvalidRecordException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidRecordException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** "code: message", the form stored in the dead-letter reason header. */
    public String describe() {
        return reason.code() + ": " + getMessage();
    }
}
