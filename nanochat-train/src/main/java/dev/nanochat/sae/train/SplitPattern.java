package dev.nanochat.sae.train;

import java.util.List;
import java.util.regex.Pattern;

/**
 * nanochat's pre-tokenizer regex and special tokens (spec: nanochat.md). GPT-4's pattern with
 * digits in groups of 1–2 rather than 1–3, which nanochat chose to spend fewer tokens on numbers
 * at small vocabulary sizes. Java needs UNICODE_CHARACTER_CLASS so {@code \s} matches Unicode
 * whitespace like the Rust/Python regex engines do.
 */
public final class SplitPattern {
    public static final String PATTERN =
            "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,2}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";

    public static final Pattern COMPILED = Pattern.compile(PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    /** In id order, placed after the ordinary tokens. */
    public static final List<String> SPECIAL_TOKENS = List.of(
            "<|bos|>",
            "<|user_start|>",
            "<|user_end|>",
            "<|assistant_start|>",
            "<|assistant_end|>",
            "<|python_start|>",
            "<|python_end|>",
            "<|output_start|>",
            "<|output_end|>");

    private SplitPattern() {}
}
