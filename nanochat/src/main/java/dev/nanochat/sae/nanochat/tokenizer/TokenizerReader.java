package dev.nanochat.sae.nanochat.tokenizer;

import dev.nanochat.sae.nanochat.pickle.PickleAllowList;
import dev.nanochat.sae.nanochat.pickle.PickleReader;
import dev.nanochat.sae.nanochat.pickle.PyBytes;
import dev.nanochat.sae.nanochat.pickle.PyGlobal;
import dev.nanochat.sae.nanochat.pickle.PyInstance;
import dev.nanochat.sae.nanochat.pickle.PyRepr;
import dev.nanochat.sae.nanochat.torch.TorchArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads nanochat's tokenizer.pkl (a pickled `tiktoken.core.Encoding`, whose state is {name, pat_str,
 * mergeable_ranks, special_tokens}) with the safe pickle reader; the only global allowed is
 * tiktoken.core.Encoding, created empty and given its state dict. Also token_bytes.pt.
 */
public final class TokenizerReader {
    static final PyGlobal ENCODING = new PyGlobal("tiktoken.core", "Encoding");
    private static final long MAX_BYTES = 256L << 20;

    private TokenizerReader() {}

    public static TokenizerData readPickle(Path file) {
        byte[] data = readFile(file);
        Object root = PickleReader.load(
                file.toString(), data, new PickleAllowList(Map.of(), Set.of(ENCODING), Set.of()), null);
        if (!(root instanceof PyInstance inst)
                || !inst.type().equals(ENCODING)
                || !(inst.state() instanceof Map<?, ?> state)) {
            throw new IllegalArgumentException(file + ": expected a pickled tiktoken.core.Encoding with a state dict");
        }
        String name = string(file, state, "name");
        String pat = string(file, state, "pat_str");
        if (!(state.get("mergeable_ranks") instanceof Map<?, ?> ranks))
            throw new IllegalArgumentException(file + ": key 'mergeable_ranks' missing or not a dict");
        if (!(state.get("special_tokens") instanceof Map<?, ?> specials))
            throw new IllegalArgumentException(file + ": key 'special_tokens' missing or not a dict");
        byte[][] byRank = new byte[ranks.size()][];
        for (Map.Entry<?, ?> e : ranks.entrySet()) {
            if (!(e.getKey() instanceof PyBytes b) || !(e.getValue() instanceof Long r)) {
                throw new IllegalArgumentException(
                        file + ": mergeable_ranks entry " + PyRepr.of(e.getKey()) + " is not bytes → int");
            }
            if (r < 0 || r >= byRank.length)
                throw new IllegalArgumentException(
                        file + ": mergeable rank " + r + " outside 0.." + (byRank.length - 1));
            if (byRank[r.intValue()] != null)
                throw new IllegalArgumentException(file + ": mergeable rank " + r + " appears twice");
            byRank[r.intValue()] = b.bytes();
        }
        Map<String, Integer> special = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : specials.entrySet()) {
            if (!(e.getKey() instanceof String s)
                    || !(e.getValue() instanceof Long id)
                    || id < 0
                    || id > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        file + ": special_tokens entry " + PyRepr.of(e.getKey()) + " is not str → int");
            }
            special.put(s, id.intValue());
        }
        try {
            return new TokenizerData(name, pat, byRank, special);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** token_bytes.pt: int32 [vocab] with the UTF-8 byte length of each token (0 for specials). */
    public static int[] readTokenBytes(Path file) {
        try (TorchArchive a = TorchArchive.open(file)) {
            return a.ints("token_bytes", a.tensor());
        }
    }

    private static String string(Path file, Map<?, ?> state, String key) {
        if (!(state.get(key) instanceof String s))
            throw new IllegalArgumentException(file + ": key '" + key + "' missing or not a str");
        return s;
    }

    private static byte[] readFile(Path file) {
        try {
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": file not found");
            long size = Files.size(file);
            if (size > MAX_BYTES)
                throw new IllegalArgumentException(
                        file + ": " + size + " bytes is larger than any tokenizer (limit " + MAX_BYTES + ")");
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
