package dev.nanochat.sae.nanochat;

import dev.nanochat.sae.nanochat.tokenizer.TokenizerData;
import dev.nanochat.sae.nanochat.tokenizer.TokenizerReader;
import dev.nanochat.sae.nanochat.tokenizer.Utf8Replace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * nanochat's tokenizer with tiktoken's semantics. Design choices:
 * - The split regex is the file's pat_str compiled with UNICODE_CHARACTER_CLASS (so `\s` and
 *   case-folding are Unicode, as in tiktoken's Rust regex); each piece is BPE-merged on its UTF-8.
 * - Special-token text inside ordinary text is ordinary; {@link #encode(String, Set)} splits on the
 *   allowed specials and, like tiktoken's default, refuses text holding any other special token.
 * - decode joins token bytes and replaces invalid UTF-8 exactly as Python's errors="replace".
 */
public final class Tokenizer {
    public static final String BOS = "<|bos|>";

    private final TokenizerData data;
    private final Pattern split;
    private final dev.nanochat.sae.nanochat.tokenizer.BytePairEncoder encoder;
    private final Map<Integer, byte[]> specialBytes = new HashMap<>();

    public Tokenizer(TokenizerData data) {
        this.data = data;
        this.split = Pattern.compile(data.patStr(), Pattern.UNICODE_CHARACTER_CLASS);
        this.encoder = new dev.nanochat.sae.nanochat.tokenizer.BytePairEncoder(data.mergeableRanks());
        data.specialTokens().forEach((k, v) -> specialBytes.put(v, k.getBytes(StandardCharsets.UTF_8)));
    }

    /** Loads `<dir>/tokenizer.pkl`. */
    public static Tokenizer load(Path tokenizerDir) {
        return new Tokenizer(TokenizerReader.readPickle(tokenizerDir.resolve("tokenizer.pkl")));
    }

    public TokenizerData data() {
        return data;
    }

    public int vocabSize() {
        return data.vocabSize();
    }

    public int bosId() {
        return specialId(BOS);
    }

    public int specialId(String token) {
        Integer id = data.specialTokens().get(token);
        if (id == null)
            throw new IllegalArgumentException("unknown special token '" + token + "' (known: "
                    + data.specialTokens().keySet() + ")");
        return id;
    }

    public Set<String> specialTokens() {
        return data.specialTokens().keySet();
    }

    /** tiktoken encode_ordinary: no special tokens recognised. */
    public int[] encodeOrdinary(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[Math.max(16, utf8.length)];
        int size = 0;
        Matcher m = split.matcher(text);
        while (m.find()) {
            byte[] piece = m.group().getBytes(StandardCharsets.UTF_8);
            if (out.length - size < piece.length)
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + piece.length));
            size = encoder.encode(piece, 0, piece.length, out, size);
        }
        return Arrays.copyOf(out, size);
    }

    /** tiktoken encode(text, allowed_special=allowed, disallowed_special="all"). */
    public int[] encode(String text, Set<String> allowedSpecial) {
        for (String s : specialTokens()) {
            if (!allowedSpecial.contains(s) && text.contains(s)) {
                throw new IllegalArgumentException(
                        "text contains the special token " + s + " which is not allowed here");
            }
        }
        for (String s : allowedSpecial) specialId(s);
        if (allowedSpecial.isEmpty()) return encodeOrdinary(text);
        Pattern specials =
                Pattern.compile(allowedSpecial.stream().map(Pattern::quote).collect(Collectors.joining("|")));
        List<int[]> parts = new ArrayList<>();
        Matcher m = specials.matcher(text);
        int start = 0;
        while (m.find()) {
            parts.add(encodeOrdinary(text.substring(start, m.start())));
            parts.add(new int[] {specialId(m.group())});
            start = m.end();
        }
        parts.add(encodeOrdinary(text.substring(start)));
        return concat(parts);
    }

    /** Joins token bytes (special tokens as their text) and decodes UTF-8 with U+FFFD replacement. */
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(tokenBytes(id));
        return Utf8Replace.decode(out.toByteArray());
    }

    public byte[] tokenBytes(int id) {
        byte[] b = id < data.mergeableRanks().length && id >= 0 ? data.mergeableRanks()[id] : specialBytes.get(id);
        if (b == null)
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + vocabSize());
        return b.clone();
    }

    /**
     * nanochat's render_conversation: a leading system message is merged into the first user
     * message; then bos, user turns as user_start…user_end (mask 0), assistant turns as
     * assistant_start (mask 0) … assistant_end (mask 1 on content and end); truncated to maxTokens.
     */
    public ChatRendering renderChat(List<ChatMessage> conversation, int maxTokens) {
        List<ChatMessage> messages = new ArrayList<>(conversation);
        if (!messages.isEmpty() && messages.get(0).role().equals("system")) {
            if (messages.size() < 2 || !messages.get(1).role().equals("user"))
                throw new IllegalArgumentException("a system message must be followed by a user message");
            messages.set(
                    1,
                    new ChatMessage(
                            "user",
                            messages.get(0).content() + "\n\n" + messages.get(1).content()));
            messages.remove(0);
        }
        if (messages.isEmpty()) throw new IllegalArgumentException("conversation has no messages");
        IdList ids = new IdList();
        ids.add(bosId(), 0);
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage msg = messages.get(i);
            String expected = i % 2 == 0 ? "user" : "assistant";
            if (!msg.role().equals(expected))
                throw new IllegalArgumentException(
                        "message " + i + " is from " + msg.role() + ", expected " + expected);
            if (expected.equals("user")) {
                ids.add(specialId("<|user_start|>"), 0);
                ids.addAll(encodeOrdinary(msg.content()), 0);
                ids.add(specialId("<|user_end|>"), 0);
            } else {
                ids.add(specialId("<|assistant_start|>"), 0);
                ids.addAll(encodeOrdinary(msg.content()), 1);
                ids.add(specialId("<|assistant_end|>"), 1);
            }
        }
        return ids.truncated(maxTokens);
    }

    /** render_for_completion: drop a trailing assistant turn, then open a new assistant turn. */
    public int[] renderForCompletion(List<ChatMessage> conversation) {
        List<ChatMessage> messages = new ArrayList<>(conversation);
        if (!messages.isEmpty() && messages.get(messages.size() - 1).role().equals("assistant"))
            messages.remove(messages.size() - 1);
        int[] ids = renderChat(messages, Integer.MAX_VALUE).ids();
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = specialId("<|assistant_start|>");
        return out;
    }

    private static int[] concat(List<int[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Growable ids + mask. */
    private static final class IdList {
        private final List<Integer> ids = new ArrayList<>();
        private final List<Integer> mask = new ArrayList<>();

        void add(int id, int m) {
            ids.add(id);
            mask.add(m);
        }

        void addAll(int[] tokens, int m) {
            for (int t : tokens) add(t, m);
        }

        ChatRendering truncated(int max) {
            int n = Math.min(max, ids.size());
            return new ChatRendering(
                    ids.subList(0, n).stream().mapToInt(Integer::intValue).toArray(),
                    mask.subList(0, n).stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
