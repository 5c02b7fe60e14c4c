package dev.nanochat.sae.evaluator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Metrics maps to and from the JSON stored per evaluation; NaN/Inf become null (JSON has no NaN). */
@ApplicationScoped
public class MetricsJson {
    private final ObjectMapper mapper;

    MetricsJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Map<String, Object> metrics) {
        Map<String, Object> clean = new LinkedHashMap<>();
        metrics.forEach((k, v) -> clean.put(k, finite(v)));
        try {
            return mapper.writeValueAsString(clean);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metrics cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    public Map<String, Object> read(String json) {
        try {
            return mapper.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metrics are not JSON: " + e.getMessage(), e);
        }
    }

    private static Object finite(Object v) {
        if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
            return null;
        }
        if (v instanceof float[] a) {
            return finite(toList(a));
        }
        if (v instanceof double[] a) {
            return java.util.Arrays.stream(a)
                    .mapToObj(x -> Double.isFinite(x) ? (Object) x : null)
                    .toList();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, finite(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(MetricsJson::finite).toList();
        }
        return v;
    }

    private static List<Double> toList(float[] a) {
        Double[] out = new Double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (double) a[i];
        }
        return List.of(out);
    }
}
