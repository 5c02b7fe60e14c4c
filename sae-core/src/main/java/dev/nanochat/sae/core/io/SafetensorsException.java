package dev.nanochat.sae.core.io;

/**
 * A safetensors file or blob that cannot be read or written as asked. Messages name the source (file
 * path or "&lt;bytes&gt;") and, where one is involved, the tensor.
 */
public class SafetensorsException extends IllegalArgumentException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
