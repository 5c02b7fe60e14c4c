package dev.nanochat.sae.neuronpedia.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Neuronpedia's bulk-export schema (neuronpedia.md: database column names in order, their types, unique
 * keys, the activation invariants) as assertions over written rows. Shared by this module's package
 * test and sae-cli's in-process export test, so both check exports against the same rules.
 */
public final class ExportSchema {
    public static final List<String> NEURON = List.of(
            "modelId",
            "layer",
            "index",
            "creatorId",
            "createdAt",
            "maxActApprox",
            "hasVector",
            "vector",
            "vectorLabel",
            "vectorDefaultSteerStrength",
            "hookName",
            "topkCosSimIndices",
            "topkCosSimValues",
            "neg_str",
            "neg_values",
            "pos_str",
            "pos_values",
            "frac_nonzero",
            "freq_hist_data_bar_heights",
            "freq_hist_data_bar_values",
            "logits_hist_data_bar_heights",
            "logits_hist_data_bar_values",
            "decoder_weights_dist");
    public static final List<String> ACTIVATION = List.of(
            "id",
            "tokens",
            "values",
            "index",
            "layer",
            "modelId",
            "creatorId",
            "maxValue",
            "maxValueTokenIndex",
            "minValue",
            "dfaValues",
            "lossValues",
            "binMin",
            "binMax",
            "binContains",
            "qualifyingTokenIndex",
            "createdAt");
    public static final List<String> SOURCE = List.of(
            "id",
            "modelId",
            "setName",
            "creatorId",
            "hasDashboards",
            "inferenceEnabled",
            "visibility",
            "saelensConfig",
            "saelensRelease",
            "saelensSaeId",
            "num_prompts",
            "num_tokens_in_prompt",
            "dataset",
            "notes");
    public static final List<String> SOURCE_SET = List.of(
            "modelId",
            "name",
            "creatorId",
            "creatorName",
            "description",
            "type",
            "urls",
            "visibility",
            "releaseName",
            "defaultRange",
            "defaultShowBreaks",
            "hasDashboards");
    public static final List<String> MODEL = List.of(
            "id",
            "instruct",
            "creatorId",
            "displayName",
            "displayNameShort",
            "dimension",
            "visibility",
            "layers",
            "neuronsPerLayer",
            "owner",
            "inferenceEnabled",
            "createdAt",
            "updatedAt");
    public static final List<String> EXPLANATION =
            List.of("id", "modelId", "layer", "index", "description", "authorId", "typeName", "explanationModelName");

    private ExportSchema() {}

    /** Every row of {@code export/{kind}/batch-N.jsonl.gz}, checking that each file's first line fixes its columns. */
    public static List<JsonNode> rows(Path export, String kind) {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(export.resolve(kind))) {
            s.sorted().forEach(p -> {
                List<JsonNode> r = JsonLines.read(p);
                assertTrue(!r.isEmpty(), "an empty file breaks the import: " + p);
                for (JsonNode n : r) assertEquals(fields(r.get(0)), fields(n), "first line fixes the columns of " + p);
                out.addAll(r);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Neuron rows: columns and types; unique (modelId, layer, index); live (frac_nonzero in (0, 1]). */
    public static void checkNeurons(List<JsonNode> rows, String sourceId) {
        Set<String> keys = new HashSet<>();
        for (JsonNode r : rows) {
            assertEquals(NEURON, fields(r));
            assertTrue(r.get("index").isTextual(), "index is a string column");
            assertTrue(r.get("layer").isTextual());
            assertEquals(sourceId, r.get("layer").asText());
            assertTrue(r.get("maxActApprox").isNumber());
            assertTrue(r.get("hasVector").isBoolean());
            for (JsonNode i : r.get("topkCosSimIndices")) assertTrue(i.isInt(), "ints are written as ints");
            assertEquals(
                    r.get("topkCosSimIndices").size(), r.get("topkCosSimValues").size());
            assertEquals(r.get("pos_str").size(), r.get("pos_values").size());
            assertEquals(r.get("neg_str").size(), r.get("neg_values").size());
            double frac = r.get("frac_nonzero").asDouble();
            assertTrue(frac > 0 && frac <= 1, "a dead feature has no row: frac_nonzero " + frac);
            assertTrue(
                    keys.add(r.get("modelId").asText() + "|" + r.get("layer").asText() + "|"
                            + r.get("index").asText()),
                    "unique (modelId, layer, index)");
        }
    }

    /**
     * Activation rows: columns; unique ids; each belongs to an exported neuron; tokens and values of equal
     * length ≥ 1; maxValue, minValue and maxValueTokenIndex are those of the values; ints as ints; top
     * rows (binMin −1) have binContains −1, interval rows a share in (0, 1]. Returns the top rows' count.
     */
    public static int checkActivations(List<JsonNode> rows, List<JsonNode> neurons) {
        Set<String> ids = new HashSet<>();
        Set<String> neuronKeys = new HashSet<>();
        neurons.forEach(n -> neuronKeys.add(n.get("index").asText()));
        int tops = 0;
        for (JsonNode r : rows) {
            assertEquals(ACTIVATION, fields(r));
            assertTrue(ids.add(r.get("id").asText()), "activation ids are unique");
            assertTrue(r.get("index").isTextual());
            assertTrue(neuronKeys.contains(r.get("index").asText()), "every activation belongs to an exported neuron");
            JsonNode t = r.get("tokens"), v = r.get("values");
            assertEquals(t.size(), v.size());
            assertTrue(t.size() >= 1);
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            int arg = -1;
            for (int i = 0; i < v.size(); i++) {
                if (v.get(i).asDouble() > max) {
                    max = v.get(i).asDouble();
                    arg = i;
                }
                min = Math.min(min, v.get(i).asDouble());
            }
            assertEquals(max, r.get("maxValue").asDouble(), 0, "maxValue is the max of values");
            assertEquals(min, r.get("minValue").asDouble(), 0);
            assertTrue(r.get("maxValueTokenIndex").isInt(), "ints are written as ints");
            assertEquals(arg, r.get("maxValueTokenIndex").asInt());
            assertTrue(r.get("qualifyingTokenIndex").isInt());
            if (r.get("binMin").asDouble() == -1) {
                tops++;
                assertEquals(-1, r.get("binContains").asDouble());
            } else {
                assertTrue(r.get("binContains").asDouble() > 0
                        && r.get("binContains").asDouble() <= 1);
            }
        }
        return tops;
    }

    /** model.jsonl, source.jsonl, sourceset.jsonl: one row each with Neuronpedia's columns. */
    public static void checkSingleRows(Path export) {
        assertEquals(MODEL, fields(one(export.resolve("model.jsonl"))));
        assertEquals(SOURCE, fields(one(export.resolve("source.jsonl"))));
        assertEquals(SOURCE_SET, fields(one(export.resolve("sourceset.jsonl"))));
        assertTrue(Files.isRegularFile(export.resolve("release.jsonl")));
    }

    private static JsonNode one(Path file) {
        List<JsonNode> r = JsonLines.read(file);
        assertEquals(1, r.size(), file + " holds one row");
        return r.get(0);
    }
}
