package dev.nanochat.sae.neuronpedia.api;

/**
 * A write API call that failed for good: {@code status} is the HTTP status (0 when the server could not
 * be reached), {@code body} the server's answer (a 400 carries {error, path}), {@code permanent} says
 * whether retrying later could help (a 400 or a repeated bare 500 will not).
 */
public class NeuronpediaException extends RuntimeException {
    private final int status;
    private final String body;
    private final boolean permanent;

    public NeuronpediaException(String message, int status, String body, boolean permanent, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.body = body;
        this.permanent = permanent;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }

    public boolean permanent() {
        return permanent;
    }
}
