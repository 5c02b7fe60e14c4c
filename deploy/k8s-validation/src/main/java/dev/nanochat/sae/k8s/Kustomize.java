package dev.nanochat.sae.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders an overlay with {@code kubectl kustomize} (the same renderer {@code kubectl apply -k} uses). */
public final class Kustomize {
    private Kustomize() {}

    public static String render(Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("kubectl not found on PATH: it renders the overlays (apt-get install kubectl)", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("kubectl kustomize " + dir + " failed:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Splits a multi-document YAML stream into objects (empty documents skipped). */
    public static List<Manifest> parse(String yaml) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<Manifest> out = new ArrayList<>();
        try (JsonParser parser = mapper.getFactory().createParser(yaml);
                MappingIterator<JsonNode> docs = mapper.readValues(parser, JsonNode.class)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && doc.isObject() && doc.size() > 0) {
                    out.add(Manifest.of(doc));
                }
            }
        }
        return out;
    }
}
