package dev.nanochat.sae.collector.collection;

import ai.djl.Device;
import dev.nanochat.sae.core.io.DType;
import dev.nanochat.sae.core.records.ActivationBatchCodec;
import dev.nanochat.sae.corpus.Corpus;
import dev.nanochat.sae.corpus.CorpusFormat;
import dev.nanochat.sae.corpus.CorpusReader;
import dev.nanochat.sae.nanochat.Gpt;
import dev.nanochat.sae.nanochat.HookPoint;
import dev.nanochat.sae.nanochat.ModelCheckpoint;
import dev.nanochat.sae.nanochat.ModelCheckpoints;
import dev.nanochat.sae.nanochat.ModelConfig;
import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates a {@link CollectionRequest} and turns it into a runnable {@link CollectionJob}.
 *
 * <p>Everything a client can get wrong is checked here, before anything is queued, and reported as a
 * {@link RequestRejectedException} naming the field: numbers out of range, paths outside the roots
 * (also after checkpoint resolution, since tag and step come from the client), unknown hooks, layers
 * beyond n_layer, a corpus whose first document cannot be read, a checkpoint that does not load.
 * Loading the model here is deliberate: a corrupt checkpoint is a bad request, not a failed job.
 */
public final class CollectionPlanner {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final AllowedRoots modelRoots;
    private final AllowedRoots dataRoots;
    private final int batchSequences;
    private final int maxRecordBytes;

    public CollectionPlanner(AllowedRoots modelRoots, AllowedRoots dataRoots, int batchSequences, int maxRecordBytes) {
        this.modelRoots = modelRoots;
        this.dataRoots = dataRoots;
        this.batchSequences = batchSequences;
        this.maxRecordBytes = maxRecordBytes;
    }

    public CollectionJob plan(
            String collectionId,
            CollectionRequest req,
            CollectionPosition start,
            Map<String, Map<Integer, Long>> offsets) {
        if (req == null) {
            throw new RequestRejectedException("body", "request body is missing");
        }
        DType dtype = dtype(req.dtype());
        double evalFraction = req.evalFraction() == null ? 0 : req.evalFraction();
        if (!(evalFraction >= 0 && evalFraction <= 1)) {
            throw new RequestRejectedException("evalFraction", "evalFraction must be in [0, 1], got " + evalFraction);
        }
        long maxTokens = req.maxTokens() == null ? 0 : req.maxTokens();
        if (maxTokens < 0) {
            throw new RequestRejectedException(
                    "maxTokens", "maxTokens must be >= 0 (0 = whole corpus), got " + maxTokens);
        }
        ModelCheckpoint ref = checkpoint(req.model());
        ModelConfig cfg = ref.config();
        int contextSize = req.contextSize() == null ? cfg.sequenceLen() : req.contextSize();
        if (contextSize < 1 || contextSize > cfg.sequenceLen()) {
            throw new RequestRejectedException(
                    "contextSize",
                    "contextSize must be in [1, " + cfg.sequenceLen() + "] (the model's sequence_len), got "
                            + contextSize);
        }
        List<HookPoint> hooks = hooks(req.hooks(), cfg);
        Corpus corpus = corpus(req.corpus());
        Tokenizer tokenizer =
                load("model.baseDir", "tokenizer", ref.tokenizerDir(), () -> Tokenizer.load(ref.tokenizerDir()));
        if (tokenizer.vocabSize() > cfg.vocabSize()) {
            throw new RequestRejectedException(
                    "model.baseDir",
                    "tokenizer in " + ref.tokenizerDir() + " has " + tokenizer.vocabSize()
                            + " tokens, more than the checkpoint's vocab_size " + cfg.vocabSize());
        }
        Gpt gpt = load("model", "checkpoint", ref.modelFile(), () -> Gpt.load(ref, Device.cpu()));
        int maxRows = ActivationBatchCodec.maxRowsFor(cfg.nEmbd(), dtype, maxRecordBytes);
        return new CollectionJob(
                collectionId,
                ref.modelId(),
                gpt,
                tokenizer,
                hooks,
                corpus,
                contextSize,
                batchSequences,
                maxTokens,
                new EvalSplit(req.seed() == null ? 0 : req.seed(), evalFraction),
                dtype,
                maxRows,
                start,
                offsets);
    }

    private ModelCheckpoint checkpoint(CollectionRequest.Model m) {
        if (m == null || m.baseDir() == null) {
            throw new RequestRejectedException(
                    "model.baseDir",
                    "model.baseDir is required (a nanochat base dir under " + modelRoots.roots() + ")");
        }
        if (m.tag() != null && !SAFE_NAME.matcher(m.tag()).matches()
                || m.tag() != null && m.tag().startsWith(".")) {
            throw new RequestRejectedException(
                    "model.tag", "model.tag '" + m.tag() + "' must be a plain directory name");
        }
        Path baseDir = modelRoots.resolve("model.baseDir", m.baseDir());
        ModelCheckpoint ref;
        try {
            ref = ModelCheckpoints.resolve(baseDir, m.source(), m.tag(), m.step());
        } catch (RuntimeException e) {
            throw new RequestRejectedException(
                    "model", "cannot resolve checkpoint in " + m.baseDir() + ": " + e.getMessage(), e);
        }
        modelRoots.resolve("model", ref.modelFile().toString());
        modelRoots.resolve("model", ref.metaFile().toString());
        modelRoots.resolve("model.baseDir", ref.tokenizerDir().toString());
        return ref;
    }

    private static List<HookPoint> hooks(List<String> names, ModelConfig cfg) {
        if (names == null || names.isEmpty()) {
            throw new RequestRejectedException(
                    "hooks", "hooks must name at least one hook, e.g. blocks.0.hook_resid_post");
        }
        LinkedHashSet<HookPoint> hooks = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            try {
                HookPoint h = HookPoint.parse(names.get(i));
                h.validate(cfg);
                if (!hooks.add(h)) {
                    throw new IllegalArgumentException("hook '" + names.get(i) + "' is listed twice");
                }
            } catch (RuntimeException e) {
                throw new RequestRejectedException("hooks[" + i + "]", "hooks[" + i + "]: " + e.getMessage(), e);
            }
        }
        return new ArrayList<>(hooks);
    }

    private Corpus corpus(CollectionRequest.Corpus c) {
        if (c == null || c.paths() == null || c.paths().isEmpty()) {
            throw new RequestRejectedException(
                    "corpus.paths", "corpus.paths must list files or globs under " + dataRoots.roots());
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < c.paths().size(); i++) {
            files.addAll(dataRoots.expand("corpus.paths[" + i + "]", c.paths().get(i)));
        }
        CorpusFormat format;
        try {
            format = c.format() != null ? CorpusFormat.parse(c.format()) : CorpusFormat.detect(files.get(0));
        } catch (IllegalArgumentException e) {
            throw new RequestRejectedException("corpus.format", e.getMessage(), e);
        }
        for (Path f : files) {
            if (c.format() == null && CorpusFormat.detect(f) != format) {
                throw new RequestRejectedException(
                        "corpus.paths",
                        "corpus files mix formats (" + files.get(0) + " is " + format + ", " + f + " is "
                                + CorpusFormat.detect(f) + "); give one format per collection");
            }
        }
        Corpus corpus = Corpus.of(files, format);
        try (CorpusReader probe = corpus.open()) {
            if (probe.next() == null) {
                throw new RequestRejectedException(
                        "corpus.paths", "corpus " + corpus + " holds no readable document (" + probe.stats() + ")");
            }
        } catch (RuntimeException e) {
            if (e instanceof RequestRejectedException r) {
                throw r;
            }
            throw new RequestRejectedException("corpus.paths", "unreadable corpus: " + e.getMessage(), e);
        }
        return corpus;
    }

    private static DType dtype(String name) {
        String d = name == null ? "f32" : name.toLowerCase(Locale.ROOT);
        return switch (d) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16" -> DType.F16;
            default -> throw new RequestRejectedException("dtype", "dtype must be f32 or f16, got '" + name + "'");
        };
    }

    private interface Loader<T> {
        T load();
    }

    private static <T> T load(String field, String what, Path file, Loader<T> loader) {
        try {
            return loader.load();
        } catch (RuntimeException e) {
            throw new RequestRejectedException(field, "cannot load " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
