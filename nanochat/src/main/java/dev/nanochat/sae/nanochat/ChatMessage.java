package dev.nanochat.sae.nanochat;

/** One chat turn: role is system, user or assistant; content is plain text. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
            throw new IllegalArgumentException("chat role must be system, user or assistant, got '" + role + "'");
        }
        if (content == null) throw new IllegalArgumentException("chat content must not be null");
    }
}
