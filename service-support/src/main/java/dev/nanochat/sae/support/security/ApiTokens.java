package dev.nanochat.sae.support.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer tokens every service accepts, from {@code SAE_API_TOKENS} (config {@code sae.api.tokens}):
 * comma-separated {@code name:role:token}, role {@code read} or {@code operator} (operator may also
 * read). In Kubernetes the value comes from the Secret {@code sae-api-tokens}.
 *
 * <p>Design: only SHA-256 digests of the tokens are kept and compared with
 * {@link MessageDigest#isEqual} (constant time, and no length leak), so a heap dump or a timing probe
 * reveals no token; {@link #toString()} names callers and roles, never a token, so it is safe to log.
 * A malformed list fails at startup with the entry's position, not its text (it may hold a secret).
 */
public final class ApiTokens {
    public static final String READ = "read";
    public static final String OPERATOR = "operator";
    public static final int MIN_TOKEN_LENGTH = 16;

    /** Who presented a token, and what they may do. */
    public record Caller(String name, Set<String> roles) {}

    private record Entry(Caller caller, byte[] digest) {}

    private final List<Entry> entries;

    private ApiTokens(List<Entry> entries) {
        this.entries = entries;
    }

    public static ApiTokens parse(String spec) {
        List<Entry> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return new ApiTokens(out);
        }
        String[] items = spec.split(",");
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (item.isEmpty()) continue;
            String[] parts = item.split(":", 3);
            String where = "SAE_API_TOKENS entry " + (i + 1);
            if (parts.length != 3 || parts[0].isBlank()) {
                throw new IllegalArgumentException(where + " is not name:role:token");
            }
            String role = parts[1].trim();
            if (!role.equals(READ) && !role.equals(OPERATOR)) {
                throw new IllegalArgumentException(
                        where + " (" + parts[0] + ") has role '" + role + "'; roles: read, operator");
            }
            if (parts[2].length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(
                        where + " (" + parts[0] + ") has a token shorter than " + MIN_TOKEN_LENGTH + " characters");
            }
            byte[] digest = sha256(parts[2]);
            if (out.stream().anyMatch(e -> MessageDigest.isEqual(e.digest(), digest))) {
                throw new IllegalArgumentException(where + " (" + parts[0] + ") repeats another entry's token");
            }
            Set<String> roles = role.equals(OPERATOR) ? Set.of(READ, OPERATOR) : Set.of(READ);
            out.add(new Entry(new Caller(parts[0].trim(), roles), digest));
        }
        return new ApiTokens(List.copyOf(out));
    }

    /** The caller holding {@code token}; every entry is compared, so the time does not depend on which. */
    public Optional<Caller> lookup(String token) {
        if (token == null) return Optional.empty();
        byte[] digest = sha256(token);
        Caller found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), digest)) found = e.caller();
        }
        return Optional.ofNullable(found);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        return entries.stream()
                .map(e -> e.caller().name() + "(" + (e.caller().roles().contains(OPERATOR) ? OPERATOR : READ) + ")")
                .toList()
                .toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
