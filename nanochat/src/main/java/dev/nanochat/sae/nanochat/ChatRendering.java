package dev.nanochat.sae.nanochat;

/** Rendered conversation: token ids and nanochat's training mask (1 = assistant tokens to learn). */
public record ChatRendering(int[] ids, int[] mask) {}
