package dev.nanochat.sae.features;

import dev.nanochat.sae.nanochat.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Token strings as Neuronpedia shows them: one decoded string per token id, built once per vocabulary.
 *
 * <p>Byte-level BPE splits multi-byte characters across tokens, so a token's bytes are not always valid
 * UTF-8 on their own. Such a token keeps its longest valid prefix as text and shows each dangling byte
 * as {@code <0xNN>} (the byte-fallback notation readers know from SentencePiece vocabularies): never
 * U+FFFD, which would make different tokens look alike, and never empty, which Neuronpedia rejects.
 * {@link #raw(int)} is the stored form (whitespace as is); {@link #visible(String)} is the display form
 * with spaces, newlines and tabs drawn.
 */
public final class TokenText {
  private final String[] table;

  public TokenText(String[] table) {
    this.table = table.clone();
  }

  /** The table of every id in the tokenizer's vocabulary (special tokens as their text). */
  public static TokenText of(Tokenizer tokenizer) {
    String[] t = new String[tokenizer.vocabSize()];
    for (int id = 0; id < t.length; id++) {
      t[id] = fromBytes(tokenizer.tokenBytes(id));
    }
    return new TokenText(t);
  }

  /** A token's text: UTF-8 where valid, {@code <0xNN>} per byte of an incomplete sequence. */
  public static String fromBytes(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < bytes.length) {
      int len = sequenceLength(bytes[i] & 0xFF);
      String ch = len > 0 && i + len <= bytes.length ? strict(bytes, i, len) : null;
      if (ch != null) {
        out.append(ch);
        i += len;
      } else {
        out.append(String.format("<0x%02X>", bytes[i] & 0xFF));
        i++;
      }
    }
    return out.length() == 0 ? "<empty>" : out.toString();
  }

  private static int sequenceLength(int lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
  }

  private static String strict(byte[] b, int off, int len) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return d.decode(ByteBuffer.wrap(b, off, len)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  public int vocabSize() {
    return table.length;
  }

  /** The stored string of a token id. */
  public String raw(int id) {
    if (id < 0 || id >= table.length) {
      throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + table.length);
    }
    return table[id];
  }

  /** Display form: space as ·, newline as ↵, tab as ⇥, carriage return as ␍ (so whitespace tokens show). */
  public static String visible(String raw) {
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      switch (c) {
        case ' ' -> sb.append('·');
        case '\n' -> sb.append('↵');
        case '\t' -> sb.append('⇥');
        case '\r' -> sb.append('␍');
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
