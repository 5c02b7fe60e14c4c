package dev.nanochat.sae.neuronpedia.api;

import java.util.List;

/** Payloads that break the write API's documented limits; raised before anything is sent. */
public class InvalidPayloadException extends IllegalArgumentException {
    private final List<String> problems;

    public InvalidPayloadException(List<String> problems) {
        super(problems.size() + " problem(s) in the upload payloads: "
                + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
                + (problems.size() > 10 ? "; …" : ""));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
