package dev.nanochat.sae.viz.web;

/** JSON embedded in a {@code <script type="application/json">}: "</" cannot close the element early. */
final class Embed {
    private Embed() {}

    static String json(String json) {
        return json.replace("</", "<\\/").replace("<!--", "<\\!--");
    }
}
